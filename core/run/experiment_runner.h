// Runs every run of a function experiment (twins included) to the end, on one or more threads,
// streaming each state to a sink. It can be paused and stopped from another thread at any step;
// a run that reaches a non-finite value ends there and says so in its result (not an error).
#pragma once

#include "core/experiment/experiment.h"
#include "core/run/function_run.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace optiscope {

/// Stop and pause flags shared between the thread that runs and the one that controls.
class RunControl {
public:
    void requestStop();
    /// Async-signal-safe: sets the flag only (a paused run notices on resume).
    void requestStopFromSignal() { m_stop.store(true); }
    [[nodiscard]] bool stopRequested() const { return m_stop.load(std::memory_order_relaxed); }
    void setPaused(bool paused);
    [[nodiscard]] bool paused() const { return m_paused.load(std::memory_order_relaxed); }
    /// Blocks while paused; returns false if a stop was requested.
    bool waitWhilePaused();

private:
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    std::mutex m_mutex;
    std::condition_variable m_resume;
};

/// Why and where a run ended — its Ceres-style summary.
struct RunResult {
    RunInstance instance;
    long long stepsDone = 0;
    bool diverged = false;
    long long divergedAt = 0; ///< the update that produced a non-finite value
    bool stopped = false;     ///< ended early by RunControl::requestStop()
    double finalLoss = 0.0;
    Eigen::Vector2d finalPoint{0, 0};
    double wallSeconds = 0.0;
    std::string error; ///< non-empty if the run could not be executed
};

class FunctionExperimentRunner {
public:
    /// Called with (index into expandRuns(), row) for row 0 and every finite state after it, in
    /// order per run. Rows of one run always come from one thread; rows of different runs may
    /// come from different threads at once.
    using RowSink = std::function<void(size_t, const FunctionStep&)>;

    /// `threads` <= 0 means one per core. Results are identical whatever the thread count.
    explicit FunctionExperimentRunner(int threads = 1) : m_threads(threads) {}

    std::vector<RunResult> run(const Experiment& experiment, const RowSink& sink,
                               RunControl& control);

    /// Updates done so far, over all runs (for progress displays; updated every few thousand).
    [[nodiscard]] long long progress() const { return m_progress.load(std::memory_order_relaxed); }

private:
    RunResult runOne(const Experiment& experiment, const RunInstance& instance, size_t index,
                     const RowSink& sink, RunControl& control);
    int m_threads;
    std::atomic<long long> m_progress{0};
};

} // namespace optiscope
