#include "core/run/experiment_runner.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace optiscope {

void RunControl::requestStop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_resume.notify_all();
}

void RunControl::setPaused(bool paused) {
    {
        std::lock_guard lock(m_mutex);
        m_paused = paused;
    }
    m_resume.notify_all();
}

bool RunControl::waitWhilePaused() {
    if (m_paused.load(std::memory_order_relaxed)) {
        std::unique_lock lock(m_mutex);
        m_resume.wait(lock, [this] { return !m_paused.load() || m_stop.load(); });
    }
    return !m_stop.load(std::memory_order_relaxed);
}

RunResult FunctionExperimentRunner::runOne(const Experiment& experiment,
                                           const RunInstance& instance, size_t index,
                                           const RowSink& sink, RunControl& control) {
    RunResult result;
    result.instance = instance;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        FunctionRun run(experiment, instance);
        if (sink && !run.diverged())
            sink(index, run.current());
        long long pending = 0;
        while (!run.finished()) {
            // Checking the flags costs two relaxed loads: cheap enough for every step.
            if (control.stopRequested() || (control.paused() && !control.waitWhilePaused())) {
                result.stopped = true;
                break;
            }
            run.advance();
            if (sink && !run.diverged())
                sink(index, run.current());
            if (++pending == 1024) {
                m_progress += pending;
                pending = 0;
            }
        }
        m_progress += pending;
        result.stepsDone = run.current().step;
        result.diverged = run.diverged();
        result.divergedAt = run.divergedAt();
        result.finalLoss = run.current().loss;
        result.finalPoint = run.current().point;
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

std::vector<RunResult> FunctionExperimentRunner::run(const Experiment& experiment,
                                                     const RowSink& sink, RunControl& control) {
    m_progress = 0;
    const std::vector<RunInstance> instances = expandRuns(experiment);
    std::vector<RunResult> results(instances.size());
    const size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t threads = std::min(instances.size(), m_threads <= 0 ? cores : size_t(m_threads));
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < instances.size(); i = next++)
            results[i] = runOne(experiment, instances[i], i, sink, control);
    };
    if (threads <= 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (size_t t = 0; t < threads; ++t)
            pool.emplace_back(work);
        for (auto& t : pool)
            t.join();
    }
    return results;
}

} // namespace optiscope
