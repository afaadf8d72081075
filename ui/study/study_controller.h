// The study controller: the GUI thread's side of a study. It follows the experiment document (a
// study's plan is rebuilt whenever the experiment changes), owns the StudyWorker in its member
// thread, and keeps every finished job's record — read from the study folder when the study is
// opened, then one by one as jobs finish — so the study view shows results as they come in.
// Play runs (or resumes) the jobs not yet complete; pause holds them; cancel stops them, keeping
// every finished job on disk, where the CLI can finish the study too, and vice versa.
#pragma once

#include "core/study/study_results.h"
#include "ui/app/work_controller.h"
#include "ui/study/study_worker.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace optiscope {

class ExperimentDocument;

class StudyController : public WorkController {
    Q_OBJECT
public:
    explicit StudyController(ExperimentDocument* document, QObject* parent = nullptr);
    ~StudyController() override; ///< stops the jobs (finished ones stay on disk) and waits

    /// The study of the document's experiment (null when it has none).
    [[nodiscard]] const StudyPlan* plan() const { return m_plan.get(); }
    [[nodiscard]] std::shared_ptr<const StudyPlan> sharedPlan() const { return m_plan; }
    [[nodiscard]] const std::vector<std::optional<JobRecord>>& records() const { return m_records; }
    /// The statistics of the jobs done so far.
    [[nodiscard]] const StudyResults& results() const;

    /// Folder the jobs are written to; by default beside the experiment file ("<stem>-study"),
    /// or, for an unsaved experiment, under the app's data folder.
    [[nodiscard]] const QString& outputDir() const { return m_dir; }
    void setOutputDir(const QString& dir);
    /// Relative data paths are resolved against this folder (the experiment file's).
    void setDataDir(const QString& dir) { m_dataDir = dir; }
    /// Threads for the jobs (default: every core).
    void setThreads(int threads) { m_threads = threads; }
    void setTraces(TraceMode traces) { m_traces = traces; }

    [[nodiscard]] std::size_t jobsTotal() const { return m_plan ? m_plan->jobCount() : 0; }
    [[nodiscard]] std::size_t jobsDone() const { return m_done; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] bool isPaused() const { return m_running && !isPlaying(); }
    [[nodiscard]] bool allFinished() const override;
    /// Seconds to go, from the pace of this run (or the estimate before one); < 0: unknown.
    [[nodiscard]] double secondsLeft() const;
    /// The estimate made before running (< 0: not yet, or it failed).
    [[nodiscard]] double estimatedSeconds() const { return m_estimate; }
    /// Why the study cannot run into its folder, or its last failure ("" if none).
    [[nodiscard]] const QString& problem() const { return m_problem; }

    /// Run the jobs not yet complete (or resume after pause).
    void play() override;
    /// Hold the running jobs where they are.
    void pause() override;
    /// Stop the jobs; finished ones stay.
    void cancel();
    /// Read the folder again (e.g. after the CLI ran jobs into it).
    void reset() override;

    /// The experiment of a job (its cell's values, its repeat's seeds), to open it in the
    /// explorer.
    [[nodiscard]] Experiment jobExperiment(std::size_t jobIndex) const;

signals:
    /// A new plan (or none): the view rebuilds.
    void planChanged();
    /// The folder was read, or jobs finished, or the run ended.
    void progressChanged();

private:
    void onDocumentChanged(int change);
    void rebuildPlan();
    /// Stop the current run at once; what it finishes from now on is read back by a scan.
    void stopRun();
    void requestEstimate();
    [[nodiscard]] QString defaultOutputDir() const;

    WorkerThread<StudyWorker> m_worker;
    std::shared_ptr<const StudyPlan> m_plan;
    std::vector<std::optional<JobRecord>> m_records;
    mutable std::optional<StudyResults> m_results; ///< computed on demand
    std::size_t m_done = 0;
    QString m_dir;
    bool m_dirChosen = false; ///< the user chose the folder: keep it across plan changes
    QString m_dataDir;
    QString m_problem;
    int m_threads = 0;
    TraceMode m_traces = TraceMode::Thin;
    quint64 m_generation = 0;
    bool m_running = false;
    std::shared_ptr<RunControl> m_control;
    std::shared_ptr<StudyProgress> m_progress;
    QElapsedTimer m_clock; ///< since this run started
    std::size_t m_doneAtStart = 0;
    double m_estimate = -1.0;
    QTimer* m_throttle; ///< batches progress signals: at most ~10 per second
};

} // namespace optiscope
