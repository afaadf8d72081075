// The worker: owns the live runs and advances them in its own thread, so the GUI thread never
// computes a trajectory. It reports value snapshots in batches (one batch per ~30 ms however fast
// the runs go), each run tagged with its generation so the controller can drop stale results.
#pragma once

#include "core/experiment/experiment.h"
#include "ui/function/run_track.h"

#include <QObject>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

class QTimer;

namespace optiscope {

class FunctionRun;

/// A run the worker should have: its generation (identity of its configuration) and instance.
struct RunJob {
    std::uint64_t generation = 0;
    RunInstance instance;
};

class RunWorker : public QObject {
    Q_OBJECT
public:
    explicit RunWorker(QObject* parent = nullptr);
    ~RunWorker() override;

    // Thread-safe controls, read by the loop between steps.
    void setPaused(bool paused) { m_paused.store(paused); }
    [[nodiscard]] bool isPaused() const { return m_paused.load(); }
    /// Steps per second per run; 0 or less: as fast as the machine goes.
    void setSpeed(double stepsPerSecond) { m_speed.store(stepsPerSecond); }
    /// One more update of every unfinished run, even while paused.
    void requestSingleStep() { m_singleSteps.fetch_add(1); }
    /// End the loop for good (the thread is about to quit).
    void requestStop() { m_stop.store(true); }

    /// Interval between batches while runs are paced or idle.
    static constexpr int batchIntervalMs = 30;

public slots:
    /// Start the loop (call in the worker's thread, e.g. from QThread::started).
    void begin();
    /// Replace the set of runs. A job whose generation the worker already runs keeps its progress;
    /// every other job starts from row 0. Runs not listed are dropped.
    void load(std::shared_ptr<const optiscope::Experiment> experiment,
              std::vector<optiscope::RunJob> jobs);
    /// Change the step budget of every run (no restart; finished runs continue if it grew).
    void setBudget(long long steps);

signals:
    void batchReady(const optiscope::RunBatch& batch);

private:
    struct Live;
    void tick();
    bool advance(Live& live, RunProgress& progress);
    void record(Live& live, RunProgress& progress, bool keep);

    QTimer* m_timer = nullptr;
    std::vector<std::unique_ptr<Live>> m_runs;
    long long m_budget = 500;
    double m_owed = 0.0; ///< fractional steps owed when paced
    std::chrono::steady_clock::time_point m_lastTick;
    std::atomic<bool> m_paused{false};
    std::atomic<bool> m_stop{false};
    std::atomic<double> m_speed{0.0};
    std::atomic<int> m_singleSteps{0};
};

} // namespace optiscope
