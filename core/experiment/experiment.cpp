#include "core/experiment/experiment.h"

#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <cctype>
#include <cmath>

namespace optiscope {

const FunctionInfo* functionInfo(const FunctionProblem& problem) {
    if (problem.function == "custom")
        return problem.custom ? &problem.custom->info() : nullptr;
    return findFunction(problem.function);
}

Experiment Experiment::defaultExperiment() {
    Experiment e;
    e.title = "Adam with and without learning-rate decay on noisy Rosenbrock";
    e.problemType = ProblemType::Function;
    e.function.function = "rosenbrock";
    if (const auto* info = findFunction("rosenbrock"))
        e.function.params = ParamSet::defaults(info->params);
    e.function.start = Eigen::Vector2d(-1.5, 2.0);
    e.function.noise = NoiseConfig{2.0, 1};
    e.steps = 1500;

    RunConfig run;
    run.name = "Adam";
    run.optimizer.type = "adam";
    if (const auto* info = findOptimizer("adam"))
        run.optimizer.params = ParamSet::defaults(info->params);
    run.optimizer.params.set("lr", 0.1);
    ScheduleConfig schedule;
    schedule.type = "exponential_decay";
    if (const auto* info = findSchedule("exponential_decay"))
        schedule.params = ParamSet::defaults(info->params);
    schedule.params.set("decay_steps", 300.0);
    schedule.params.set("decay_rate", 0.7);
    run.schedule = schedule;
    run.compareWithoutSchedule = true;
    e.runs.push_back(run);
    return e;
}

bool GridAxis::numeric() const {
    for (const auto& v : values)
        if (!std::holds_alternative<double>(v))
            return false;
    return !values.empty();
}

bool GridAxis::logSpaced() const {
    if (range)
        return range->log;
    if (!numeric() || values.size() < 3)
        return false;
    std::vector<double> v;
    for (const auto& x : values)
        v.push_back(std::get<double>(x));
    for (double x : v)
        if (!(x > 0))
            return false;
    // Equal ratios but unequal differences: 1e-4, 1e-3, 1e-2 (not 1, 2, 3).
    const double ratio = v[1] / v[0];
    if (std::fabs(ratio - 1.0) < 1e-9)
        return false;
    for (size_t i = 2; i < v.size(); ++i)
        if (std::fabs(v[i] / v[i - 1] / ratio - 1.0) > 1e-6)
            return false;
    return true;
}

std::string gridValueText(const ParamValue& value) {
    if (const auto* b = std::get_if<bool>(&value))
        return *b ? "true" : "false";
    if (const auto* d = std::get_if<double>(&value))
        return formatDouble(*d);
    if (const auto* s = std::get_if<std::string>(&value))
        return *s;
    const auto& l = std::get<std::vector<double>>(value);
    std::string out = "[";
    for (size_t i = 0; i < l.size(); ++i)
        out += (i ? ", " : "") + formatDouble(l[i]);
    return out + "]";
}

std::string slugify(const std::string& name) {
    std::string slug;
    bool dash = false;
    for (unsigned char c : name) {
        if (std::isalnum(c) && c < 0x80) {
            if (dash && !slug.empty())
                slug += '-';
            dash = false;
            slug += static_cast<char>(std::tolower(c));
        } else {
            dash = true;
        }
    }
    return slug;
}

std::vector<RunInstance> expandRuns(const Experiment& experiment) {
    std::vector<RunInstance> out;
    for (int i = 0; i < static_cast<int>(experiment.runs.size()); ++i) {
        const RunConfig& run = experiment.runs[static_cast<size_t>(i)];
        const std::string slug = slugify(run.name);
        out.push_back({i, false, run.name, slug});
        if (run.compareWithoutSchedule)
            out.push_back({i, true, run.name + kTwinNameSuffix, slug + "-no-decay"});
    }
    return out;
}

} // namespace optiscope
