#include "app/cli/study_command.h"

#include "app/cli/cli.h"
#include "app/cli/interrupt.h"
#include "app/cli/plot_output.h"
#include "core/experiment/experiment_io.h"
#include "core/nn/datasets.h"
#include "core/nn/memory_budget.h"
#include "core/nn/network_run.h"
#include "core/study/study_runner.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>
#include <unistd.h>

namespace optiscope::cli {

namespace {

struct StudyOptions {
    std::string file;
    std::string outDir;
    int jobs = 0; ///< threads; 0 = one per core
    int shard = 1;
    int shards = 1;
    TraceMode traces = TraceMode::Thin;
    FigureRequest figures;
    bool quiet = false;
};

std::string parseOptions(const std::vector<std::string>& args, StudyOptions& o) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args[++i];
        };
        if (a == "--out") {
            auto v = value();
            if (!v || v->empty())
                return "--out needs a folder";
            o.outDir = *v;
        } else if (a == "--jobs" || a == "-j") {
            auto v = value();
            char extra = 0;
            if (!v || std::sscanf(v->c_str(), "%d%c", &o.jobs, &extra) != 1 || o.jobs < 1 ||
                o.jobs > 1024)
                return "--jobs must be a whole number from 1 to 1024";
        } else if (a == "--shard") {
            auto v = value();
            char slash = 0, extra = 0;
            if (!v ||
                std::sscanf(v->c_str(), "%d%c%d%c", &o.shard, &slash, &o.shards, &extra) != 3 ||
                slash != '/')
                return "--shard must look like K/N (shard K of N, from 1/N to N/N), got '" +
                       v.value_or("") + "'";
            if (o.shards < 1 || o.shards > 1'000'000 || o.shard < 1 || o.shard > o.shards)
                return "--shard " + *v + ": K must be from 1 to N (and N at least 1)";
        } else if (a == "--traces") {
            auto v = value();
            if (!v || !parseTraceMode(*v, &o.traces))
                return "--traces must be thin, full or none";
        } else if (std::string error; parseFigureOption(args, i, o.figures, &error)) {
            if (!error.empty())
                return error;
        } else if (a == "--quiet" || a == "-q") {
            o.quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            return "unknown option '" + a + "'";
        } else if (o.file.empty()) {
            o.file = a;
        } else {
            return "study takes one FILE.json, got also '" + a + "'";
        }
    }
    if (o.file.empty())
        return "study needs an experiment FILE.json with a \"study\"";
    if (o.outDir.empty())
        return "study needs --out DIR";
    return "";
}

std::string duration(double seconds) {
    char buf[32];
    const long s = std::lround(seconds);
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

/// Loads every data set the study's cells use and builds one model per cell, so that a missing
/// file or an impossible model is an input error before anything is written. Returns "" or the
/// message; `keep` holds the loaded data for the run.
std::string checkNetworkInputs(const StudyPlan& plan, StudyDataCache& data,
                               std::vector<std::shared_ptr<const nn::DataSplit>>& keep,
                               long long concurrentJobs) {
    std::set<std::string> seen;
    for (std::size_t cell = 0; cell < plan.cellCount(); ++cell) {
        const StudyJob job = plan.job(plan.jobIndex(cell, 0, 0));
        const Experiment e = plan.jobExperiment(job);
        const DatasetConfig& d = e.network.dataset;
        const std::string key = d.name + "\n" + d.path + "\n" + d.targetColumn + "\n" +
                                e.network.loss + "\n" + e.network.model.architecture;
        if (!seen.insert(key).second)
            continue;
        try {
            auto split = data.split(e.network);
            // As many jobs as threads train at once (each with its own model and buffers).
            nn::checkNetworkMemory(e.network, *split, concurrentJobs);
            nn::makeNetworkTrainer(e, plan.instances().front(), split);
            keep.push_back(std::move(split));
        } catch (const nn::MemoryBudgetError& ex) {
            return ex.field() + ": " + std::string(ex.what()) +
                   " (--jobs sets how many jobs run at once)";
        } catch (const nn::DataError& ex) {
            return "problem.dataset: " + std::string(ex.what());
        } catch (const std::exception& ex) {
            return "problem: " + std::string(ex.what());
        }
        if (seen.size() > 16)
            break; // enough to catch a missing file; the rest are checked as they run
    }
    return "";
}

} // namespace

int studyCommand(const std::vector<std::string>& args) {
    StudyOptions options;
    if (auto err = parseOptions(args, options); !err.empty()) {
        std::cerr << "optiscope-cli: " << err << "\n(see optiscope-cli --help)\n";
        return kExitInvalid;
    }
    const auto parsed = loadExperiment(options.file);
    if (!parsed.experiment) {
        std::cerr << parsed.messages(options.file);
        return kExitInvalid;
    }
    const StudyPlan plan(*parsed.experiment);
    const StudyFolder folder(options.outDir);
    if (auto why = folder.checkOwner(plan); !why.empty()) {
        std::cerr << why << "\n";
        return kExitInvalid;
    }
    StudyRunOptions run;
    run.threads = options.jobs;
    run.job.traces = options.traces;
    run.dataDir = std::filesystem::absolute(options.file).parent_path().string();
    StudyDataCache data(run.dataDir);
    std::vector<std::shared_ptr<const nn::DataSplit>> keep;
    if (plan.isNetwork())
        if (auto why = checkNetworkInputs(
                plan, data, keep,
                static_cast<long long>(std::min<std::size_t>(
                    plan.jobCount(), options.jobs > 0
                                         ? std::size_t(options.jobs)
                                         : std::max(1u, std::thread::hardware_concurrency()))));
            !why.empty()) {
            std::cerr << options.file << ": " << why << "\n";
            return kExitInvalid;
        }
    run.data = &data;

    std::vector<std::string> warnings;
    std::vector<std::optional<JobRecord>> records = folder.scan(plan, &warnings);
    for (const auto& w : warnings)
        std::cerr << "warning: " << w << "\n";
    std::vector<std::size_t> pending;
    for (std::size_t i : shardJobs(plan.jobCount(), options.shard, options.shards))
        if (!records[i])
            pending.push_back(i);

    std::string error;
    if (!folder.claim(plan, &error)) {
        std::cerr << error << "\n";
        return kExitFailure;
    }

    const std::size_t before =
        plan.jobCount() -
        static_cast<std::size_t>(std::count(records.begin(), records.end(), std::nullopt));
    const bool tty = ::isatty(STDERR_FILENO);
    if (!options.quiet) {
        std::cerr << options.file << ": " << plan.jobCount() << " jobs (" << plan.cellCount()
                  << " cell" << (plan.cellCount() == 1 ? "" : "s") << " × "
                  << plan.instances().size() << " runs × " << plan.repeats() << " repeat"
                  << (plan.repeats() == 1 ? "" : "s") << ")";
        if (options.shards > 1)
            std::cerr << ", shard " << options.shard << "/" << options.shards;
        std::cerr << "; " << before << " already complete, " << pending.size() << " to run\n";
    }

    RunControl control;
    InterruptGuard::watch(&control); // SIGINT/SIGTERM stop the jobs (app/cli/interrupt.h)
    StudyProgress progress;
    std::atomic<bool> finished{false};
    const auto t0 = std::chrono::steady_clock::now();
    std::thread reporter([&] {
        while (tty && !options.quiet && !finished.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            const std::size_t done = progress.done.load();
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::string eta = "–";
            if (done > 0)
                eta = duration(elapsed / double(done) * double(pending.size() - done));
            std::fprintf(stderr, "\r%zu/%zu jobs done (%zu running), %s elapsed, ETA %s   ",
                         before + done, plan.jobCount(), progress.running.load(),
                         duration(elapsed).c_str(), eta.c_str());
        }
    });
    const StudyRunOutcome outcome =
        runStudyJobs(plan, folder, pending, run, control, &progress,
                     [&records](const JobRecord& r) { records[r.job.index] = r; });
    finished = true;
    reporter.join();
    if (tty && !options.quiet)
        std::fprintf(stderr, "\r%*s\r", 78, "");
    InterruptGuard::watch(nullptr);

    const std::size_t complete = before + outcome.completed;
    if (InterruptGuard::requested()) {
        std::cerr << "optiscope-cli: interrupted; " << complete << " of " << plan.jobCount()
                  << " jobs are complete in " << options.outDir
                  << " (run the same command again to resume)\n";
        return InterruptGuard::exitStatus();
    }
    for (const auto& f : outcome.failures)
        std::cerr << f.message << "\n";
    if (!outcome.failures.empty()) {
        std::cerr << "optiscope-cli: " << complete << " of " << plan.jobCount()
                  << " jobs are complete; fix the problem and run the same command to resume\n";
        return kExitFailure;
    }
    if (complete < plan.jobCount()) {
        if (!options.quiet)
            std::cerr << "shard " << options.shard << "/" << options.shards << " done; " << complete
                      << " of " << plan.jobCount()
                      << " jobs are complete (the tables are written once all are)\n";
        return kExitOk;
    }
    if (!folder.writeTables(plan, records, &error)) {
        std::cerr << error << "\n";
        return kExitFailure;
    }
    if (!options.quiet) {
        std::cout << summaryMarkdown(plan, summarizeStudy(plan, records));
        std::cout << "\nwrote " << (std::filesystem::path(options.outDir) / "summary.csv").string()
                  << ", comparisons.csv, study.csv, summary.md\n";
    }
    if (options.figures.any())
        return writeStudyFigures(plan, records, options.outDir, options.figures, options.quiet);
    return kExitOk;
}

} // namespace optiscope::cli
