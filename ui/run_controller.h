// The run controller: the GUI thread's side of the runs. It holds the experiment being edited,
// gives each run configuration a generation (a new one whenever its numbers change), drives the
// worker in its member QThread and keeps the decimated history of every run for the panels.
#pragma once

#include "core/experiment/experiment.h"
#include "ui/run_track.h"

#include <QObject>
#include <QThread>

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <vector>

namespace optiscope {

class RunWorker;

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override; ///< stops the worker and waits for it: closing mid-run is clean

    [[nodiscard]] const Experiment& experiment() const { return m_experiment; }
    [[nodiscard]] const std::vector<RunTrack>& tracks() const { return m_tracks; }
    /// Track of `configIndex` (twin: its no-decay copy), or -1.
    [[nodiscard]] int trackIndex(int configIndex, bool twin) const;
    [[nodiscard]] long long stride() const { return m_stride; }
    [[nodiscard]] bool isPlaying() const { return m_playing; }
    [[nodiscard]] bool allFinished() const;
    [[nodiscard]] double speed() const { return m_speed; }

    /// Replace everything; every run restarts.
    void setExperiment(const Experiment& experiment);
    /// New function, constants, noise or start: every run restarts.
    void setProblem(const FunctionProblem& problem);
    void setStart(const Eigen::Vector2d& start);
    /// New network problem (data, model, training): every run restarts. The network view trains
    /// network experiments; this controller's worker runs function problems only.
    void setNetworkProblem(const NetworkProblem& problem);
    void setTitle(const std::string& title);
    /// Change one run. Only a change of its numbers (optimizer, schedule, twin) restarts it, and
    /// only it; name, colour and visibility are cosmetic.
    void setRun(int configIndex, const RunConfig& run);
    void addRun(const RunConfig& run);
    void duplicateRun(int configIndex);
    void removeRun(int configIndex);
    /// Step budget (Experiment::steps). Runs continue or stop; nothing restarts.
    void setBudget(long long steps);

    void play();
    void pause();
    void togglePlay();
    /// Pause and advance every run by one update.
    void stepOnce();
    /// Every run back to row 0 (keeps playing if it was).
    void reset();
    /// Steps per second; 0: as fast as the machine goes.
    void setSpeed(double stepsPerSecond);

    /// Take a batch from the worker; runs whose generation is no longer current are dropped.
    void acceptBatch(const optiscope::RunBatch& batch);

signals:
    /// The experiment or the set of runs changed (tracks were rebuilt).
    void experimentChanged();
    /// New rows arrived (at most one signal per batch).
    void tracksUpdated();
    void playingChanged(bool playing);
    void runFailed(const QString& message);

private:
    void restart(bool all);
    void rebuildTracks();
    void sendJobs();
    static bool sameNumbers(const RunConfig& a, const RunConfig& b);

    Experiment m_experiment;
    std::vector<std::array<std::uint64_t, 2>> m_generations; ///< per config: {run, twin}
    std::vector<RunTrack> m_tracks;
    std::uint64_t m_nextGeneration = 1;
    long long m_stride = 1;
    bool m_playing = false;
    double m_speed = 0.0;
    QThread m_thread;
    RunWorker* m_worker = nullptr;
};

} // namespace optiscope
