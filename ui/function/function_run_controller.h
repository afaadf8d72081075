// The function-run controller: the GUI thread's side of the runs of a function problem. It follows
// the experiment document (each run configuration's generation says whether it must restart),
// drives the RunWorker in its member thread and keeps the decimated history of every run (and
// twin) for the panels.
#pragma once

#include "ui/app/work_controller.h"
#include "ui/function/run_track.h"
#include "ui/function/run_worker.h"

#include "core/experiment/experiment.h"

#include <cstdint>
#include <map>
#include <vector>

namespace optiscope {

class ExperimentDocument;

class FunctionRunController : public WorkController {
    Q_OBJECT
public:
    explicit FunctionRunController(ExperimentDocument* document, QObject* parent = nullptr);
    ~FunctionRunController() override; ///< stops the worker and waits for it

    /// The document's experiment (read-only; edit it through the document).
    [[nodiscard]] const Experiment& experiment() const;
    [[nodiscard]] const std::vector<RunTrack>& tracks() const { return m_tracks; }
    /// Track of `configIndex` (twin: its no-decay copy), or -1.
    [[nodiscard]] int trackIndex(int configIndex, bool twin) const;
    [[nodiscard]] bool allFinished() const override;
    [[nodiscard]] double speed() const { return m_speed; }

    void play() override;
    void pause() override;
    /// Every run back to row 0 (keeps playing if it was).
    void reset() override;
    /// Pause and advance every run by one update.
    void stepOnce();
    /// Steps per second; 0: as fast as the machine goes.
    void setSpeed(double stepsPerSecond);

    /// Take a batch from the worker; runs whose generation is no longer current are dropped.
    void acceptBatch(const optiscope::RunBatch& batch);

signals:
    /// The runs were rebuilt after a change of the document (tracks may have been replaced).
    void experimentChanged();

private:
    void onDocumentChanged(int change, int configIndex);
    void applyBudget();
    void rebuildTracks();
    void sendJobs();

    WorkerThread<RunWorker> m_worker;
    std::vector<RunTrack> m_tracks;
    /// The worker's generation of each document generation; cleared by reset().
    std::map<std::uint64_t, std::uint64_t> m_workerGeneration;
    std::uint64_t m_nextGeneration = 1;
    double m_speed = 0.0;
};

} // namespace optiscope
