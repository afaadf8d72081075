#include "app/cli/network_command.h"

#include "app/cli/cli.h"
#include "app/cli/interrupt.h"
#include "app/cli/output_folder.h"
#include "core/io/atomic_file.h"
#include "core/nn/memory_budget.h"
#include "core/nn/network_run.h"
#include "core/nn/network_traces.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

namespace optiscope::cli {

namespace {

/// Streams one run's two traces.
struct NetworkTraces {
    AtomicFile steps;
    AtomicFile epochs;
    std::string stepBuffer = nn::kStepTraceHeader;
    bool headerDone = false;

    NetworkTraces(const std::filesystem::path& dir, const std::string& slug)
        : steps((dir / (slug + "-steps.csv")).string()),
          epochs((dir / (slug + "-epochs.csv")).string()) {}

    void step(const nn::StepRecord& r) {
        stepBuffer += nn::stepTraceRow(r);
        if (stepBuffer.size() > (1u << 16)) {
            steps.write(stepBuffer);
            stepBuffer.clear();
        }
    }

    void epoch(const nn::EpochRecord& r, const nn::Network<float>& network) {
        if (!headerDone) {
            std::vector<std::string> names;
            for (const auto& t : network.tensors())
                names.push_back(t.name);
            epochs.write(nn::epochTraceHeader(names));
            headerDone = true;
        }
        epochs.write(nn::epochTraceRow(r, network.tensors().size()));
    }

    /// The buffered rows written; both files handed over, to be committed with the others.
    void finishRows(std::vector<AtomicFile*>& files) {
        steps.write(stepBuffer);
        stepBuffer.clear();
        files.push_back(&steps);
        files.push_back(&epochs);
    }
};

struct NetworkOutcome {
    RunInstance instance;
    long long steps = 0;
    long long epochs = 0;
    bool diverged = false;
    long long divergedAt = 0;
    nn::EpochRecord last;
    double seconds = 0.0;
    std::string error;
};

std::string fmt(double v, const char* format) {
    if (!std::isfinite(v))
        return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string humanLine(const NetworkOutcome& r) {
    char buf[512];
    if (!r.error.empty())
        std::snprintf(buf, sizeof buf, "%-28s failed: %s", r.instance.name.c_str(),
                      r.error.c_str());
    else if (r.diverged)
        std::snprintf(buf, sizeof buf, "%-28s diverged at step %lld (epoch %lld)",
                      r.instance.name.c_str(), r.divergedAt, r.epochs);
    else if (std::isfinite(r.last.testLoss))
        std::snprintf(buf, sizeof buf,
                      "%-28s %lld epochs  train loss %s  val acc %s  test loss %s  test acc %s  "
                      "%.2f s",
                      r.instance.name.c_str(), r.epochs, fmt(r.last.trainLoss, "%.4g").c_str(),
                      fmt(100.0 * r.last.valAccuracy, "%.1f%%").c_str(),
                      fmt(r.last.testLoss, "%.4g").c_str(),
                      fmt(100.0 * r.last.testAccuracy, "%.1f%%").c_str(), r.seconds);
    else
        std::snprintf(buf, sizeof buf,
                      "%-28s %lld epochs  train loss %s  val loss %s  val acc %s  %.2f s",
                      r.instance.name.c_str(), r.epochs, fmt(r.last.trainLoss, "%.4g").c_str(),
                      fmt(r.last.valLoss, "%.4g").c_str(),
                      fmt(100.0 * r.last.valAccuracy, "%.1f%%").c_str(), r.seconds);
    return buf;
}

nlohmann::ordered_json number(double v) {
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr;
}

std::string summaryJson(const Experiment& e, const std::vector<NetworkOutcome>& outcomes) {
    nlohmann::ordered_json j;
    j["title"] = e.title;
    j["problem"] = "network";
    j["dataset"] = e.network.dataset.name;
    j["epochs"] = e.network.epochs;
    auto runs = nlohmann::ordered_json::array();
    for (const auto& r : outcomes) {
        nlohmann::ordered_json run;
        run["name"] = r.instance.name;
        run["steps_trace"] = r.instance.slug + "-steps.csv";
        run["epochs_trace"] = r.instance.slug + "-epochs.csv";
        run["no_decay_twin"] = r.instance.twin;
        run["epochs_done"] = r.epochs;
        run["steps_done"] = r.steps;
        run["final_lr"] = number(r.last.lr);
        run["final_train_loss"] = number(r.last.trainLoss);
        run["final_train_acc"] = number(r.last.trainAccuracy);
        run["final_val_loss"] = number(r.last.valLoss);
        run["final_val_acc"] = number(r.last.valAccuracy);
        run["test_loss"] = number(r.last.testLoss);
        run["test_acc"] = number(r.last.testAccuracy);
        run["diverged"] = r.diverged;
        run["diverged_at_step"] = r.diverged ? nlohmann::ordered_json(r.divergedAt) : nullptr;
        run["wall_time_s"] = r.seconds;
        runs.push_back(run);
    }
    j["runs"] = runs;
    return j.dump(2) + "\n";
}

} // namespace

int runNetworkExperiment(const Experiment& experiment, const std::string& experimentFile,
                         const std::string& outDir, bool quiet, const FigureRequest& figures) {
    nn::DataLocations where;
    where.baseDir = std::filesystem::absolute(experimentFile).parent_path().string();
    std::shared_ptr<const nn::DataSplit> data;
    const std::vector<RunInstance> instances = expandRuns(experiment);
    std::vector<std::unique_ptr<nn::NetworkTrainer>> trainers;
    try {
        data = nn::prepareNetworkData(experiment.network, where);
        // Every run's model and buffers exist at once: refuse before allocating them.
        nn::checkNetworkMemory(experiment.network, *data, static_cast<long long>(instances.size()));
        for (const auto& instance : instances)
            trainers.push_back(nn::makeNetworkTrainer(experiment, instance, data));
    } catch (const nn::DataError& e) {
        std::cerr << experimentFile << ": problem.dataset: " << e.what() << "\n";
        return kExitInvalid;
    } catch (const nn::MemoryBudgetError& e) {
        std::cerr << experimentFile << ": " << e.field() << ": " << e.what() << "\n";
        return kExitInvalid;
    } catch (const std::bad_alloc&) {
        std::cerr << experimentFile << ": problem: out of memory while loading the data and "
                  << "building the models\n";
        return kExitFailure;
    } catch (const std::invalid_argument& e) {
        std::cerr << experimentFile << ": problem: " << e.what() << "\n";
        return kExitInvalid;
    }

    if (InterruptGuard::requested()) {
        std::cerr << "optiscope-cli: " << InterruptGuard::describe() << "; no file was written\n";
        return InterruptGuard::exitStatus();
    }
    OutputFolder folder(outDir);
    if (std::string error; !folder.prepare(&error)) {
        std::cerr << error << "\n";
        return kExitFailure;
    }
    const std::filesystem::path dir(outDir);
    std::vector<std::unique_ptr<NetworkTraces>> traces;
    for (const auto& instance : instances) {
        traces.push_back(std::make_unique<NetworkTraces>(dir, instance.slug));
        if (!traces.back()->steps.open() || !traces.back()->epochs.open()) {
            std::cerr << (traces.back()->steps.error().empty() ? traces.back()->epochs.error()
                                                               : traces.back()->steps.error())
                      << "\n";
            traces.clear();
            folder.removeIfCreatedAndEmpty();
            return kExitFailure;
        }
    }

    std::vector<NetworkOutcome> outcomes(instances.size());
    std::vector<NetworkTrack> histories = makeNetworkTracks(experiment); // for --plots
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < instances.size(); i = next++) {
            NetworkOutcome& out = outcomes[i];
            out.instance = instances[i];
            nn::NetworkTrainer& trainer = *trainers[i];
            NetworkTraces& trace = *traces[i];
            trainer.onStep = [&trace, &trainer](const nn::StepRecord& r) {
                trace.step(r);
                if (InterruptGuard::requested()) // SIGINT/SIGTERM: stop at this step
                    trainer.requestStop();
            };
            trainer.onEpoch = [&](const nn::EpochRecord& r) {
                trace.epoch(r, trainer.network());
                out.last = r;
                if (figures.any())
                    histories[i].epochs.push_back(r);
            };
            try {
                trainer.run();
            } catch (const std::exception& e) {
                out.error = e.what();
            }
            out.steps = trainer.stepsDone();
            out.epochs = trainer.epochsDone();
            out.diverged = trainer.diverged();
            out.divergedAt = trainer.divergedAt();
            out.seconds = trainer.elapsedSeconds();
        }
    };
    // Runs are independent (each owns its network, optimizer and shuffling), so running them
    // side by side changes no number.
    const size_t workers =
        std::min<size_t>(instances.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t w = 0; w < workers; ++w)
        pool.emplace_back(work);
    for (auto& t : pool)
        t.join();

    if (InterruptGuard::requested()) {
        traces.clear(); // removes the temporaries
        folder.removeIfCreatedAndEmpty();
        std::cerr << "optiscope-cli: " << InterruptGuard::describe()
                  << "; no file was written (what " << outDir << " held is unchanged)\n";
        return InterruptGuard::exitStatus();
    }
    // Every trace and summary.json as one unit, summary.json last: a failure (a full disk)
    // leaves the previous result whole.
    int status = kExitOk;
    std::vector<AtomicFile*> files;
    for (size_t i = 0; i < instances.size(); ++i) {
        if (!outcomes[i].error.empty()) {
            std::cerr << outcomes[i].instance.name << ": " << outcomes[i].error << "\n";
            status = kExitFailure;
        } else {
            traces[i]->finishRows(files);
        }
    }
    if (std::string error; !commitWithSummary(files, (dir / "summary.json").string(),
                                              summaryJson(experiment, outcomes), &error)) {
        std::cerr << error << "\nno file was written (what " << outDir << " held is unchanged)\n";
        folder.removeIfCreatedAndEmpty();
        return kExitFailure;
    }
    if (!quiet)
        for (const auto& r : outcomes)
            std::cout << humanLine(r) << "\n";
    if (figures.any() && status == kExitOk) {
        // The decision boundary of the first run, as the window follows it by default (a copy of
        // the network: drawing runs it forward on a grid).
        BoundarySource boundary;
        std::unique_ptr<nn::Network<float>> copy;
        if (!trainers.empty()) {
            copy = nn::buildNetworkModel(experiment.network, data->train);
            copy->params() = trainers.front()->network().params();
            boundary = {data.get(), copy.get(), instances.front().name,
                        trainers.front()->epochsDone()};
        }
        status = writeNetworkFigures(experiment, histories, outDir, figures, quiet, boundary);
    }
    return status;
}

} // namespace optiscope::cli
