#include "core/experiment/experiment.h"

#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <cctype>

namespace optiscope {

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
            out.push_back({i, true, run.name + " (no decay)", slug + "-no-decay"});
    }
    return out;
}

} // namespace optiscope
