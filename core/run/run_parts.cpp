#include "core/run/run_parts.h"

#include <stdexcept>

namespace optiscope {

double initialLr(const OptimizerConfig& optimizer) {
    if (optimizer.params.has("lr"))
        return optimizer.params.real("lr");
    const OptimizerInfo* info = findOptimizer(optimizer.type);
    if (!info)
        throw std::invalid_argument("unknown optimizer '" + optimizer.type + "'");
    return ParamSet::defaults(info->params).real("lr");
}

template <typename Scalar> std::unique_ptr<UpdateRule<Scalar>> makeRunRule(const RunConfig& run) {
    return makeUpdateRule<Scalar>(run.optimizer.type, run.optimizer.params);
}

template std::unique_ptr<UpdateRule<float>> makeRunRule<float>(const RunConfig&);
template std::unique_ptr<UpdateRule<double>> makeRunRule<double>(const RunConfig&);

ParamSet followDependentDefaults(const std::string& type, const ParamSet& before, ParamSet after) {
    const OptimizerInfo* info = findOptimizer(type);
    if (!info)
        return after;
    for (const DependentDefault& d : info->dependentDefaults) {
        const ParamSpec* spec = findParam(info->params, d.param);
        if (!spec || !spec->defaultValue || !before.has(d.param) || !after.has(d.param))
            continue;
        const auto defaultUnder = [&](const ParamSet& set) {
            const auto* v = set.has(d.when) ? std::get_if<std::string>(&set.get(d.when)) : nullptr;
            return v && *v == d.equals ? d.value : *spec->defaultValue;
        };
        const ParamValue was = defaultUnder(before), now = defaultUnder(after);
        if (was != now && before.get(d.param) == was && after.get(d.param) == was)
            after.set(d.param, now);
    }
    return after;
}

std::unique_ptr<LrSchedule> makeRunSchedule(const RunConfig& run, bool twin) {
    if (!run.schedule || twin || run.schedule->type == "constant")
        return nullptr;
    return makeSchedule(run.schedule->type, run.schedule->params, initialLr(run.optimizer));
}

} // namespace optiscope
