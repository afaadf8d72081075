#include "ui/function/run_worker.h"

#include <optional>

#include "ui/app/background_thread.h"

#include "core/run/function_run.h"

#include <QTimer>

#include <algorithm>
#include <cmath>
#include <exception>

namespace optiscope {

struct RunWorker::Live {
    std::uint64_t generation = 0;
    std::shared_ptr<const Experiment> experiment; // kept alive for the run's lifetime
    std::unique_ptr<FunctionRun> run;
    RunStateLayout layout;
    std::optional<DisplayRows> rows; ///< which rows to send
    bool sentRowZero = false;
    bool failed = false;
    QString error;
    bool reportedEnd = false; ///< the finished state has been sent
};

RunWorker::RunWorker(QObject* parent) : QObject(parent), m_timer(new QTimer(this)) {
    qRegisterMetaType<optiscope::RunBatch>();
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &RunWorker::tick);
}

RunWorker::~RunWorker() = default;

void RunWorker::begin() {
    lowerCurrentThreadPriority();
    m_lastTick = std::chrono::steady_clock::now();
    m_timer->start(batchIntervalMs);
}

void RunWorker::load(std::shared_ptr<const Experiment> experiment, std::vector<RunJob> jobs) {
    std::vector<std::unique_ptr<Live>> next;
    m_budget = experiment->steps;
    for (const auto& job : jobs) {
        auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const auto& live) {
            return live && live->generation == job.generation;
        });
        if (it != m_runs.end()) {
            next.push_back(std::move(*it));
            if (next.back()->run)
                next.back()->run->setMaxSteps(m_budget);
            next.back()->reportedEnd = false;
            continue;
        }
        auto live = std::make_unique<Live>();
        live->generation = job.generation;
        live->experiment = experiment;
        try {
            live->run = std::make_unique<FunctionRun>(*experiment, job.instance);
            live->run->setMaxSteps(m_budget);
            live->layout = RunStateLayout::of(live->run->rule().state());
            live->rows.emplace(displayTolerance(*experiment), live->run->current().point);
        } catch (const std::exception& e) {
            live->failed = true;
            live->error = QString::fromStdString(e.what());
        } catch (...) {
            live->failed = true;
            live->error = QStringLiteral("unknown error while creating the run");
        }
        next.push_back(std::move(live));
    }
    m_runs = std::move(next);
    m_owed = 0.0;
    if (m_timer->isActive())
        m_timer->start(0); // report the new rows at once
}

void RunWorker::setBudget(long long steps) {
    m_budget = std::max(1LL, steps);
    for (auto& live : m_runs) {
        if (live->run)
            live->run->setMaxSteps(m_budget);
        live->reportedEnd = false;
    }
    if (m_timer->isActive())
        m_timer->start(0);
}

void RunWorker::record(Live& live, RunProgress& progress, bool keep) {
    const FunctionStep& cur = live.run->current();
    RunSample s = RunSample::fromStep(cur);
    if (keep) {
        if (cur.step > 0) {
            OptimizerState state = live.run->rule().state();
            RunStateLayout layout = RunStateLayout::of(state);
            if (!(layout == live.layout)) {
                live.layout = layout;
                progress.layout = layout;
            }
            s.state = RunStateLayout::flatten(state);
        }
        progress.samples.push_back(s);
    }
    progress.latest = std::move(s);
}

// One update; false when the run cannot go on (finished, diverged, failed).
bool RunWorker::advance(Live& live, RunProgress& progress) {
    if (live.failed || !live.run || live.run->finished())
        return false;
    bool moved = false;
    try {
        moved = live.run->advance();
    } catch (const std::exception& e) {
        live.failed = true;
        live.error = QString::fromStdString(e.what());
        return false;
    } catch (...) {
        live.failed = true;
        live.error = QStringLiteral("unknown error in the optimizer");
        return false;
    }
    if (!moved)
        return false;
    const long long step = live.run->current().step;
    const FunctionStep& cur = live.run->current();
    const bool keep = live.rows->keep(step, cur.point, live.run->finished() || cur.lrReduced);
    if (keep)
        record(live, progress, true);
    return true;
}

void RunWorker::tick() {
    if (m_stop.load()) {
        m_timer->stop();
        return;
    }
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const double elapsed = std::chrono::duration<double>(start - m_lastTick).count();
    m_lastTick = start;

    RunBatch batch;
    batch.runs.resize(m_runs.size());
    std::vector<long long> before(m_runs.size(), -1);
    for (size_t i = 0; i < m_runs.size(); ++i) {
        auto& live = *m_runs[i];
        auto& progress = batch.runs[i];
        progress.generation = live.generation;
        progress.layout = live.layout;
        if (live.run) {
            before[i] = live.run->current().step;
            if (!live.sentRowZero) {
                record(live, progress, true);
                live.sentRowZero = true;
            }
        }
    }

    const double speed = m_speed.load();
    const bool paused = m_paused.load();
    bool anyActive = false;
    bool fullSpeed = false;
    if (m_singleSteps.load() > 0) {
        m_singleSteps.fetch_sub(1);
        for (size_t i = 0; i < m_runs.size(); ++i)
            advance(*m_runs[i], batch.runs[i]);
    } else if (!paused && speed > 0) {
        m_owed = std::min(m_owed + speed * std::min(elapsed, 0.25), 1e7);
        const auto whole = static_cast<long long>(std::floor(m_owed));
        m_owed -= static_cast<double>(whole);
        const auto deadline = start + std::chrono::milliseconds(25);
        for (long long k = 0; k < whole && !m_stop.load(); ++k) {
            bool any = false;
            for (size_t i = 0; i < m_runs.size(); ++i)
                any = advance(*m_runs[i], batch.runs[i]) || any;
            if (!any || (k % 256 == 255 && Clock::now() > deadline))
                break;
        }
    } else if (!paused) {
        // As fast as possible: round-robin chunks until the slice is used up.
        fullSpeed = true;
        const auto deadline = start + std::chrono::milliseconds(batchIntervalMs - 5);
        bool any = true;
        while (any && !m_stop.load() && !m_paused.load() && Clock::now() < deadline) {
            any = false;
            for (size_t i = 0; i < m_runs.size(); ++i) {
                for (int k = 0; k < 128; ++k) {
                    if (!advance(*m_runs[i], batch.runs[i]))
                        break;
                    any = true;
                }
            }
        }
    }

    RunBatch out;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        auto& live = *m_runs[i];
        auto& progress = batch.runs[i];
        const bool ended = live.failed || !live.run || live.run->finished();
        if (!ended)
            anyActive = true;
        const bool moved = live.run && live.run->current().step != before[i];
        const bool endNews = ended && !live.reportedEnd;
        if (!moved && progress.samples.empty() && !endNews)
            continue;
        if (live.run) {
            const long long now = live.run->current().step;
            const bool haveNow = !progress.samples.empty() && progress.samples.back().step == now;
            if (haveNow)
                progress.latest = progress.samples.back();
            else
                record(live, progress, endNews); // the last row of a finished run is kept
            progress.diverged = live.run->diverged();
            progress.divergedAt = live.run->divergedAt();
        }
        progress.finished = ended;
        progress.error = live.error;
        if (ended)
            live.reportedEnd = true;
        out.runs.push_back(std::move(progress));
    }
    if (!out.runs.empty())
        emit batchReady(out);

    // Full speed: the next slice right away (events still get through between slices).
    const int interval = (fullSpeed && anyActive) ? 0 : batchIntervalMs;
    if (m_timer->interval() != interval)
        m_timer->start(interval);
}

} // namespace optiscope
