#include "app/cli/cli.h"

#include "app/cli/catalog_listing.h"
#include "app/cli/interrupt.h"
#include "app/cli/run_command.h"
#include "app/cli/study_command.h"
#include "core/experiment/experiment_io.h"
#include "core/schedule/lr_schedule.h"

#include <iostream>
#include <string>
#include <vector>

namespace optiscope::cli {

namespace {

const char* kUsage = R"(usage:
  optiscope-cli run FILE.json --out DIR [--plots png,svg,pdf,surface] [--size WxH] [--dpi N]
                [--animate gif [--fps N] [--seconds S | --frames N]] [--quiet]
  optiscope-cli study FILE.json --out DIR [--jobs N] [--shard K/N] [--traces thin|full|none]
                [--plots png,svg,pdf] [--size WxH] [--dpi N] [--quiet]
  optiscope-cli schedule FILE.json
  optiscope-cli list [--json]
  optiscope-cli --help | --version

run       runs an experiment headless and writes one CSV trace per run and summary.json into DIR;
          --plots adds DIR/<plot>.<ext> (trajectories, loss, lr, eff_lr, eff_lr_ratio; networks:
          loss, lr, accuracy, eff_lr and, for 2-D sets, decision_boundary), drawn offscreen as
          in the app (--size in pixels, default 1200x800; --dpi scales text and lines in PNGs,
          96 = 1:1); --animate gif writes DIR/trajectories.gif, the runs growing on the function
          map (default 15 fps, 6 s); --plots surface adds DIR/surface.png, the 3D view of a
          function with the runs' paths (needs OpenGL: with none, the CLI says so and writes the
          other plots); Ctrl-C or SIGTERM stops with status 130/143, writing nothing
study     runs an experiment's study (repeats x grid, "study" in FILE.json): every job's files
          into DIR/jobs/, then study.csv, summary.csv (mean, std, 95% CI per configuration),
          comparisons.csv (run minus its no-decay twin, paired t-test) and summary.md; a killed
          study resumes where it stopped; --shard K/N runs every N-th job, for several machines
          sharing DIR; --jobs N threads (default: every core); --plots adds mean_curves,
          final_metric and, for a 2-key numeric grid, heatmap
schedule  prints the learning rate a schedule gives, one CSV row `step,lr` per update
list      lists functions, optimizers, schedules and datasets with every parameter and default

Exit status: 0 done (a diverged run is a result), 2 invalid input (nothing written), 1 I/O or
runtime failure.
)";

int usageError(const std::string& message) {
    std::cerr << "optiscope-cli: " << message << "\n\n" << kUsage;
    return kExitInvalid;
}

int scheduleCommand(const std::vector<std::string>& args) {
    if (args.size() != 1)
        return usageError("schedule takes exactly one FILE.json");
    const std::string& file = args[0];
    const auto parsed = loadScheduleRequest(file);
    if (!parsed.request) {
        std::cerr << parsed.messages(file);
        return kExitInvalid;
    }
    const ScheduleRequest& req = *parsed.request;
    std::unique_ptr<LrSchedule> schedule;
    try {
        if (req.schedule)
            schedule = makeSchedule(req.schedule->type, req.schedule->params, req.lr);
    } catch (const std::exception& e) {
        std::cerr << file << ": schedule: " << e.what() << "\n";
        return kExitInvalid;
    }
    std::string out = "step,lr\n";
    for (long long k = 1; k <= req.steps; ++k) {
        if (InterruptGuard::requested()) {
            std::cout << out << std::flush;
            std::cerr << "optiscope-cli: " << InterruptGuard::describe() << " after " << k - 1
                      << " of " << req.steps << " rows\n";
            return InterruptGuard::exitStatus();
        }
        out += std::to_string(k) + "," + formatDouble(schedule ? schedule->lr() : req.lr) + "\n";
        if (schedule) {
            const size_t i = static_cast<size_t>(k - 1);
            schedule->step(i < req.metrics.size() ? req.metrics[i] : 0.0);
        }
        if (out.size() > (1u << 16)) {
            std::cout << out;
            out.clear();
        }
    }
    std::cout << out << std::flush;
    if (!std::cout) {
        std::cerr << "optiscope-cli: cannot write to standard output\n";
        return kExitFailure;
    }
    return kExitOk;
}

} // namespace

int runCli(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usageError("no command given");
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return kExitOk;
    }
    if (command == "--version") {
        std::cout << "optiscope-cli " << kVersion << "\n";
        return kExitOk;
    }
    // SIGINT and SIGTERM: every command stops cleanly, with a message and 128 + the signal.
    InterruptGuard interrupts;
    try {
        if (command == "run")
            return runCommand(args);
        if (command == "study")
            return studyCommand(args);
        if (command == "schedule")
            return scheduleCommand(args);
        if (command == "list") {
            if (args.size() > 1 || (args.size() == 1 && args[0] != "--json"))
                return usageError("list takes no arguments but --json");
            std::cout << (args.empty() ? catalogText() : catalogJson());
            return kExitOk;
        }
    } catch (const std::exception& e) {
        std::cerr << "optiscope-cli: " << command << ": " << e.what() << "\n";
        return kExitFailure;
    }
    return usageError("unknown command '" + command + "'");
}

} // namespace optiscope::cli
