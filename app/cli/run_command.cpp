#include "app/cli/run_command.h"

#include "app/cli/cli.h"
#include "app/cli/interrupt.h"
#include "app/cli/network_command.h"
#include "app/cli/output_folder.h"
#include "app/cli/plot_output.h"
#include "core/experiment/experiment_io.h"
#include "core/io/atomic_file.h"
#include "core/run/experiment_runner.h"
#include "core/run/trace_writer.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace optiscope::cli {

namespace {

struct RunOptions {
    std::string file;
    std::string outDir;
    FigureRequest figures;
    bool quiet = false;
};

/// Parses `run`'s arguments; returns an error message or "".
std::string parseOptions(const std::vector<std::string>& args, RunOptions& o) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* name) -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            (void)name;
            return args[++i];
        };
        if (a == "--out") {
            auto v = value("--out");
            if (!v || v->empty())
                return "--out needs a folder";
            o.outDir = *v;
        } else if (std::string error; parseFigureOption(args, i, o.figures, &error)) {
            if (!error.empty())
                return error;
        } else if (a == "--animate") {
            auto v = value("--animate");
            if (!v || *v != "gif")
                return "--animate: the only animation format is gif";
            o.figures.gif = true;
        } else if (a == "--fps") {
            auto v = value("--fps");
            char extra = 0;
            int& fps = o.figures.fps;
            if (!v || std::sscanf(v->c_str(), "%d%c", &fps, &extra) != 1 || fps < 1 || fps > 50)
                return "--fps must be a whole number from 1 to 50";
        } else if (a == "--frames") {
            auto v = value("--frames");
            char extra = 0;
            int& frames = o.figures.frames;
            if (!v || std::sscanf(v->c_str(), "%d%c", &frames, &extra) != 1 || frames < 2 ||
                frames > 3000)
                return "--frames must be a whole number from 2 to 3000";
        } else if (a == "--seconds") {
            auto v = value("--seconds");
            char extra = 0;
            double& sec = o.figures.seconds;
            if (!v || std::sscanf(v->c_str(), "%lf%c", &sec, &extra) != 1 || !(sec >= 0.1) ||
                sec > 600)
                return "--seconds must be a number from 0.1 to 600";
        } else if (a == "--quiet" || a == "-q") {
            o.quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            return "unknown option '" + a + "'";
        } else if (o.file.empty()) {
            o.file = a;
        } else {
            return "run takes one FILE.json, got also '" + a + "'";
        }
    }
    if (o.file.empty())
        return "run needs an experiment FILE.json";
    if (o.outDir.empty())
        return "run needs --out DIR";
    if (!o.figures.gif && (o.figures.frames > 0 || o.figures.fps != 15 || o.figures.seconds != 6.0))
        return "--fps, --frames and --seconds go with --animate gif";
    if (o.figures.frames > 0 && o.figures.seconds != 6.0)
        return "give --frames or --seconds, not both";
    return "";
}

std::string humanLine(const RunResult& r) {
    char buf[512];
    if (!r.error.empty()) {
        std::snprintf(buf, sizeof buf, "%-28s failed: %s", r.instance.name.c_str(),
                      r.error.c_str());
    } else if (r.diverged) {
        std::snprintf(buf, sizeof buf,
                      "%-28s diverged at step %lld (last finite loss %.6g at (%.6g, %.6g))  %.3f s",
                      r.instance.name.c_str(), r.divergedAt, r.finalLoss, r.finalPoint.x(),
                      r.finalPoint.y(), r.wallSeconds);
    } else {
        std::snprintf(buf, sizeof buf, "%-28s %lld steps  final loss %.6g at (%.6g, %.6g)  %.3f s",
                      r.instance.name.c_str(), r.stepsDone, r.finalLoss, r.finalPoint.x(),
                      r.finalPoint.y(), r.wallSeconds);
    }
    return buf;
}

std::string summaryJson(const Experiment& e, const std::vector<RunResult>& outcomes) {
    nlohmann::ordered_json j;
    j["title"] = e.title;
    j["problem"] = "function";
    j["function"] = e.function.function;
    j["steps"] = e.steps;
    auto runs = nlohmann::ordered_json::array();
    for (const auto& r : outcomes) {
        nlohmann::ordered_json run;
        run["name"] = r.instance.name;
        run["trace"] = r.instance.slug + ".csv";
        run["no_decay_twin"] = r.instance.twin;
        run["final_loss"] = r.finalLoss;
        run["final_point"] = {r.finalPoint.x(), r.finalPoint.y()};
        run["steps_done"] = r.stepsDone;
        run["diverged"] = r.diverged;
        run["diverged_at_step"] =
            r.diverged ? nlohmann::ordered_json(r.divergedAt) : nlohmann::ordered_json();
        run["wall_time_s"] = r.wallSeconds;
        runs.push_back(run);
    }
    j["runs"] = runs;
    return j.dump(2) + "\n";
}

} // namespace

int runCommand(const std::vector<std::string>& args) {
    RunOptions options;
    if (auto err = parseOptions(args, options); !err.empty()) {
        std::cerr << "optiscope-cli: " << err << "\n(see optiscope-cli --help)\n";
        return kExitInvalid;
    }
    const auto parsed = loadExperiment(options.file);
    if (!parsed.experiment) {
        std::cerr << parsed.messages(options.file);
        return kExitInvalid;
    }
    const Experiment& experiment = *parsed.experiment;
    if (experiment.problemType == Experiment::ProblemType::Network) {
        if (options.figures.gif) {
            std::cerr << "optiscope-cli: --animate gif animates trajectories on a function map; "
                      << options.file << " is a network experiment\n";
            return kExitInvalid;
        }
        return runNetworkExperiment(experiment, options.file, options.outDir, options.quiet,
                                    options.figures);
    }

    OutputFolder folder(options.outDir);
    if (std::string error; !folder.prepare(&error)) {
        std::cerr << error << "\n";
        return kExitFailure;
    }

    const std::vector<RunInstance> instances = expandRuns(experiment);
    std::vector<std::unique_ptr<FunctionTraceWriter>> writers;
    const std::filesystem::path dir(options.outDir);
    for (const auto& instance : instances) {
        writers.push_back(
            std::make_unique<FunctionTraceWriter>((dir / (instance.slug + ".csv")).string()));
        if (!writers.back()->open()) {
            std::cerr << writers.back()->error() << "\n";
            writers.clear();
            folder.removeIfCreatedAndEmpty();
            return kExitFailure;
        }
    }

    RunControl control;
    InterruptGuard::watch(&control); // SIGINT/SIGTERM stop the runs (see app/cli/interrupt.h)
    // Runs are independent and deterministic, so running them side by side changes no number.
    FunctionExperimentRunner runner(0);
    std::vector<RunResult> outcomes;
    const long long total = experiment.steps * static_cast<long long>(instances.size());
    const bool showProgress = !options.quiet && ::isatty(STDERR_FILENO) && total >= 200000;
    std::atomic<bool> done{false};
    std::thread reporter([&] {
        while (showProgress && !done.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            std::fprintf(stderr, "\r%s: %5.1f%% of %lld steps", options.file.c_str(),
                         100.0 * double(runner.progress()) / double(total), total);
        }
    });
    // For --plots/--animate, the rows the app would keep (same display stride), per run. Each
    // run's rows come from one thread at a time, so per-run vectors need no lock.
    const bool figures = options.figures.any();
    std::vector<RunTrack> tracks;
    std::vector<FunctionStep> lastRow(instances.size());
    const long long stride = displayStride(experiment.steps);
    if (figures)
        for (const auto& instance : instances)
            tracks.push_back(emptyTrack(experiment, instance));
    outcomes = runner.run(
        experiment,
        [&](size_t i, const FunctionStep& row) {
            writers[i]->write(row);
            if (!figures)
                return;
            lastRow[i] = row;
            // The last row is added after the run (lastRow), as the other recorders keep it.
            if (keptRow(row.step, stride, row.lrReduced, false))
                tracks[i].samples.push_back(RunSample::fromStep(row));
        },
        control);
    done = true;
    reporter.join();
    if (showProgress)
        std::fprintf(stderr, "\r%*s\r", 60, "");
    InterruptGuard::watch(nullptr);

    if (InterruptGuard::requested()) {
        writers.clear(); // removes the temporaries
        folder.removeIfCreatedAndEmpty();
        std::cerr << "optiscope-cli: " << InterruptGuard::describe()
                  << "; no file was written (what " << options.outDir << " held is unchanged)\n";
        return InterruptGuard::exitStatus();
    }
    // The traces and summary.json are committed as one unit, summary.json last: a full disk
    // leaves the previous result whole, never a summary that describes other traces.
    int status = kExitOk;
    std::vector<AtomicFile*> files;
    for (size_t i = 0; i < instances.size(); ++i) {
        if (!outcomes[i].error.empty())
            status = kExitFailure;
        else
            files.push_back(&writers[i]->finishRows());
    }
    if (std::string error; !commitWithSummary(files, (dir / "summary.json").string(),
                                              summaryJson(experiment, outcomes), &error)) {
        std::cerr << error << "\nno file was written (what " << options.outDir
                  << " held is unchanged)\n";
        folder.removeIfCreatedAndEmpty();
        return kExitFailure;
    }
    if (!options.quiet)
        for (const auto& r : outcomes)
            std::cout << humanLine(r) << "\n";
    if (figures && status == kExitOk) {
        for (size_t i = 0; i < instances.size(); ++i) {
            RunTrack& t = tracks[i];
            if (t.samples.empty() || t.samples.back().step != lastRow[i].step)
                t.samples.push_back(RunSample::fromStep(lastRow[i]));
            t.latest = t.samples.back();
            t.hasLatest = true;
            t.finished = true;
            t.diverged = outcomes[i].diverged;
            t.divergedAt = outcomes[i].divergedAt;
        }
        status = writeFunctionFigures(experiment, tracks, options.outDir, options.figures,
                                      options.quiet);
    }
    return status;
}

} // namespace optiscope::cli
