#include "core/experiment/experiment_io.h"

#include "core/experiment/json_reader.h"
#include "core/experiment/study_grid.h"

#include "core/functions/test_function.h"
#include "core/io/atomic_file.h"
#include "core/nn/dataset_catalog.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace optiscope {

using detail::describeJson;
using detail::joinNames;
using detail::Json;
using detail::JsonChecker;

std::string ValidationIssue::message(const std::string& file) const {
    std::string out = file;
    if (!path.empty())
        out += (out.empty() ? "" : ": ") + path;
    return out + (out.empty() ? "" : ": ") + reason;
}

std::string ExperimentParseResult::messages(const std::string& file) const {
    std::string out;
    for (const auto& issue : issues)
        out += issue.message(file) + "\n";
    return out;
}

std::string ScheduleRequestParseResult::messages(const std::string& file) const {
    std::string out;
    for (const auto& issue : issues)
        out += issue.message(file) + "\n";
    return out;
}

namespace {

// Walks a parsed document, converting it into an Experiment and collecting every issue.
class ExperimentReader : public JsonChecker {
public:
    void functionProblem(const Json& j, const std::string& path, FunctionProblem& out) {
        if (!object(
                j, path,
                {"type", "function", "params", "start", "noise", "expression", "bounds", "minima"}))
            return;
        const FunctionInfo* info = nullptr;
        out.custom = {};
        if (!j.contains("function")) {
            error(join(path, "function"), "is required (the name of a 2D function)");
        } else if (auto name = string(j["function"], join(path, "function"), 64)) {
            info = *name == "custom" ? customFunction(j, path, out) : findFunction(*name);
            if (!info && *name != "custom") {
                std::vector<std::string> names;
                for (const auto& f : functionCatalog())
                    names.push_back(f.name);
                names.push_back("custom");
                error(join(path, "function"),
                      "unknown function \"" + *name + "\"; expected one of " + joinNames(names));
            } else if (info) {
                out.function = *name;
            }
            if (*name != "custom")
                for (const char* key : {"expression", "bounds", "minima"})
                    if (j.contains(key))
                        error(join(path, key), "is only for \"function\": \"custom\"");
        }
        if (info) {
            out.params = ParamSet::defaults(info->params);
            if (j.contains("params")) {
                if (!j["params"].is_object())
                    error(join(path, "params"),
                          "must be an object of constants, got " + describeJson(j["params"]));
                else
                    out.params =
                        params(j["params"], join(path, "params"), info->params, {}, info->name);
            }
            out.start = info->defaultStart;
        }
        if (j.contains("start")) {
            const std::string p = join(path, "start");
            const Json& s = j["start"];
            if (!s.is_array() || s.size() != 2) {
                error(p, "must be a list of two numbers [x, y], got " + describeJson(s));
            } else {
                auto x = number(s[0], index(p, 0), -kMaxMagnitude, kMaxMagnitude, false);
                auto y = number(s[1], index(p, 1), -kMaxMagnitude, kMaxMagnitude, false);
                if (x && y)
                    out.start = Eigen::Vector2d(*x, *y);
            }
        }
        out.noise.reset();
        if (j.contains("noise") && !j["noise"].is_null()) {
            const std::string p = join(path, "noise");
            if (object(j["noise"], p, {"std", "seed"})) {
                NoiseConfig noise;
                const Json& n = j["noise"];
                if (!n.contains("std"))
                    error(join(p, "std"), "is required (standard deviation of the gradient noise)");
                else if (auto v = number(n["std"], join(p, "std"), 0.0, kMaxMagnitude, false))
                    noise.stddev = *v;
                if (n.contains("seed")) {
                    if (auto v = number(n["seed"], join(p, "seed"), 0.0, ExperimentLimits::maxSeed,
                                        true))
                        noise.seed = static_cast<std::uint64_t>(*v);
                }
                out.noise = noise;
            }
        }
    }

    // "function": "custom": the expression, its constants, bounds and minima. Returns the
    // function's info (owned by out.custom) or null after reporting what is wrong.
    const FunctionInfo* customFunction(const Json& j, const std::string& path,
                                       FunctionProblem& out) {
        bool ok = true;
        std::string expression;
        if (!j.contains("expression")) {
            error(join(path, "expression"), "is required for a custom function, e.g. "
                                            "\"(a - x)^2 + b*(y - x^2)^2\"");
            ok = false;
        } else if (auto text = string(j["expression"], join(path, "expression"), 1 << 20)) {
            expression = *text;
        } else {
            ok = false;
        }
        std::vector<std::pair<std::string, double>> constants;
        if (j.contains("params")) {
            const std::string p = join(path, "params");
            if (!j["params"].is_object()) {
                error(p, "must be an object of constants, got " + describeJson(j["params"]));
                ok = false;
            } else {
                for (const auto& [key, value] : j["params"].items()) {
                    if (auto v = number(value, join(p, key), -kMaxMagnitude, kMaxMagnitude, false))
                        constants.emplace_back(key, *v);
                    else
                        ok = false;
                }
            }
        }
        PlotBounds bounds{-5.0, 5.0, -5.0, 5.0};
        if (j.contains("bounds")) {
            const std::string p = join(path, "bounds");
            const Json& b = j["bounds"];
            auto pair = [](const Json& v) {
                return v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number();
            };
            if (!b.is_array() || b.size() != 2 || !pair(b[0]) || !pair(b[1])) {
                error(p, "must be two increasing pairs [[x_min, x_max], [y_min, y_max]], got " +
                             describeJson(b));
                ok = false;
            } else {
                bounds = {b[0][0].get<double>(), b[0][1].get<double>(), b[1][0].get<double>(),
                          b[1][1].get<double>()};
            }
        }
        std::vector<Eigen::Vector2d> minima;
        if (j.contains("minima")) {
            const std::string p = join(path, "minima");
            const Json& m = j["minima"];
            if (!m.is_array() || m.size() > CustomFunction::kMaxMinima) {
                error(p, "must be a list of at most " + std::to_string(CustomFunction::kMaxMinima) +
                             " points [x, y], got " + describeJson(m));
                ok = false;
            } else {
                for (std::size_t i = 0; i < m.size(); ++i) {
                    const std::string pi = index(p, i);
                    if (!m[i].is_array() || m[i].size() != 2) {
                        error(pi, "must be a point [x, y], got " + describeJson(m[i]));
                        ok = false;
                        continue;
                    }
                    auto x = number(m[i][0], index(pi, 0), -kMaxMagnitude, kMaxMagnitude, false);
                    auto y = number(m[i][1], index(pi, 1), -kMaxMagnitude, kMaxMagnitude, false);
                    if (x && y)
                        minima.emplace_back(*x, *y);
                    else
                        ok = false;
                }
            }
        }
        if (!ok)
            return nullptr;
        CustomFunction::Error why;
        auto f = CustomFunction::make(expression, constants, bounds, std::move(minima), &why);
        if (!f) {
            error(join(path, why.field), why.text());
            return nullptr;
        }
        out.custom.function = f;
        return &f->info();
    }

    void networkProblem(const Json& j, const std::string& path, NetworkProblem& out) {
        if (!object(j, path,
                    {"type", "dataset", "validation_split", "test_split", "model", "loss",
                     "batch_size", "epochs", "seed"}))
            return;
        static const std::vector<std::string> datasets = nn::datasetNames();
        if (!j.contains("dataset")) {
            error(join(path, "dataset"), "is required");
        } else {
            const std::string p = join(path, "dataset");
            const Json& d = j["dataset"];
            if (object(d, p, {"name", "samples", "noise", "seed", "path", "target_column"})) {
                if (!d.contains("name")) {
                    error(join(p, "name"), "is required; one of " + joinNames(datasets));
                } else if (auto name = string(d["name"], join(p, "name"), 64)) {
                    if (std::find(datasets.begin(), datasets.end(), *name) == datasets.end())
                        error(join(p, "name"), "unknown dataset \"" + *name +
                                                   "\"; expected one of " + joinNames(datasets));
                    else
                        out.dataset.name = *name;
                }
                if (d.contains("samples"))
                    if (auto v = number(d["samples"], join(p, "samples"), 2,
                                        double(ExperimentLimits::maxSamples), true))
                        out.dataset.samples = static_cast<long long>(*v);
                if (d.contains("noise"))
                    if (auto v = number(d["noise"], join(p, "noise"), 0,
                                        ExperimentLimits::maxDatasetNoise, false))
                        out.dataset.noise = *v;
                if (d.contains("seed"))
                    if (auto v =
                            number(d["seed"], join(p, "seed"), 0, ExperimentLimits::maxSeed, true))
                        out.dataset.seed = static_cast<std::uint64_t>(*v);
                if (d.contains("path"))
                    if (auto v = string(d["path"], join(p, "path")))
                        out.dataset.path = *v;
                if (d.contains("target_column"))
                    if (auto v = string(d["target_column"], join(p, "target_column"), 256))
                        out.dataset.targetColumn = *v;
                const std::string& n = out.dataset.name;
                const nn::DatasetInfo* info = nn::findDataset(n);
                if (info && info->source == nn::DatasetInfo::Source::File &&
                    out.dataset.path.empty() && d.contains("name"))
                    error(join(p, "path"),
                          "is required for the " + n + " dataset (" + info->pathWhat + ")");
                if (n == "csv" && out.dataset.targetColumn.empty() && d.contains("name"))
                    error(join(p, "target_column"), "is required for the csv dataset");
            }
        }
        if (j.contains("validation_split"))
            if (auto v = number(j["validation_split"], join(path, "validation_split"), 0,
                                ExperimentLimits::maxSplit, false))
                out.validationSplit = *v;
        if (j.contains("test_split")) {
            const std::string tp = join(path, "test_split");
            if (auto v = number(j["test_split"], tp, 0, ExperimentLimits::maxSplit, false)) {
                const std::string& n = out.dataset.name;
                const nn::DatasetInfo* info = nn::findDataset(n);
                if (*v > 0 && info && !info->testFiles.empty())
                    error(tp, "must be 0 for " + n + ", which has its own test set (" +
                                  info->testFiles + ")");
                else if (*v + out.validationSplit > ExperimentLimits::maxSplit)
                    error(tp, "plus validation_split (" + formatDouble(out.validationSplit) +
                                  ") must be at most " + formatDouble(ExperimentLimits::maxSplit) +
                                  ", got " + formatDouble(*v));
                else
                    out.testSplit = *v;
            }
        }
        if (j.contains("model")) {
            const std::string p = join(path, "model");
            const Json& m = j["model"];
            if (object(m, p, {"architecture", "hidden", "activation", "features", "init"})) {
                if (m.contains("init"))
                    if (auto v = string(m["init"], join(p, "init"), 64)) {
                        if (*v != "torch" && *v != "keras")
                            error(join(p, "init"),
                                  "must be one of torch, keras, got \"" + *v + "\"");
                        else
                            out.model.init = *v;
                    }
                if (m.contains("architecture"))
                    if (auto v = string(m["architecture"], join(p, "architecture"), 64)) {
                        if (*v != "mlp" && *v != "lenet5")
                            error(join(p, "architecture"),
                                  "must be one of mlp, lenet5, got \"" + *v + "\"");
                        else
                            out.model.architecture = *v;
                    }
                if (m.contains("hidden")) {
                    const std::string hp = join(p, "hidden");
                    const Json& h = m["hidden"];
                    if (!h.is_array()) {
                        error(hp, "must be a list of layer sizes, got " + describeJson(h));
                    } else if (h.size() > size_t(ExperimentLimits::maxHiddenLayers)) {
                        error(hp, "has more than " +
                                      std::to_string(ExperimentLimits::maxHiddenLayers) +
                                      " layers");
                    } else {
                        out.model.hidden.clear();
                        for (size_t i = 0; i < h.size(); ++i)
                            if (auto v = number(h[i], index(hp, i), 1,
                                                double(ExperimentLimits::maxHiddenUnits), true))
                                out.model.hidden.push_back(static_cast<long long>(*v));
                    }
                }
                if (m.contains("activation"))
                    if (auto v = string(m["activation"], join(p, "activation"), 64)) {
                        if (*v != "relu" && *v != "tanh" && *v != "sigmoid" && *v != "linear")
                            error(join(p, "activation"),
                                  "must be one of relu, tanh, sigmoid, linear, got \"" + *v + "\"");
                        else
                            out.model.activation = *v;
                    }
                if (m.contains("features")) {
                    const std::string fp = join(p, "features");
                    static const std::vector<std::string> features = {"x2", "y2", "xy", "sinx",
                                                                      "siny"};
                    const Json& f = m["features"];
                    if (!f.is_array() || f.size() > features.size()) {
                        error(fp,
                              "must be a list of extra input features from " + joinNames(features));
                    } else {
                        out.model.extraFeatures.clear();
                        for (size_t i = 0; i < f.size(); ++i)
                            if (auto v = string(f[i], index(fp, i), 16)) {
                                if (std::find(features.begin(), features.end(), *v) ==
                                    features.end())
                                    error(index(fp, i), "must be one of " + joinNames(features) +
                                                            ", got \"" + *v + "\"");
                                else
                                    out.model.extraFeatures.push_back(*v);
                            }
                    }
                }
            }
        }
        if (j.contains("loss"))
            if (auto v = string(j["loss"], join(path, "loss"), 64)) {
                if (*v != "cross_entropy" && *v != "mse")
                    error(join(path, "loss"),
                          "must be one of cross_entropy, mse, got \"" + *v + "\"");
                else
                    out.loss = *v;
            }
        if (out.dataset.name == "sine" && !j.contains("loss"))
            out.loss = "mse";
        if (j.contains("batch_size"))
            if (auto v = number(j["batch_size"], join(path, "batch_size"), 1,
                                double(ExperimentLimits::maxBatchSize), true))
                out.batchSize = static_cast<long long>(*v);
        if (j.contains("epochs"))
            if (auto v = number(j["epochs"], join(path, "epochs"), 1,
                                double(ExperimentLimits::maxEpochs), true))
                out.epochs = static_cast<long long>(*v);
        if (j.contains("seed"))
            if (auto v = number(j["seed"], join(path, "seed"), 0, ExperimentLimits::maxSeed, true))
                out.seed = static_cast<std::uint64_t>(*v);
        if (const nn::DatasetInfo* info = nn::findDataset(out.dataset.name);
            out.model.architecture == "lenet5" && info && !info->images) {
            std::vector<std::string> images;
            for (const auto& d : nn::datasetCatalog())
                if (d.images)
                    images.push_back(d.name);
            error(join(path, "model.architecture"),
                  "lenet5 needs an image dataset (" + joinNames(images) + ")");
        }
    }

    /// `j` as an object whose "type" names an entry of `catalog`: the entry, or nullptr after
    /// recording why not.
    template <typename Info>
    const Info* catalogEntry(const Json& j, const std::string& path,
                             const std::vector<Info>& catalog, const std::string& what) {
        if (!j.is_object()) {
            error(path, "must be an object with a \"type\", got " + describeJson(j));
            return nullptr;
        }
        std::vector<std::string> types;
        for (const Info& entry : catalog)
            types.push_back(entry.type);
        if (!j.contains("type")) {
            error(join(path, "type"), "is required; one of " + joinNames(types));
            return nullptr;
        }
        const auto type = string(j["type"], join(path, "type"), 64);
        if (!type)
            return nullptr;
        for (const Info& entry : catalog)
            if (entry.type == *type)
                return &entry;
        error(join(path, "type"),
              "unknown " + what + " \"" + *type + "\"; expected one of " + joinNames(types));
        return nullptr;
    }

    void optimizer(const Json& j, const std::string& path, OptimizerConfig& out) {
        const OptimizerInfo* info = catalogEntry(j, path, optimizerCatalog(), "optimizer");
        if (!info)
            return;
        out.type = info->type;
        const size_t before = issues.size();
        out.params = params(j, path, info->params, {"type"}, info->type);
        std::vector<std::string> given;
        for (const auto& item : j.items())
            given.push_back(item.key());
        applyDependentDefaults(out.type, out.params, given);
        if (issues.size() == before)
            for (const auto& [field, reason] : checkOptimizerParams(out.type, out.params))
                error(join(path, field), reason);
    }

    void schedule(const Json& j, const std::string& path, bool network, ScheduleConfig& out) {
        const ScheduleInfo* info = catalogEntry(j, path, scheduleCatalog(), "schedule");
        if (!info)
            return;
        out.type = info->type;
        out.per = info->watchesMetric && network ? "epoch" : "step";
        if (j.contains("per")) {
            if (auto per = string(j["per"], join(path, "per"), 16)) {
                if (!network)
                    error(join(path, "per"),
                          "applies to network problems only (a function problem has no epochs)");
                else if (*per != "step" && *per != "epoch")
                    error(join(path, "per"), "must be one of step, epoch, got \"" + *per + "\"");
                else if (info->watchesMetric && *per != "epoch")
                    error(join(path, "per"),
                          "reduce_on_plateau watches the validation loss once per epoch");
                else
                    out.per = *per;
            }
        }
        const size_t before = issues.size();
        out.params = params(j, path, info->params, {"type", "per"}, info->type);
        if (issues.size() == before)
            for (const auto& [field, reason] : checkScheduleParams(out.type, out.params))
                error(join(path, field), reason);
    }

    void run(const Json& j, const std::string& path, bool network, RunConfig& out) {
        if (!object(
                j, path,
                {"name", "optimizer", "schedule", "compare_without_schedule", "color", "visible"}))
            return;
        if (!j.contains("name")) {
            error(join(path, "name"), "is required (it names the run's trace file)");
        } else if (auto name = string(j["name"], join(path, "name"), 200)) {
            if (slugify(*name).empty())
                error(join(path, "name"),
                      "must contain a letter or a digit (it names the trace file)");
            else
                out.name = *name;
        }
        if (!j.contains("optimizer"))
            error(join(path, "optimizer"), "is required");
        else
            optimizer(j["optimizer"], join(path, "optimizer"), out.optimizer);
        out.schedule.reset();
        if (j.contains("schedule") && !j["schedule"].is_null()) {
            ScheduleConfig s;
            schedule(j["schedule"], join(path, "schedule"), network, s);
            out.schedule = s;
        }
        if (j.contains("compare_without_schedule"))
            if (auto v =
                    boolean(j["compare_without_schedule"], join(path, "compare_without_schedule")))
                out.compareWithoutSchedule = *v;
        if (j.contains("color"))
            if (auto v = string(j["color"], join(path, "color"), 16)) {
                const bool ok =
                    v->size() == 7 && (*v)[0] == '#' &&
                    v->find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
                if (!ok)
                    error(join(path, "color"),
                          "must be a colour as \"#rrggbb\", got \"" + *v + "\"");
                else
                    out.color = *v;
            }
        if (j.contains("visible"))
            if (auto v = boolean(j["visible"], join(path, "visible")))
                out.visible = *v;
        // Cycling momentum needs a momentum to cycle (PyTorch raises ValueError otherwise).
        if (out.schedule && !out.optimizer.type.empty()) {
            const ScheduleInfo* s = findSchedule(out.schedule->type);
            const OptimizerInfo* o = findOptimizer(out.optimizer.type);
            if (s && o && s->cyclesMomentum && out.schedule->params.has("cycle_momentum") &&
                out.schedule->params.flag("cycle_momentum")) {
                const bool cyclic = out.schedule->type == "cyclic";
                const bool ok = cyclic ? o->momentumParam == "momentum" : !o->momentumParam.empty();
                if (!ok)
                    error(join(path, "schedule.cycle_momentum"),
                          "the " + o->type + " optimizer has no " +
                              (cyclic ? "momentum" : "momentum or betas") +
                              " to cycle; set cycle_momentum to false");
            }
        }
    }

    std::optional<Experiment> experiment(const Json& j) {
        if (!object(j, "", {"format", "version", "title", "problem", "steps", "runs", "study"}))
            return std::nullopt;
        Experiment e;
        e.runs.clear();
        if (j.contains("format")) {
            if (auto f = string(j["format"], "format", 64); f && *f != kExperimentFormat)
                error("format",
                      std::string("must be \"") + kExperimentFormat + "\", got \"" + *f + "\"");
        }
        if (j.contains("version")) {
            if (auto v = number(j["version"], "version", 1, 1e9, true);
                v && *v > kExperimentVersion)
                error("version", "is " + formatDouble(*v) + ", newer than this OptiScope reads (" +
                                     std::to_string(kExperimentVersion) + ")");
        }
        if (j.contains("title"))
            if (auto t = string(j["title"], "title", 500))
                e.title = *t;
        bool network = false;
        if (!j.contains("problem")) {
            error("problem", "is required");
        } else {
            const Json& p = j["problem"];
            if (!p.is_object()) {
                error("problem", "must be an object, got " + describeJson(p));
            } else {
                std::string type = "function";
                if (p.contains("type"))
                    if (auto t = string(p["type"], "problem.type", 32))
                        type = *t;
                if (type == "function") {
                    e.problemType = Experiment::ProblemType::Function;
                    functionProblem(p, "problem", e.function);
                } else if (type == "network") {
                    network = true;
                    e.problemType = Experiment::ProblemType::Network;
                    networkProblem(p, "problem", e.network);
                } else {
                    error("problem.type", "must be one of function, network, got \"" + type + "\"");
                }
            }
        }
        if (j.contains("steps")) {
            if (network)
                error("steps", "applies to function problems; a network trains for problem.epochs");
            else if (auto v =
                         number(j["steps"], "steps", 1, double(ExperimentLimits::maxSteps), true))
                e.steps = static_cast<long long>(*v);
        } else if (!network) {
            error("steps", "is required (number of optimizer updates)");
        }
        if (!j.contains("runs")) {
            error("runs", "is required (a list of runs)");
        } else if (!j["runs"].is_array()) {
            error("runs", "must be a list of runs, got " + describeJson(j["runs"]));
        } else if (j["runs"].empty()) {
            error("runs", "must hold at least one run");
        } else if (j["runs"].size() > size_t(ExperimentLimits::maxRuns)) {
            error("runs", "holds " + std::to_string(j["runs"].size()) + " runs; at most " +
                              std::to_string(ExperimentLimits::maxRuns) + " are allowed");
        } else {
            for (size_t i = 0; i < j["runs"].size(); ++i) {
                RunConfig r;
                run(j["runs"][i], index("runs", i), network, r);
                e.runs.push_back(r);
            }
            // Every run (and twin) writes <slug>.csv: two runs must not share a file.
            std::map<std::string, std::string> owner;
            for (const auto& inst : expandRuns(e)) {
                const std::string where = index("runs", size_t(inst.configIndex));
                auto [it, fresh] = owner.emplace(inst.slug, where);
                if (!fresh && !inst.slug.empty())
                    error(join(where, "name"),
                          "\"" + inst.name + "\" gives the same trace file name (" + inst.slug +
                              ".csv) as " + it->second + "; choose a distinct name");
            }
        }
        if (!issues.empty())
            return std::nullopt;
        if (j.contains("study") && !j["study"].is_null()) {
            detail::readStudySection(*this, j["study"], e);
            if (issues.empty() && e.study) {
                // Every cell of the grid, validated before anything runs.
                for (auto& issue : StudyGrid(e).validate())
                    issues.push_back(std::move(issue));
            }
        }
        if (!issues.empty())
            return std::nullopt;
        return e;
    }
};

} // namespace

std::optional<Experiment> detail::readExperimentDocument(const Json& doc,
                                                         std::vector<ValidationIssue>& issues) {
    ExperimentReader reader;
    std::optional<Experiment> experiment;
    try {
        experiment = reader.experiment(doc);
    } catch (const std::exception& e) {
        // A factory refusing a combination the tables allowed is a bug, but it must still reach
        // the user as an error, never a crash.
        reader.error("", std::string("cannot be read: ") + e.what());
    }
    if (!reader.issues.empty())
        experiment.reset();
    for (auto& issue : reader.issues)
        issues.push_back(std::move(issue));
    return experiment;
}

ExperimentParseResult parseExperiment(std::string_view text) {
    ExperimentParseResult result;
    auto doc = detail::parseJsonDocument(text, result.issues);
    if (!doc)
        return result;
    result.experiment = detail::readExperimentDocument(*doc, result.issues);
    if (!result.issues.empty())
        result.experiment.reset();
    return result;
}

ExperimentParseResult loadExperiment(const std::string& filePath) {
    ExperimentParseResult result;
    if (auto text = detail::readTextFile(filePath, result.issues))
        return parseExperiment(*text);
    return result;
}

ScheduleRequestParseResult parseScheduleRequest(std::string_view text) {
    ScheduleRequestParseResult result;
    auto doc = detail::parseJsonDocument(text, result.issues);
    if (!doc)
        return result;
    ExperimentReader r;
    const Json& j = *doc;
    ScheduleRequest req;
    if (r.object(j, "", {"lr", "steps", "schedule", "metrics"})) {
        if (!j.contains("lr"))
            r.error("lr", "is required (the optimizer's initial learning rate)");
        else if (auto v = r.number(j["lr"], "lr", 0, kMaxMagnitude, false))
            req.lr = *v;
        if (!j.contains("steps"))
            r.error("steps", "is required (how many updates to print)");
        else if (auto v =
                     r.number(j["steps"], "steps", 1, double(ExperimentLimits::maxSteps), true))
            req.steps = static_cast<long long>(*v);
        if (j.contains("schedule") && !j["schedule"].is_null()) {
            ScheduleConfig s;
            r.schedule(j["schedule"], "schedule", false, s);
            req.schedule = s;
        }
        if (j.contains("metrics")) {
            const Json& m = j["metrics"];
            if (!m.is_array()) {
                r.error("metrics", "must be a list of numbers, got " + describeJson(m));
            } else if (m.size() > size_t(ExperimentLimits::maxSteps)) {
                r.error("metrics", "has too many values");
            } else {
                for (size_t i = 0; i < m.size(); ++i)
                    if (auto v = r.number(m[i], JsonChecker::index("metrics", i), -kUnbounded,
                                          kUnbounded, false))
                        req.metrics.push_back(*v);
            }
        }
        const ScheduleInfo* info = req.schedule ? findSchedule(req.schedule->type) : nullptr;
        if (r.issues.empty() && info && info->watchesMetric && req.steps > 1 &&
            static_cast<long long>(req.metrics.size()) < req.steps - 1)
            r.error("metrics", "needs at least " + std::to_string(req.steps - 1) + " values for " +
                                   std::to_string(req.steps) +
                                   " steps (metric i is observed after update i), got " +
                                   std::to_string(req.metrics.size()));
    }
    result.issues = std::move(r.issues);
    if (result.issues.empty())
        result.request = req;
    return result;
}

ScheduleRequestParseResult loadScheduleRequest(const std::string& filePath) {
    ScheduleRequestParseResult result;
    if (auto text = detail::readTextFile(filePath, result.issues))
        return parseScheduleRequest(*text);
    return result;
}

} // namespace optiscope
