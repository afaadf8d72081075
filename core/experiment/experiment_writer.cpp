#include "core/experiment/experiment_io.h"

#include "core/functions/test_function.h"
#include "core/io/atomic_file.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <nlohmann/json.hpp>

namespace optiscope {

using OrderedJson = nlohmann::ordered_json;

namespace {

OrderedJson paramsToJson(const ParamSet& set, const ParamTable& table) {
    OrderedJson out = OrderedJson::object();
    auto write = [&](const std::string& name, const ParamValue& v, ParamKind kind) {
        if (const auto* b = std::get_if<bool>(&v))
            out[name] = *b;
        else if (const auto* d = std::get_if<double>(&v))
            out[name] = kind == ParamKind::Integer ? OrderedJson(static_cast<long long>(*d))
                                                   : OrderedJson(*d);
        else if (const auto* s = std::get_if<std::string>(&v))
            out[name] = *s;
        else {
            OrderedJson arr = OrderedJson::array();
            for (double d : std::get<std::vector<double>>(v))
                arr.push_back(kind == ParamKind::IntList ? OrderedJson(static_cast<long long>(d))
                                                         : OrderedJson(d));
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

std::string experimentToJson(const Experiment& e) {
    OrderedJson j;
    j["format"] = kExperimentFormat;
    j["version"] = kExperimentVersion;
    j["title"] = e.title;
    OrderedJson problem;
    if (e.problemType == Experiment::ProblemType::Function) {
        problem["type"] = "function";
        problem["function"] = e.function.function;
        if (const FunctionInfo* info = findFunction(e.function.function);
            info && !info->params.empty())
            problem["params"] = paramsToJson(e.function.params, info->params);
        problem["start"] = {e.function.start.x(), e.function.start.y()};
        if (e.function.noise)
            problem["noise"] = {{"std", e.function.noise->stddev},
                                {"seed", e.function.noise->seed}};
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

bool saveExperiment(const Experiment& experiment, const std::string& filePath, std::string* error) {
    return writeFileAtomically(filePath, experimentToJson(experiment), error);
}

} // namespace optiscope
