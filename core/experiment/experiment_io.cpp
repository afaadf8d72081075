#include "core/experiment/experiment_io.h"

#include "core/functions/test_function.h"
#include "core/io/atomic_file.h"
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

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

std::string ValidationIssue::message(const std::string& file) const
{
    std::string out = file;
    if (!path.empty())
        out += (out.empty() ? "" : ": ") + path;
    return out + (out.empty() ? "" : ": ") + reason;
}

std::string ExperimentParseResult::messages(const std::string& file) const
{
    std::string out;
    for (const auto& issue : issues)
        out += issue.message(file) + "\n";
    return out;
}

std::string ScheduleRequestParseResult::messages(const std::string& file) const
{
    std::string out;
    for (const auto& issue : issues)
        out += issue.message(file) + "\n";
    return out;
}

namespace {

const char* kFormat = "optiscope-experiment";
constexpr int kVersion = 1;

std::string typeName(const Json& j)
{
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return j.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
        std::string s = j.get<std::string>();
        if (s.size() > 40)
            s = s.substr(0, 40) + "...";
        return "the string \"" + s + "\"";
    }
    case Json::value_t::array:
        return "a list";
    case Json::value_t::object:
        return "an object";
    default:
        return formatDouble(j.get<double>());
    }
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += (i ? ", " : "") + names[i];
    return out;
}

// Aborts parsing from inside nlohmann's callback (deep nesting, duplicate keys).
struct StructureError {
    std::string path;
    std::string reason;
};

// Tracks where the parser is, so that structural errors found while parsing name a JSON path.
class StructureGuard {
public:
    bool operator()(int depth, Json::parse_event_t event, Json& parsed)
    {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            if (depth >= ExperimentLimits::maxDepth)
                throw StructureError{path(), "nested deeper than " +
                                                 std::to_string(ExperimentLimits::maxDepth) +
                                                 " levels"};
            enterValue();
            m_frames.push_back({event == Json::parse_event_t::object_start, {}, -1, {}});
            break;
        case Json::parse_event_t::key: {
            auto& frame = m_frames.back();
            frame.key = parsed.get<std::string>();
            if (!frame.keys.insert(frame.key).second)
                throw StructureError{path(), "appears twice in the same object"};
            break;
        }
        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end:
            m_frames.pop_back();
            break;
        case Json::parse_event_t::value:
            enterValue();
            break;
        }
        return true;
    }

private:
    struct Frame {
        bool object;
        std::string key;
        long long index;
        std::set<std::string> keys;
    };
    void enterValue()
    {
        if (!m_frames.empty() && !m_frames.back().object)
            ++m_frames.back().index;
    }
    std::string path() const
    {
        std::string out;
        for (const auto& f : m_frames) {
            if (f.object) {
                if (!f.key.empty())
                    out += (out.empty() ? "" : ".") + f.key;
            } else if (f.index >= 0) {
                out += "[" + std::to_string(f.index) + "]";
            }
        }
        return out;
    }
    std::vector<Frame> m_frames;
};

std::string cleanParserMessage(const std::string& what)
{
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> "parse error at ..."
    const auto pos = what.find("] ");
    std::string msg = pos == std::string::npos ? what : what.substr(pos + 2);
    if (msg.size() > 300)
        msg = msg.substr(0, 300) + "...";
    return "not valid JSON: " + msg;
}

// Walks a parsed document, converting it into an Experiment and collecting every issue.
class Reader {
public:
    std::vector<ValidationIssue> issues;

    void error(const std::string& path, const std::string& reason) { issues.push_back({path, reason}); }

    static std::string join(const std::string& path, const std::string& key)
    {
        return path.empty() ? key : path + "." + key;
    }
    static std::string index(const std::string& path, size_t i)
    {
        return path + "[" + std::to_string(i) + "]";
    }

    /// Checks `j` is an object whose keys are all in `allowed`.
    bool object(const Json& j, const std::string& path, const std::vector<std::string>& allowed)
    {
        if (!j.is_object()) {
            error(path, "must be an object, got " + typeName(j));
            return false;
        }
        for (const auto& [key, value] : j.items()) {
            (void)value;
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                error(join(path, key), "unknown key; expected one of " + joinNames(allowed));
        }
        return true;
    }

    std::optional<double> number(const Json& j, const std::string& path, double lo, double hi,
                                 bool whole)
    {
        if (!j.is_number()) {
            error(path, std::string("must be ") + (whole ? "a whole number" : "a number") + ", got " +
                            typeName(j));
            return std::nullopt;
        }
        const double v = j.get<double>();
        if (!std::isfinite(v)) {
            error(path, "must be a finite number");
            return std::nullopt;
        }
        if (whole && (std::floor(v) != v)) {
            error(path, "must be a whole number, got " + formatDouble(v));
            return std::nullopt;
        }
        if (v < lo || v > hi) {
            error(path, "must be in [" + formatDouble(lo) + ", " + formatDouble(hi) + "], got " +
                            formatDouble(v));
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::string> string(const Json& j, const std::string& path, size_t maxLen = 4096)
    {
        if (!j.is_string()) {
            error(path, "must be a string, got " + typeName(j));
            return std::nullopt;
        }
        auto s = j.get<std::string>();
        if (s.size() > maxLen) {
            error(path, "is longer than " + std::to_string(maxLen) + " characters");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolean(const Json& j, const std::string& path)
    {
        if (!j.is_boolean()) {
            error(path, "must be true or false, got " + typeName(j));
            return std::nullopt;
        }
        return j.get<bool>();
    }

    /// Reads `obj`'s keys (except `skip`) as parameters of `table`; fills defaults.
    ParamSet params(const Json& obj, const std::string& path, const ParamTable& table,
                    const std::set<std::string>& skip, const std::string& owner)
    {
        ParamSet set = ParamSet::defaults(table);
        std::vector<std::string> known;
        for (const auto& spec : table)
            known.push_back(spec.name);
        for (const auto& [key, value] : obj.items()) {
            if (skip.count(key))
                continue;
            const std::string p = join(path, key);
            const ParamSpec* spec = findParam(table, key);
            if (!spec) {
                error(p, "unknown parameter of " + owner +
                             (known.empty() ? " (it has none)" : "; expected one of " + joinNames(known)));
                continue;
            }
            if (value.is_null() && spec->optional) {
                set = without(set, key);
                continue;
            }
            if (auto v = paramValue(value, p, *spec))
                set.set(key, *v);
        }
        for (const auto& spec : table)
            if (!spec.defaultValue && !spec.optional && !obj.contains(spec.name))
                error(join(path, spec.name), "is required by " + owner);
        return set;
    }

    std::optional<ParamValue> paramValue(const Json& j, const std::string& path, const ParamSpec& spec)
    {
        auto fail = [&](const std::string& why) {
            error(path, why);
            return std::optional<ParamValue>{};
        };
        switch (spec.kind) {
        case ParamKind::Bool:
            if (!j.is_boolean())
                return fail("must be true or false, got " + typeName(j));
            return ParamValue{j.get<bool>()};
        case ParamKind::Choice: {
            if (!j.is_string())
                return fail("must be " + spec.rangeText() + ", got " + typeName(j));
            ParamValue v{j.get<std::string>()};
            if (auto why = spec.check(v))
                return fail(*why);
            return v;
        }
        case ParamKind::Real:
        case ParamKind::Integer: {
            if (!j.is_number())
                return fail(std::string("must be ") +
                            (spec.kind == ParamKind::Integer ? "a whole number" : "a number") +
                            ", got " + typeName(j));
            ParamValue v{j.get<double>()};
            if (auto why = spec.check(v))
                return fail(*why);
            return v;
        }
        case ParamKind::RealPair:
        case ParamKind::IntList:
        case ParamKind::RealList: {
            if (!j.is_array())
                return fail(spec.kind == ParamKind::RealPair ? "must be a list of two numbers, got " + typeName(j)
                                                             : "must be a list of numbers, got " + typeName(j));
            if (spec.kind == ParamKind::RealPair && j.size() != 2)
                return fail("must be a list of two numbers, got " + std::to_string(j.size()));
            if (j.size() > 10000)
                return fail("has more than 10000 entries");
            ParamSpec element = spec;
            element.kind = spec.kind == ParamKind::IntList ? ParamKind::Integer : ParamKind::Real;
            std::vector<double> values;
            bool ok = true;
            for (size_t i = 0; i < j.size(); ++i) {
                const std::string p = index(path, i);
                if (!j[i].is_number()) {
                    error(p, "must be a number, got " + typeName(j[i]));
                    ok = false;
                    continue;
                }
                const double d = j[i].get<double>();
                if (auto why = element.check(ParamValue{d})) {
                    error(p, *why);
                    ok = false;
                    continue;
                }
                values.push_back(d);
            }
            if (!ok)
                return std::nullopt;
            return ParamValue{values};
        }
        }
        return std::nullopt;
    }

    static ParamSet without(const ParamSet& set, const std::string& key)
    {
        ParamSet out;
        for (const auto& [k, v] : set.values())
            if (k != key)
                out.set(k, v);
        return out;
    }

    void functionProblem(const Json& j, const std::string& path, FunctionProblem& out)
    {
        if (!object(j, path, {"type", "function", "params", "start", "noise"}))
            return;
        const FunctionInfo* info = nullptr;
        if (!j.contains("function")) {
            error(join(path, "function"), "is required (the name of a 2D function)");
        } else if (auto name = string(j["function"], join(path, "function"), 64)) {
            info = findFunction(*name);
            if (!info) {
                std::vector<std::string> names;
                for (const auto& f : functionCatalog())
                    names.push_back(f.name);
                error(join(path, "function"), "unknown function \"" + *name + "\"; expected one of " +
                                                  joinNames(names));
            } else {
                out.function = *name;
            }
        }
        if (info) {
            out.params = ParamSet::defaults(info->params);
            if (j.contains("params")) {
                if (!j["params"].is_object())
                    error(join(path, "params"), "must be an object of constants, got " + typeName(j["params"]));
                else
                    out.params = params(j["params"], join(path, "params"), info->params, {}, info->name);
            }
            out.start = info->defaultStart;
        }
        if (j.contains("start")) {
            const std::string p = join(path, "start");
            const Json& s = j["start"];
            if (!s.is_array() || s.size() != 2) {
                error(p, "must be a list of two numbers [x, y], got " + typeName(s));
            } else {
                auto x = number(s[0], index(p, 0), -1e12, 1e12, false);
                auto y = number(s[1], index(p, 1), -1e12, 1e12, false);
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
                else if (auto v = number(n["std"], join(p, "std"), 0.0, 1e12, false))
                    noise.stddev = *v;
                if (n.contains("seed")) {
                    if (auto v = number(n["seed"], join(p, "seed"), 0.0, 9007199254740991.0, true))
                        noise.seed = static_cast<std::uint64_t>(*v);
                }
                out.noise = noise;
            }
        }
    }

    void networkProblem(const Json& j, const std::string& path, NetworkProblem& out)
    {
        if (!object(j, path, {"type", "dataset", "validation_split", "model", "loss", "batch_size", "epochs",
                              "seed"}))
            return;
        static const std::vector<std::string> datasets = {"spirals", "circles", "xor",  "gaussians", "moons",
                                                          "sine",    "digits",  "csv",  "mnist",     "cifar10"};
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
                        error(join(p, "name"), "unknown dataset \"" + *name + "\"; expected one of " +
                                                   joinNames(datasets));
                    else
                        out.dataset.name = *name;
                }
                if (d.contains("samples"))
                    if (auto v = number(d["samples"], join(p, "samples"), 2, double(ExperimentLimits::maxSamples), true))
                        out.dataset.samples = static_cast<long long>(*v);
                if (d.contains("noise"))
                    if (auto v = number(d["noise"], join(p, "noise"), 0, 100, false))
                        out.dataset.noise = *v;
                if (d.contains("seed"))
                    if (auto v = number(d["seed"], join(p, "seed"), 0, 9007199254740991.0, true))
                        out.dataset.seed = static_cast<std::uint64_t>(*v);
                if (d.contains("path"))
                    if (auto v = string(d["path"], join(p, "path")))
                        out.dataset.path = *v;
                if (d.contains("target_column"))
                    if (auto v = string(d["target_column"], join(p, "target_column"), 256))
                        out.dataset.targetColumn = *v;
                const std::string& n = out.dataset.name;
                if ((n == "csv" || n == "mnist" || n == "cifar10") && out.dataset.path.empty() &&
                    d.contains("name"))
                    error(join(p, "path"), "is required for the " + n + " dataset (" +
                                               (n == "csv" ? "a CSV file" : "the folder with its files") + ")");
                if (n == "csv" && out.dataset.targetColumn.empty() && d.contains("name"))
                    error(join(p, "target_column"), "is required for the csv dataset");
            }
        }
        if (j.contains("validation_split"))
            if (auto v = number(j["validation_split"], join(path, "validation_split"), 0, 0.9, false))
                out.validationSplit = *v;
        if (j.contains("model")) {
            const std::string p = join(path, "model");
            const Json& m = j["model"];
            if (object(m, p, {"architecture", "hidden", "activation", "features"})) {
                if (m.contains("architecture"))
                    if (auto v = string(m["architecture"], join(p, "architecture"), 64)) {
                        if (*v != "mlp" && *v != "lenet5")
                            error(join(p, "architecture"), "must be one of mlp, lenet5, got \"" + *v + "\"");
                        else
                            out.model.architecture = *v;
                    }
                if (m.contains("hidden")) {
                    const std::string hp = join(p, "hidden");
                    const Json& h = m["hidden"];
                    if (!h.is_array()) {
                        error(hp, "must be a list of layer sizes, got " + typeName(h));
                    } else if (h.size() > size_t(ExperimentLimits::maxHiddenLayers)) {
                        error(hp, "has more than " + std::to_string(ExperimentLimits::maxHiddenLayers) + " layers");
                    } else {
                        out.model.hidden.clear();
                        for (size_t i = 0; i < h.size(); ++i)
                            if (auto v = number(h[i], index(hp, i), 1, double(ExperimentLimits::maxHiddenUnits), true))
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
                    static const std::vector<std::string> features = {"x2", "y2", "xy", "sinx", "siny"};
                    const Json& f = m["features"];
                    if (!f.is_array() || f.size() > features.size()) {
                        error(fp, "must be a list of extra input features from " + joinNames(features));
                    } else {
                        out.model.extraFeatures.clear();
                        for (size_t i = 0; i < f.size(); ++i)
                            if (auto v = string(f[i], index(fp, i), 16)) {
                                if (std::find(features.begin(), features.end(), *v) == features.end())
                                    error(index(fp, i), "must be one of " + joinNames(features) + ", got \"" +
                                                            *v + "\"");
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
                    error(join(path, "loss"), "must be one of cross_entropy, mse, got \"" + *v + "\"");
                else
                    out.loss = *v;
            }
        if (out.dataset.name == "sine" && !j.contains("loss"))
            out.loss = "mse";
        if (j.contains("batch_size"))
            if (auto v = number(j["batch_size"], join(path, "batch_size"), 1, 65536, true))
                out.batchSize = static_cast<long long>(*v);
        if (j.contains("epochs"))
            if (auto v = number(j["epochs"], join(path, "epochs"), 1, double(ExperimentLimits::maxEpochs), true))
                out.epochs = static_cast<long long>(*v);
        if (j.contains("seed"))
            if (auto v = number(j["seed"], join(path, "seed"), 0, 9007199254740991.0, true))
                out.seed = static_cast<std::uint64_t>(*v);
        if (out.model.architecture == "lenet5" && out.dataset.name != "mnist" && out.dataset.name != "cifar10" &&
            out.dataset.name != "digits")
            error(join(path, "model.architecture"), "lenet5 needs an image dataset (digits, mnist or cifar10)");
    }

    void optimizer(const Json& j, const std::string& path, OptimizerConfig& out)
    {
        if (!j.is_object()) {
            error(path, "must be an object with a \"type\", got " + typeName(j));
            return;
        }
        std::vector<std::string> types;
        for (const auto& o : optimizerCatalog())
            types.push_back(o.type);
        if (!j.contains("type")) {
            error(join(path, "type"), "is required; one of " + joinNames(types));
            return;
        }
        auto type = string(j["type"], join(path, "type"), 64);
        if (!type)
            return;
        const OptimizerInfo* info = findOptimizer(*type);
        if (!info) {
            error(join(path, "type"), "unknown optimizer \"" + *type + "\"; expected one of " + joinNames(types));
            return;
        }
        out.type = *type;
        const size_t before = issues.size();
        out.params = params(j, path, info->params, {"type"}, info->type);
        if (issues.size() == before)
            for (const auto& [field, reason] : checkOptimizerParams(out.type, out.params))
                error(join(path, field), reason);
    }

    void schedule(const Json& j, const std::string& path, bool network, ScheduleConfig& out)
    {
        if (!j.is_object()) {
            error(path, "must be an object with a \"type\", got " + typeName(j));
            return;
        }
        std::vector<std::string> types;
        for (const auto& s : scheduleCatalog())
            types.push_back(s.type);
        if (!j.contains("type")) {
            error(join(path, "type"), "is required; one of " + joinNames(types));
            return;
        }
        auto type = string(j["type"], join(path, "type"), 64);
        if (!type)
            return;
        const ScheduleInfo* info = findSchedule(*type);
        if (!info) {
            error(join(path, "type"), "unknown schedule \"" + *type + "\"; expected one of " + joinNames(types));
            return;
        }
        out.type = *type;
        out.per = info->watchesMetric && network ? "epoch" : "step";
        if (j.contains("per")) {
            if (auto per = string(j["per"], join(path, "per"), 16)) {
                if (!network)
                    error(join(path, "per"), "applies to network problems only (a function problem has no epochs)");
                else if (*per != "step" && *per != "epoch")
                    error(join(path, "per"), "must be one of step, epoch, got \"" + *per + "\"");
                else if (info->watchesMetric && *per != "epoch")
                    error(join(path, "per"), "reduce_on_plateau watches the validation loss once per epoch");
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

    void run(const Json& j, const std::string& path, bool network, RunConfig& out)
    {
        if (!object(j, path, {"name", "optimizer", "schedule", "compare_without_schedule", "color", "visible"}))
            return;
        if (!j.contains("name")) {
            error(join(path, "name"), "is required (it names the run's trace file)");
        } else if (auto name = string(j["name"], join(path, "name"), 200)) {
            if (slugify(*name).empty())
                error(join(path, "name"), "must contain a letter or a digit (it names the trace file)");
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
            if (auto v = boolean(j["compare_without_schedule"], join(path, "compare_without_schedule")))
                out.compareWithoutSchedule = *v;
        if (j.contains("color"))
            if (auto v = string(j["color"], join(path, "color"), 16)) {
                const bool ok = v->size() == 7 && (*v)[0] == '#' &&
                                v->find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
                if (!ok)
                    error(join(path, "color"), "must be a colour as \"#rrggbb\", got \"" + *v + "\"");
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
                          "the " + o->type + " optimizer has no " + (cyclic ? "momentum" : "momentum or betas") +
                              " to cycle; set cycle_momentum to false");
            }
        }
    }

    std::optional<Experiment> experiment(const Json& j)
    {
        if (!object(j, "", {"format", "version", "title", "problem", "steps", "runs"}))
            return std::nullopt;
        Experiment e;
        e.runs.clear();
        if (j.contains("format")) {
            if (auto f = string(j["format"], "format", 64); f && *f != kFormat)
                error("format", std::string("must be \"") + kFormat + "\", got \"" + *f + "\"");
        }
        if (j.contains("version")) {
            if (auto v = number(j["version"], "version", 1, 1e9, true); v && *v > kVersion)
                error("version", "is " + formatDouble(*v) + ", newer than this OptiScope reads (" +
                                     std::to_string(kVersion) + ")");
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
                error("problem", "must be an object, got " + typeName(p));
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
            if (auto v = number(j["steps"], "steps", 1, double(ExperimentLimits::maxSteps), true))
                e.steps = static_cast<long long>(*v);
        } else if (!network) {
            error("steps", "is required (number of optimizer updates)");
        }
        if (!j.contains("runs")) {
            error("runs", "is required (a list of runs)");
        } else if (!j["runs"].is_array()) {
            error("runs", "must be a list of runs, got " + typeName(j["runs"]));
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
                    error(join(where, "name"), "\"" + inst.name + "\" gives the same trace file name (" +
                                                   inst.slug + ".csv) as " + it->second +
                                                   "; choose a distinct name");
            }
        }
        if (!issues.empty())
            return std::nullopt;
        return e;
    }
};

OrderedJson paramsToJson(const ParamSet& set, const ParamTable& table)
{
    OrderedJson out = OrderedJson::object();
    auto write = [&](const std::string& name, const ParamValue& v, ParamKind kind) {
        if (const auto* b = std::get_if<bool>(&v))
            out[name] = *b;
        else if (const auto* d = std::get_if<double>(&v))
            out[name] = kind == ParamKind::Integer ? OrderedJson(static_cast<long long>(*d)) : OrderedJson(*d);
        else if (const auto* s = std::get_if<std::string>(&v))
            out[name] = *s;
        else {
            OrderedJson arr = OrderedJson::array();
            for (double d : std::get<std::vector<double>>(v))
                arr.push_back(kind == ParamKind::IntList ? OrderedJson(static_cast<long long>(d)) : OrderedJson(d));
            out[name] = arr;
        }
    };
    // Table order first (reads like the docs), then anything else.
    for (const auto& spec : table)
        if (set.has(spec.name))
            write(spec.name, set.get(spec.name), spec.kind);
    for (const auto& [name, v] : set.values())
        if (!findParam(table, name))
            write(name, v, ParamKind::Real);
    return out;
}

} // namespace

namespace {

/// Size limit, nesting limit, duplicate keys and JSON syntax, shared by every document we read.
std::optional<Json> parseDocument(std::string_view text, std::vector<ValidationIssue>& issues)
{
    if (text.size() > size_t(ExperimentLimits::maxFileBytes)) {
        issues.push_back({"", "is larger than " + std::to_string(ExperimentLimits::maxFileBytes / (1024 * 1024)) +
                                  " MiB; an experiment file is a few kilobytes"});
        return std::nullopt;
    }
    try {
        StructureGuard guard;
        return Json::parse(text.begin(), text.end(), [&guard](int depth, Json::parse_event_t event, Json& parsed) {
            return guard(depth, event, parsed);
        });
    } catch (const StructureError& e) {
        issues.push_back({e.path, e.reason});
    } catch (const Json::exception& e) {
        issues.push_back({"", cleanParserMessage(e.what())});
    }
    return std::nullopt;
}

std::optional<std::string> readWholeFile(const std::string& filePath, std::vector<ValidationIssue>& issues)
{
    std::ifstream in(filePath, std::ios::binary);
    if (!in) {
        issues.push_back({"", "cannot open file: " + std::string(std::strerror(errno))});
        return std::nullopt;
    }
    in.seekg(0, std::ios::end);
    const auto size = static_cast<long long>(in.tellg());
    if (size < 0) {
        issues.push_back({"", "cannot read file (is it a folder?)"});
        return std::nullopt;
    }
    if (size > ExperimentLimits::maxFileBytes) {
        issues.push_back({"", "is larger than " + std::to_string(ExperimentLimits::maxFileBytes / (1024 * 1024)) +
                                  " MiB; an experiment file is a few kilobytes"});
        return std::nullopt;
    }
    in.seekg(0);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in.read(text.data(), size)) {
        issues.push_back({"", "cannot read file"});
        return std::nullopt;
    }
    return text;
}

} // namespace

ExperimentParseResult parseExperiment(std::string_view text)
{
    ExperimentParseResult result;
    auto doc = parseDocument(text, result.issues);
    if (!doc)
        return result;
    Reader reader;
    try {
        result.experiment = reader.experiment(*doc);
    } catch (const std::exception& e) {
        // A factory refusing a combination the tables allowed is a bug, but it must still reach
        // the user as an error, never a crash.
        reader.error("", std::string("cannot be read: ") + e.what());
    }
    result.issues = std::move(reader.issues);
    if (!result.issues.empty())
        result.experiment.reset();
    return result;
}

ExperimentParseResult loadExperiment(const std::string& filePath)
{
    ExperimentParseResult result;
    if (auto text = readWholeFile(filePath, result.issues))
        return parseExperiment(*text);
    return result;
}

ScheduleRequestParseResult parseScheduleRequest(std::string_view text)
{
    ScheduleRequestParseResult result;
    auto doc = parseDocument(text, result.issues);
    if (!doc)
        return result;
    Reader r;
    const Json& j = *doc;
    ScheduleRequest req;
    if (r.object(j, "", {"lr", "steps", "schedule", "metrics"})) {
        if (!j.contains("lr"))
            r.error("lr", "is required (the optimizer's initial learning rate)");
        else if (auto v = r.number(j["lr"], "lr", 0, 1e12, false))
            req.lr = *v;
        if (!j.contains("steps"))
            r.error("steps", "is required (how many updates to print)");
        else if (auto v = r.number(j["steps"], "steps", 1, double(ExperimentLimits::maxSteps), true))
            req.steps = static_cast<long long>(*v);
        if (j.contains("schedule") && !j["schedule"].is_null()) {
            ScheduleConfig s;
            r.schedule(j["schedule"], "schedule", false, s);
            req.schedule = s;
        }
        if (j.contains("metrics")) {
            const Json& m = j["metrics"];
            if (!m.is_array()) {
                r.error("metrics", "must be a list of numbers, got " + typeName(m));
            } else if (m.size() > size_t(ExperimentLimits::maxSteps)) {
                r.error("metrics", "has too many values");
            } else {
                for (size_t i = 0; i < m.size(); ++i)
                    if (auto v = r.number(m[i], Reader::index("metrics", i), -1e300, 1e300, false))
                        req.metrics.push_back(*v);
            }
        }
        const ScheduleInfo* info = req.schedule ? findSchedule(req.schedule->type) : nullptr;
        if (r.issues.empty() && info && info->watchesMetric && req.steps > 1 &&
            static_cast<long long>(req.metrics.size()) < req.steps - 1)
            r.error("metrics", "needs at least " + std::to_string(req.steps - 1) + " values for " +
                                   std::to_string(req.steps) + " steps (metric i is observed after update i), got " +
                                   std::to_string(req.metrics.size()));
    }
    result.issues = std::move(r.issues);
    if (result.issues.empty())
        result.request = req;
    return result;
}

ScheduleRequestParseResult loadScheduleRequest(const std::string& filePath)
{
    ScheduleRequestParseResult result;
    if (auto text = readWholeFile(filePath, result.issues))
        return parseScheduleRequest(*text);
    return result;
}

std::string experimentToJson(const Experiment& e)
{
    OrderedJson j;
    j["format"] = kFormat;
    j["version"] = kVersion;
    j["title"] = e.title;
    OrderedJson problem;
    if (e.problemType == Experiment::ProblemType::Function) {
        problem["type"] = "function";
        problem["function"] = e.function.function;
        if (const FunctionInfo* info = findFunction(e.function.function); info && !info->params.empty())
            problem["params"] = paramsToJson(e.function.params, info->params);
        problem["start"] = {e.function.start.x(), e.function.start.y()};
        if (e.function.noise)
            problem["noise"] = {{"std", e.function.noise->stddev}, {"seed", e.function.noise->seed}};
    } else {
        const NetworkProblem& n = e.network;
        problem["type"] = "network";
        OrderedJson d;
        d["name"] = n.dataset.name;
        d["samples"] = n.dataset.samples;
        d["noise"] = n.dataset.noise;
        d["seed"] = n.dataset.seed;
        if (!n.dataset.path.empty())
            d["path"] = n.dataset.path;
        if (!n.dataset.targetColumn.empty())
            d["target_column"] = n.dataset.targetColumn;
        problem["dataset"] = d;
        problem["validation_split"] = n.validationSplit;
        OrderedJson m;
        m["architecture"] = n.model.architecture;
        if (n.model.architecture == "mlp") {
            m["hidden"] = n.model.hidden;
            m["activation"] = n.model.activation;
            if (!n.model.extraFeatures.empty())
                m["features"] = n.model.extraFeatures;
        }
        problem["model"] = m;
        problem["loss"] = n.loss;
        problem["batch_size"] = n.batchSize;
        problem["epochs"] = n.epochs;
        problem["seed"] = n.seed;
    }
    j["problem"] = problem;
    if (e.problemType == Experiment::ProblemType::Function)
        j["steps"] = e.steps;
    OrderedJson runs = OrderedJson::array();
    for (const RunConfig& r : e.runs) {
        OrderedJson run;
        run["name"] = r.name;
        OrderedJson opt;
        opt["type"] = r.optimizer.type;
        if (const OptimizerInfo* info = findOptimizer(r.optimizer.type))
            opt.update(paramsToJson(r.optimizer.params, info->params));
        run["optimizer"] = opt;
        if (r.schedule) {
            OrderedJson s;
            s["type"] = r.schedule->type;
            if (e.problemType == Experiment::ProblemType::Network)
                s["per"] = r.schedule->per;
            if (const ScheduleInfo* info = findSchedule(r.schedule->type))
                s.update(paramsToJson(r.schedule->params, info->params));
            run["schedule"] = s;
        }
        run["compare_without_schedule"] = r.compareWithoutSchedule;
        if (!r.color.empty())
            run["color"] = r.color;
        if (!r.visible)
            run["visible"] = false;
        runs.push_back(run);
    }
    j["runs"] = runs;
    return j.dump(2) + "\n";
}

bool saveExperiment(const Experiment& experiment, const std::string& filePath, std::string* error)
{
    return writeFileAtomically(filePath, experimentToJson(experiment), error);
}

} // namespace optiscope
