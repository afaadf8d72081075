#include "core/experiment/experiment_io.h"

#include "core/functions/test_function.h"
#include "core/io/atomic_file.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <nlohmann/json.hpp>

#include <cmath>

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
        const CustomFunctionRef custom =
            e.function.function == "custom" ? e.function.custom : CustomFunctionRef{};
        if (custom)
            problem["expression"] = custom->expression().text();
        if (const FunctionInfo* info = functionInfo(e.function); info && !info->params.empty())
            problem["params"] = paramsToJson(e.function.params, info->params);
        if (custom) {
            const PlotBounds& b = custom->info().bounds;
            problem["bounds"] = {{b.xMin, b.xMax}, {b.yMin, b.yMax}};
            OrderedJson minima = OrderedJson::array();
            for (const auto& m : custom->minima())
                minima.push_back({m.x(), m.y()});
            problem["minima"] = minima;
        }
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
        if (n.testSplit > 0)
            problem["test_split"] = n.testSplit;
        OrderedJson m;
        m["architecture"] = n.model.architecture;
        if (n.model.architecture == "mlp") {
            m["hidden"] = n.model.hidden;
            m["activation"] = n.model.activation;
            if (!n.model.extraFeatures.empty())
                m["features"] = n.model.extraFeatures;
        }
        m["init"] = n.model.init;
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
    if (e.study) {
        OrderedJson study;
        study["repeats"] = e.study->repeats;
        OrderedJson grid = OrderedJson::object();
        for (const GridAxis& axis : e.study->grid) {
            if (axis.range) {
                grid[axis.key] = {{"from", axis.range->from},
                                  {"to", axis.range->to},
                                  {"num", axis.range->num},
                                  {"scale", axis.range->log ? "log" : "linear"}};
                continue;
            }
            // Whole numbers as integers (32, not 32.0): they read back the same.
            auto number = [](double d) {
                return std::floor(d) == d && std::fabs(d) < 9.0e15
                           ? OrderedJson(static_cast<long long>(d))
                           : OrderedJson(d);
            };
            OrderedJson values = OrderedJson::array();
            for (const ParamValue& v : axis.values) {
                if (const auto* b = std::get_if<bool>(&v)) {
                    values.push_back(*b);
                } else if (const auto* d = std::get_if<double>(&v)) {
                    values.push_back(number(*d));
                } else if (const auto* s = std::get_if<std::string>(&v)) {
                    values.push_back(*s);
                } else {
                    OrderedJson list = OrderedJson::array();
                    for (double x : std::get<std::vector<double>>(v))
                        list.push_back(number(x));
                    values.push_back(list);
                }
            }
            grid[axis.key] = values;
        }
        if (!e.study->grid.empty())
            study["grid"] = grid;
        if (!e.study->metric.empty())
            study["metric"] = e.study->metric;
        j["study"] = study;
    }
    return j.dump(2) + "\n";
}

bool saveExperiment(const Experiment& experiment, const std::string& filePath, std::string* error) {
    return writeFileAtomically(filePath, experimentToJson(experiment), error);
}

} // namespace optiscope
