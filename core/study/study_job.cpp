#include "core/study/study_job.h"

#include "core/io/atomic_file.h"
#include "core/nn/dataset_catalog.h"
#include "core/nn/network_run.h"
#include "core/nn/network_traces.h"
#include "core/run/function_run.h"
#include "core/run/trace_writer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace optiscope {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr long long kThinRows = 1000;

/// Keep every stride-th row (and the last) so that a trace of `total` updates has at most
/// kThinRows rows, row 0 included.
long long thinStride(long long total, TraceMode mode) {
    if (mode != TraceMode::Thin || total + 1 <= kThinRows)
        return 1;
    return (total + (kThinRows - 2) - 1) / (kThinRows - 2);
}

OrderedJson number(double v) {
    return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr);
}

bool isGenerated(const std::string& name) {
    const nn::DatasetInfo* info = nn::findDataset(name);
    return info && info->source == nn::DatasetInfo::Source::Generated;
}

std::string fileKey(const NetworkProblem& p) {
    const DatasetConfig& d = p.dataset;
    return d.name + "\n" + d.path + "\n" + d.targetColumn + "\n" + p.loss;
}

std::string splitKey(const NetworkProblem& p) {
    const DatasetConfig& d = p.dataset;
    std::string key = fileKey(p) + "\n" + std::to_string(d.samples) + "\n" + formatDouble(d.noise) +
                      "\n" + std::to_string(d.seed) + "\n" + formatDouble(p.validationSplit) +
                      "\n" + formatDouble(p.testSplit) + "\n" + std::to_string(p.seed);
    for (const auto& f : p.model.extraFeatures)
        key += "\n" + f;
    return key;
}

std::vector<double> inPlanOrder(const StudyPlan& plan,
                                const std::map<std::string, double>& values) {
    std::vector<double> out;
    for (const auto& m : plan.metrics()) {
        auto it = values.find(m);
        out.push_back(it == values.end() ? kNaN : it->second);
    }
    return out;
}

/// Waits while paused; true if the job must stop.
bool mustStop(RunControl& control) {
    return control.stopRequested() || (control.paused() && !control.waitWhilePaused());
}

struct Writer {
    fs::path dir;
    std::vector<std::unique_ptr<AtomicFile>> files;

    AtomicFile* open(const std::string& name, JobFailure* failure) {
        files.push_back(std::make_unique<AtomicFile>((dir / name).string(), Durability::Deferred));
        if (!files.back()->open()) {
            *failure = {JobFailure::Kind::Io, files.back()->error()};
            return nullptr;
        }
        return files.back().get();
    }
    /// Every trace and summary.json as one unit, summary.json last: a job is complete exactly
    /// when its summary exists, and a failure (a full disk) leaves the job's old files whole.
    bool commit(const std::string& summary, JobFailure* failure) {
        std::vector<AtomicFile*> all;
        for (auto& f : files)
            all.push_back(f.get());
        std::string error;
        if (!commitWithSummary(all, (dir / "summary.json").string(), summary, &error,
                               Durability::Deferred)) {
            *failure = {JobFailure::Kind::Io, error};
            return false;
        }
        return true;
    }
};

std::optional<JobRecord> runFunctionJob(const StudyPlan& plan, const StudyJob& job,
                                        const Experiment& e, Writer& out, const JobOptions& options,
                                        RunControl& control, JobFailure* failure) {
    const RunInstance& instance = plan.instances().at(job.instance);
    FunctionRun run(e, instance);
    AtomicFile* trace = nullptr;
    if (options.traces != TraceMode::None) {
        trace = out.open(instance.slug + ".csv", failure);
        if (!trace)
            return std::nullopt;
        trace->write(FunctionTraceWriter::header);
    }
    const long long total = e.steps;
    const long long stride = thinStride(total, options.traces);
    // tail_loss: the mean loss over the last 10 % of updates (at least one).
    const long long tailCount = std::max(1LL, (total + 9) / 10);
    const long long tailStart = total - tailCount + 1;
    double tailSum = 0.0;
    std::string buffer;
    long long lastWritten = -1;
    auto write = [&](const FunctionStep& row) {
        if (!trace)
            return;
        buffer += FunctionTraceWriter::formatRow(row);
        lastWritten = row.step;
        if (buffer.size() > (1u << 16)) {
            trace->write(buffer);
            buffer.clear();
        }
    };
    if (!run.diverged())
        write(run.current());
    while (!run.finished()) {
        if ((run.current().step & 1023) == 0 && mustStop(control)) {
            *failure = {JobFailure::Kind::Stopped, "stopped"};
            return std::nullopt;
        }
        run.advance();
        if (run.diverged())
            break;
        const FunctionStep& row = run.current();
        if (row.step % stride == 0)
            write(row);
        if (row.step >= tailStart)
            tailSum += row.loss;
    }
    if (trace && lastWritten != run.current().step)
        write(run.current());
    if (trace)
        trace->write(buffer);

    JobRecord r;
    r.job = job;
    r.steps = run.current().step;
    r.diverged = run.diverged();
    r.divergedAt = run.divergedAt();
    r.finalPoint = run.current().point;
    std::map<std::string, double> values;
    values["final_loss"] = r.diverged ? kNaN : run.current().loss;
    values["tail_loss"] = r.diverged ? kNaN : tailSum / static_cast<double>(tailCount);
    r.metrics = inPlanOrder(plan, values);
    return r;
}

std::optional<JobRecord> runNetworkJob(const StudyPlan& plan, const StudyJob& job,
                                       const Experiment& e, Writer& out, const JobOptions& options,
                                       RunControl& control, StudyDataCache& data,
                                       JobFailure* failure) {
    const RunInstance& instance = plan.instances().at(job.instance);
    std::unique_ptr<nn::NetworkTrainer> trainer;
    try {
        trainer = nn::makeNetworkTrainer(e, instance, data.split(e.network));
    } catch (const std::exception& ex) {
        *failure = {JobFailure::Kind::Input, ex.what()};
        return std::nullopt;
    }
    AtomicFile* steps = nullptr;
    AtomicFile* epochs = nullptr;
    if (options.traces != TraceMode::None) {
        steps = out.open(instance.slug + "-steps.csv", failure);
        epochs = steps ? out.open(instance.slug + "-epochs.csv", failure) : nullptr;
        if (!epochs)
            return std::nullopt;
        steps->write(nn::kStepTraceHeader);
        std::vector<std::string> names;
        for (const auto& t : trainer->network().tensors())
            names.push_back(t.name);
        epochs->write(nn::epochTraceHeader(names));
    }
    const long long total = e.network.epochs * static_cast<long long>(trainer->stepsPerEpoch());
    const long long stride = thinStride(total, options.traces);
    std::string buffer;
    nn::StepRecord lastStep;
    long long lastWritten = -1;
    nn::EpochRecord last;
    const std::size_t tensors = trainer->network().tensors().size();
    trainer->onStep = [&](const nn::StepRecord& s) {
        lastStep = s;
        if (!steps || s.step % stride != 0)
            return;
        buffer += nn::stepTraceRow(s);
        lastWritten = s.step;
        if (buffer.size() > (1u << 16)) {
            steps->write(buffer);
            buffer.clear();
        }
    };
    trainer->onEpoch = [&](const nn::EpochRecord& r) {
        last = r;
        if (epochs)
            epochs->write(nn::epochTraceRow(r, tensors));
    };
    try {
        while (trainer->runSteps(32))
            if (mustStop(control)) {
                *failure = {JobFailure::Kind::Stopped, "stopped"};
                return std::nullopt;
            }
    } catch (const std::exception& ex) {
        *failure = {JobFailure::Kind::Io, instance.name + ": " + ex.what()};
        return std::nullopt;
    }
    if (steps) {
        if (lastStep.step > 0 && lastWritten != lastStep.step)
            buffer += nn::stepTraceRow(lastStep);
        steps->write(buffer);
    }
    JobRecord r;
    r.job = job;
    r.steps = trainer->stepsDone();
    r.epochs = trainer->epochsDone();
    r.diverged = trainer->diverged();
    r.divergedAt = trainer->divergedAt();
    const bool ok = !r.diverged;
    std::map<std::string, double> values;
    values["test_acc"] = ok ? last.testAccuracy : kNaN;
    values["test_loss"] = ok ? last.testLoss : kNaN;
    values["val_acc"] = ok ? last.valAccuracy : kNaN;
    values["val_loss"] = ok ? last.valLoss : kNaN;
    values["train_loss"] = ok ? last.trainLoss : kNaN;
    r.metrics = inPlanOrder(plan, values);
    return r;
}

} // namespace

// --- data
// ------------------------------------------------------------------------------------------

StudyDataCache::StudyDataCache(std::string baseDir) : m_baseDir(std::move(baseDir)) {}
StudyDataCache::~StudyDataCache() = default;

std::shared_ptr<const nn::DataSplit> StudyDataCache::split(const NetworkProblem& problem) {
    std::lock_guard lock(m_mutex);
    const std::string key = splitKey(problem);
    if (auto s = m_splits[key].lock())
        return s;
    nn::DataLocations where;
    where.baseDir = m_baseDir;
    std::shared_ptr<const nn::NetworkData> loaded;
    if (isGenerated(problem.dataset.name)) {
        loaded = std::make_shared<const nn::NetworkData>(nn::loadNetworkData(problem, where));
    } else {
        auto& file = m_files[fileKey(problem)];
        if (!file)
            file = std::make_shared<const nn::NetworkData>(nn::loadNetworkData(problem, where));
        loaded = file;
    }
    auto split = nn::splitNetworkData(*loaded, problem);
    m_splits[key] = split;
    // Forget splits no job holds any more.
    for (auto it = m_splits.begin(); it != m_splits.end();)
        it = it->second.expired() && it->first != key ? m_splits.erase(it) : std::next(it);
    return split;
}

// --- running a job
// -----------------------------------------------------------------------------------

std::optional<JobRecord> runStudyJob(const StudyPlan& plan, const StudyJob& job,
                                     const std::string& studyDir, const JobOptions& options,
                                     RunControl& control, StudyDataCache& data,
                                     JobFailure* failure) {
    JobFailure local;
    if (!failure)
        failure = &local;
    Experiment e;
    try {
        e = plan.jobExperiment(job);
    } catch (const std::exception& ex) {
        *failure = {JobFailure::Kind::Input, ex.what()};
        return std::nullopt;
    }
    Writer out;
    out.dir = fs::path(studyDir) / plan.jobFolder(job);
    std::error_code ec;
    const bool created = fs::create_directories(out.dir, ec);
    if (ec) {
        *failure = {JobFailure::Kind::Io,
                    out.dir.string() + ": cannot create folder: " + ec.message()};
        return std::nullopt;
    }
    // A job runs in one process at a time (its shard's): temporaries in a folder that existed
    // are a killed run's.
    if (!created)
        removeStaleTemporaries(out.dir.string());
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<JobRecord> record;
    try {
        record = plan.isNetwork()
                     ? runNetworkJob(plan, job, e, out, options, control, data, failure)
                     : runFunctionJob(plan, job, e, out, options, control, failure);
    } catch (const std::exception& ex) {
        *failure = {JobFailure::Kind::Input, ex.what()};
        return std::nullopt;
    }
    if (!record)
        return std::nullopt;
    record->wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const auto& f : out.files)
        record->files.emplace_back(fs::path(f->path()).filename().string(), f->size());
    if (!out.commit(jobSummaryJson(plan, *record), failure))
        return std::nullopt;
    return record;
}

// --- summary.json
// ----------------------------------------------------------------------------------

std::string jobSummaryJson(const StudyPlan& plan, const JobRecord& r) {
    const RunInstance& instance = plan.instances().at(r.job.instance);
    OrderedJson j;
    j["format"] = "optiscope-study-job";
    j["version"] = 1;
    OrderedJson job;
    job["index"] = r.job.index;
    job["cell"] = plan.cellName(r.job.cell);
    OrderedJson grid = OrderedJson::object();
    const auto values = plan.cellValues(r.job.cell);
    for (std::size_t k = 0; k < values.size(); ++k)
        grid[plan.study().grid[k].key] = values[k];
    job["grid"] = grid;
    job["run"] = instance.name;
    job["no_decay_twin"] = instance.twin;
    job["repeat"] = r.job.repeat;
    j["job"] = job;
    OrderedJson metrics = OrderedJson::object();
    for (std::size_t i = 0; i < plan.metrics().size(); ++i)
        metrics[plan.metrics()[i]] = number(i < r.metrics.size() ? r.metrics[i] : kNaN);
    j["metrics"] = metrics;
    j["steps_done"] = r.steps;
    if (plan.isNetwork())
        j["epochs_done"] = r.epochs;
    else
        j["final_point"] = {number(r.finalPoint.x()), number(r.finalPoint.y())};
    j["diverged"] = r.diverged;
    j["diverged_at_step"] = r.diverged ? OrderedJson(r.divergedAt) : OrderedJson(nullptr);
    j["wall_time_s"] = r.wallSeconds;
    OrderedJson files = OrderedJson::object();
    for (const auto& [name, bytes] : r.files)
        files[name] = bytes;
    j["files"] = files;
    return j.dump(2) + "\n";
}

std::optional<JobRecord> readJobRecord(const StudyPlan& plan, const StudyJob& job,
                                       const std::string& studyDir, std::string* error) {
    const fs::path path = fs::path(studyDir) / plan.jobFolder(job) / "summary.json";
    auto fail = [&](const std::string& why) {
        if (error)
            *error = path.string() + ": " + why;
        return std::optional<JobRecord>{};
    };
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("missing");
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().size() > (1u << 20))
        return fail("too large for a job summary");
    try {
        const auto j = nlohmann::json::parse(text.str());
        if (j.value("format", "") != "optiscope-study-job")
            return fail("not a study job summary");
        const auto& jj = j.at("job");
        const RunInstance& instance = plan.instances().at(job.instance);
        if (jj.at("cell").get<std::string>() != plan.cellName(job.cell) ||
            jj.at("run").get<std::string>() != instance.name ||
            jj.at("repeat").get<int>() != job.repeat)
            return fail("belongs to another job (cell " + jj.at("cell").get<std::string>() +
                        ", run " + jj.at("run").get<std::string>() + ", repeat " +
                        std::to_string(jj.at("repeat").get<int>()) + ")");
        JobRecord r;
        r.job = job;
        const auto& metrics = j.at("metrics");
        for (const auto& m : plan.metrics()) {
            const auto it = metrics.find(m);
            if (it == metrics.end())
                return fail("has no metric " + m);
            r.metrics.push_back(it->is_number() ? it->get<double>() : kNaN);
        }
        r.steps = j.at("steps_done").get<long long>();
        r.epochs = j.value("epochs_done", 0LL);
        r.diverged = j.at("diverged").get<bool>();
        if (r.diverged && j.at("diverged_at_step").is_number())
            r.divergedAt = j.at("diverged_at_step").get<long long>();
        r.wallSeconds = j.at("wall_time_s").get<double>();
        if (j.contains("final_point") && j["final_point"].is_array() &&
            j["final_point"].size() == 2) {
            const auto& p = j["final_point"];
            r.finalPoint = Eigen::Vector2d(p[0].is_number() ? p[0].get<double>() : kNaN,
                                           p[1].is_number() ? p[1].get<double>() : kNaN);
        }
        // Summaries of version 1 written before "files" existed were synced file by file.
        if (const auto it = j.find("files"); it != j.end()) {
            for (const auto& [name, bytes] : it->items()) {
                if (name.empty() || name.find('/') != std::string::npos || name == "." ||
                    name == "..")
                    return fail("names a trace outside its folder (" + name + ")");
                const auto expected = bytes.get<unsigned long long>();
                std::error_code ec;
                const fs::path trace = path.parent_path() / name;
                const auto actual = fs::file_size(trace, ec);
                if (ec)
                    return fail("lists " + name + ", which is missing (cut short by a crash?)");
                if (actual != expected)
                    return fail("lists " + name + " with " + std::to_string(expected) +
                                " bytes, but it has " + std::to_string(actual) +
                                " (cut short by a crash?)");
                r.files.emplace_back(name, expected);
            }
        }
        return r;
    } catch (const std::exception& e) {
        return fail(std::string("cannot be read: ") + e.what());
    }
}

} // namespace optiscope
