#include "ui/study/study_worker.h"

#include "core/nn/network_run.h"
#include "core/run/function_run.h"
#include "ui/app/background_thread.h"

#include <QStringList>

#include <chrono>

namespace optiscope {

namespace {
using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}
} // namespace

StudyWorker::StudyWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<optiscope::StudyScan>();
    qRegisterMetaType<optiscope::StudyRunEnd>();
    qRegisterMetaType<optiscope::JobRecord>();
}

StudyWorker::~StudyWorker() = default;

void StudyWorker::begin() {
    lowerCurrentThreadPriority(); // the job threads it starts inherit it
}

void StudyWorker::requestStop() {
    m_stop = true;
    std::lock_guard lock(m_mutex);
    if (m_current)
        m_current->requestStop();
}

void StudyWorker::scan(std::shared_ptr<const StudyPlan> plan, QString dir, quint64 generation) {
    StudyScan out;
    const StudyFolder folder(dir.toStdString());
    out.ownerError = QString::fromStdString(folder.checkOwner(*plan));
    if (out.ownerError.isEmpty()) {
        std::vector<std::string> warnings;
        out.records = folder.scan(*plan, &warnings);
        for (const auto& w : warnings)
            out.warnings << QString::fromStdString(w);
    } else {
        out.records.assign(plan->jobCount(), std::nullopt);
    }
    emit scanned(generation, out);
}

void StudyWorker::run(std::shared_ptr<const StudyPlan> plan, QString dir, QString dataDir,
                      std::vector<std::size_t> jobs, int threads, TraceMode traces,
                      std::shared_ptr<RunControl> control, std::shared_ptr<StudyProgress> progress,
                      quint64 generation) {
    StudyRunEnd end;
    {
        std::lock_guard lock(m_mutex);
        m_current = control;
    }
    if (m_stop)
        control->requestStop();
    const StudyFolder folder(dir.toStdString());
    std::string error;
    if (const std::string why = folder.checkOwner(*plan); !why.empty()) {
        end.error = QString::fromStdString(why);
    } else if (!folder.claim(*plan, &error)) {
        end.error = QString::fromStdString(error);
    } else {
        StudyRunOptions options;
        options.threads = threads;
        options.job.traces = traces;
        options.dataDir = dataDir.toStdString();
        const StudyRunOutcome outcome =
            runStudyJobs(*plan, folder, jobs, options, *control, progress.get(),
                         [this, generation](const JobRecord& r) { emit jobDone(generation, r); });
        end.completed = outcome.completed;
        end.stopped = outcome.stopped;
        if (!outcome.failures.empty())
            end.error = QString::fromStdString(outcome.failures.front().message);
    }
    {
        std::lock_guard lock(m_mutex);
        m_current.reset();
    }
    emit finished(generation, end);
}

void StudyWorker::estimate(std::shared_ptr<const StudyPlan> plan, QString dataDir, int threads,
                           quint64 generation) {
    try {
        const StudyJob job = plan->job(0);
        const Experiment e = plan->jobExperiment(job);
        const double jobs = double(plan->jobCount());
        const double parallel = std::max(1, std::min<int>(threads, int(plan->jobCount())));
        const double perJobOverhead = 0.002; // folders, files, fsync
        if (!plan->isNetwork()) {
            FunctionRun run(e, plan->instances().at(job.instance));
            const long long n = std::min<long long>(e.steps, 20000);
            const auto t0 = Clock::now();
            for (long long i = 0; i < n && run.advance(); ++i) {
            }
            const double perStep = secondsSince(t0) / double(std::max(1LL, n));
            emit estimated(generation,
                           jobs * (double(e.steps) * perStep + perJobOverhead) / parallel, {});
            return;
        }
        StudyDataCache cache(dataDir.toStdString());
        auto data = cache.split(e.network);
        // No evaluation pass of the whole set first (on 60,000 images that alone took minutes
        // in a sanitizer build, and it cannot be interrupted): two updates warm the caches.
        auto trainer = nn::makeNetworkTrainer(e, plan->instances().at(job.instance), data,
                                              /*recordInitialEpoch=*/false);
        trainer->onEpoch = nullptr;
        trainer->runSteps(2);
        const auto t0 = Clock::now();
        const long long updates = 6;
        trainer->runSteps(updates);
        const double perSample =
            secondsSince(t0) /
            double(updates * std::min<long long>(e.network.batchSize, data->train.size()));
        const double train = double(data->train.size());
        const double evaluated = train + double(data->validation.size());
        // An update costs a forward and a backward pass, an evaluation about a third of that.
        const double perJob = double(e.network.epochs) * (train + evaluated / 3.0) * perSample +
                              double(data->test.size()) / 3.0 * perSample + perJobOverhead;
        emit estimated(generation, jobs * perJob / parallel, {});
    } catch (const std::exception& ex) {
        emit estimated(generation, -1.0, QString::fromUtf8(ex.what()));
    }
}

} // namespace optiscope
