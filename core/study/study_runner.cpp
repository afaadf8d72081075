#include "core/study/study_runner.h"

#include "core/common/catalog.h"
#include "core/experiment/experiment_io.h"
#include "core/io/atomic_file.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

namespace optiscope {

namespace fs = std::filesystem;

namespace {

/// The first line where two texts differ, for a message ("  \"lr\": 0.01," vs "  \"lr\": 0.1,").
std::string firstDifference(const std::string& a, const std::string& b) {
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(' '));
        if (!s.empty() && s.back() == ',')
            s.pop_back();
        return s;
    };
    while (true) {
        const bool ga = static_cast<bool>(std::getline(sa, la));
        const bool gb = static_cast<bool>(std::getline(sb, lb));
        if (!ga && !gb)
            return "";
        if (!ga || !gb || la != lb)
            return "it has " + (gb ? trim(lb) : std::string("less")) + " where this one has " +
                   (ga ? trim(la) : std::string("nothing"));
    }
}

} // namespace

std::string StudyFolder::checkOwner(const StudyPlan& plan) const {
    std::error_code ec;
    const fs::path dir(m_dir);
    if (!fs::exists(dir, ec))
        return "";
    if (!fs::is_directory(dir, ec))
        return m_dir + ": is not a folder";
    const fs::path file = dir / "study.json";
    if (!fs::exists(file, ec)) {
        if (fs::exists(dir / "jobs", ec))
            return m_dir + ": holds study jobs but no study.json saying which study they belong "
                           "to; choose another output folder";
        return "";
    }
    const auto parsed = loadExperiment(file.string());
    if (!parsed.experiment)
        return file.string() + ": cannot be read, so the jobs in " + m_dir +
               " cannot be matched to this study (" +
               (parsed.issues.empty() ? std::string("unknown") : parsed.issues.front().reason) +
               "); choose another output folder";
    const StudyPlan other(*parsed.experiment);
    const std::string mine = plan.identity(), theirs = other.identity();
    if (mine != theirs)
        return m_dir + ": holds the jobs of another study (" + firstDifference(mine, theirs) +
               "); choose another output folder, or remove that one";
    return "";
}

bool StudyFolder::claim(const StudyPlan& plan, std::string* error) const {
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec || !fs::is_directory(m_dir)) {
        if (error)
            *error = m_dir + ": cannot create output folder: " +
                     (ec ? ec.message() : std::string("not a folder"));
        return false;
    }
    return writeFileAtomically((fs::path(m_dir) / "study.json").string(),
                               experimentToJson(plan.experiment()), error);
}

std::vector<std::optional<JobRecord>> StudyFolder::scan(const StudyPlan& plan,
                                                        std::vector<std::string>* warnings) const {
    std::vector<std::optional<JobRecord>> records(plan.jobCount());
    std::error_code ec;
    if (!fs::is_directory(fs::path(m_dir) / "jobs", ec))
        return records;
    // Reading thousands of summaries is file-system bound: every core reads its share.
    std::vector<std::string> errors(records.size());
    const std::size_t threads = std::clamp<std::size_t>(
        records.size() / 256, 1, std::max(1u, std::thread::hardware_concurrency()));
    parallelFor(0, records.size(), threads, [&](std::size_t i) {
        const StudyJob job = plan.job(i);
        std::error_code missing;
        if (fs::exists(fs::path(m_dir) / plan.jobFolder(job) / "summary.json", missing))
            records[i] = readJobRecord(plan, job, m_dir, &errors[i]);
    });
    if (warnings)
        for (std::size_t i = 0; i < records.size(); ++i)
            if (!records[i] && !errors[i].empty())
                warnings->push_back(errors[i] + "; this job runs again");
    return records;
}

bool StudyFolder::writeTables(const StudyPlan& plan,
                              const std::vector<std::optional<JobRecord>>& records,
                              std::string* error) const {
    const StudyResults results = summarizeStudy(plan, records);
    const fs::path dir(m_dir);
    return writeFileAtomically((dir / "study.csv").string(), studyCsv(plan, records), error) &&
           writeFileAtomically((dir / "summary.csv").string(), summaryCsv(plan, results), error) &&
           writeFileAtomically((dir / "comparisons.csv").string(), comparisonsCsv(plan, results),
                               error) &&
           writeFileAtomically((dir / "summary.md").string(), summaryMarkdown(plan, results),
                               error);
}

StudyRunOutcome runStudyJobs(const StudyPlan& plan, const StudyFolder& folder,
                             const std::vector<std::size_t>& jobs, const StudyRunOptions& options,
                             RunControl& control, StudyProgress* progress,
                             const std::function<void(const JobRecord&)>& onDone) {
    StudyRunOutcome outcome;
    StudyDataCache ownData(options.dataDir);
    StudyDataCache& data = options.data ? *options.data : ownData;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex mutex; // guards outcome and onDone
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t threads = std::max<std::size_t>(
        1, std::min(jobs.size(), options.threads <= 0 ? cores : std::size_t(options.threads)));
    // Threads take a cell's jobs at a time while there are plenty: the jobs of a cell create
    // their folders in the cell's folder, and two threads creating entries in one folder wait for
    // each other in the kernel (which is most of a millisecond job's time).
    const std::size_t perCell = plan.instances().size() * std::size_t(plan.repeats());
    const std::size_t chunk =
        std::clamp<std::size_t>(jobs.size() / (threads * 8), 1, std::max<std::size_t>(1, perCell));
    auto work = [&] {
        for (std::size_t c = next++; c * chunk < jobs.size(); c = next++)
            for (std::size_t i = c * chunk; i < std::min(jobs.size(), (c + 1) * chunk); ++i) {
                if (control.stopRequested() || failed.load())
                    return;
                if (progress)
                    ++progress->running;
                JobFailure failure;
                auto record = runStudyJob(plan, plan.job(jobs[i]), folder.dir(), options.job,
                                          control, data, &failure);
                if (progress)
                    --progress->running;
                std::lock_guard lock(mutex);
                if (record) {
                    ++outcome.completed;
                    if (progress)
                        ++progress->done;
                    if (onDone)
                        onDone(*record);
                } else if (failure.kind == JobFailure::Kind::Stopped) {
                    outcome.stopped = true;
                } else {
                    outcome.failures.push_back(failure);
                    failed = true;
                }
            }
    };
    if (threads == 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t)
            pool.emplace_back(work);
        for (auto& t : pool)
            t.join();
    }
    outcome.stopped = outcome.stopped || control.stopRequested();
    // Jobs commit without fsync (a lost job is found and rerun on resume); one syncfs here makes
    // every job of this call durable, as the per-job fsyncs did, at a fraction of their cost.
    if (outcome.completed > 0) {
        if (std::string error; !syncFileSystem(folder.dir(), &error))
            outcome.failures.push_back({JobFailure::Kind::Io, error});
    }
    return outcome;
}

std::vector<std::size_t> shardJobs(std::size_t jobCount, int shard, int shards) {
    std::vector<std::size_t> out;
    for (std::size_t i = static_cast<std::size_t>(shard - 1); i < jobCount;
         i += static_cast<std::size_t>(shards))
        out.push_back(i);
    return out;
}

} // namespace optiscope
