#include "core/schedule/lr_schedule.h"

#include "core/schedule/cyclic_lr.h"
#include "core/schedule/keras_schedules.h"
#include "core/schedule/one_cycle_lr.h"
#include "core/schedule/reduce_lr_on_plateau.h"
#include "core/schedule/torch_schedules.h"

#include <cmath>
#include <stdexcept>

namespace optiscope {

namespace {

constexpr double kInf = 1e300;

ParamSpec real(std::string name, std::optional<double> def, double min, double max, bool minOpen,
               bool maxOpen, std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Real;
    if (def)
        s.defaultValue = *def;
    s.min = min;
    s.max = max;
    s.minOpen = minOpen;
    s.maxOpen = maxOpen;
    s.help = std::move(help);
    return s;
}

ParamSpec integer(std::string name, std::optional<double> def, double min, std::string help) {
    ParamSpec s = real(std::move(name), def, min, kInf, false, false, std::move(help));
    s.kind = ParamKind::Integer;
    return s;
}

ParamSpec flag(std::string name, bool def, std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Bool;
    s.defaultValue = def;
    s.help = std::move(help);
    return s;
}

ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices,
                 std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Choice;
    s.defaultValue = std::move(def);
    s.choices = std::move(choices);
    s.help = std::move(help);
    return s;
}

ParamSpec optionalSpec(ParamSpec s) {
    s.defaultValue.reset();
    s.optional = true;
    return s;
}

ParamSpec list(std::string name, ParamKind kind, double min, std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = kind;
    s.min = min;
    s.help = std::move(help);
    return s;
}

ParamTable tfDecayParams(const std::string& what) {
    return {
        integer("decay_steps", std::nullopt, 1,
                "Number of steps over which the lr " + what +
                    " once; with staircase, the lr changes only every decay_steps steps."),
        real("decay_rate", std::nullopt, 0, kInf, true, false,
             "How strongly the lr decays per decay_steps (bigger decays faster)."),
        flag("staircase", false,
             "Decay in discrete jumps every decay_steps steps instead of smoothly."),
    };
}

ParamTable momentumParams(double base, double max) {
    return {
        flag("cycle_momentum", true,
             "Also cycle the momentum (SGD momentum or Adam's beta1) opposite to the lr; "
             "replaces the optimizer's own momentum."),
        real("base_momentum", base, 0, 1, false, true,
             "Momentum when the lr is at its peak (the lowest momentum)."),
        real("max_momentum", max, 0, 1, false, true,
             "Momentum when the lr is at its lowest (the highest momentum)."),
    };
}

std::vector<ScheduleInfo> buildCatalog() {
    std::vector<ScheduleInfo> c;
    c.push_back({"constant", "Constant", "Keras/PyTorch", "lr = lr0", false, false, {}});

    c.push_back({"exponential_decay", "Exponential decay", "Keras",
                 "lr = lr0 · decay_rate^(s/decay_steps)", false, false,
                 tfDecayParams("is multiplied by decay_rate")});
    c.push_back({"natural_exp_decay", "Natural exponential decay", "TensorFlow",
                 "lr = lr0 · exp(−decay_rate · s/decay_steps)", false, false,
                 tfDecayParams("is multiplied by exp(−decay_rate)")});
    c.push_back({"inverse_time_decay", "Inverse time decay", "Keras",
                 "lr = lr0 / (1 + decay_rate · s/decay_steps)", false, false,
                 tfDecayParams("grows its divisor by decay_rate")});
    c.push_back({"polynomial_decay",
                 "Polynomial decay",
                 "Keras",
                 "lr = (lr0 − end) · (1 − s/decay_steps)^power + end",
                 false,
                 false,
                 {
                     integer("decay_steps", std::nullopt, 1,
                             "Number of steps to go from lr0 to end_learning_rate."),
                     real("end_learning_rate", 0.0001, 0, kInf, false, false,
                          "The lr reached after decay_steps."),
                     real("power", 1.0, 0, kInf, false, false,
                          "Shape of the curve: 1 is a straight line, 2 drops fast then "
                          "flattens, 0.5 stays high then drops."),
                     flag("cycle", false,
                          "After decay_steps, restart the decay over a longer span instead of "
                          "staying at end_learning_rate."),
                 }});
    {
        ParamSpec target = optionalSpec(real("warmup_target", std::nullopt, 0, kInf, false, false,
                                             "If set, the lr first ramps linearly from lr0 to "
                                             "this value over warmup_steps, then decays from it."));
        c.push_back({"cosine_decay",
                     "Cosine decay",
                     "Keras",
                     "lr = lr0 · ((1 − alpha) · ½(1 + cos(π s/decay_steps)) + alpha)",
                     false,
                     false,
                     {
                         integer("decay_steps", std::nullopt, 1,
                                 "Number of steps of the cosine decay (after the warmup)."),
                         real("alpha", 0.0, 0, 1, false, false,
                              "Final lr as a fraction of the starting lr."),
                         target,
                         integer("warmup_steps", 0, 0,
                                 "Length of the linear warmup (needs warmup_target)."),
                     }});
    }
    c.push_back(
        {"cosine_decay_restarts",
         "Cosine decay with restarts (SGDR)",
         "Keras",
         "cosine from lr0·m_mul^i to alpha·lr0 over first_decay_steps·t_mul^i, restart",
         false,
         false,
         {
             integer("first_decay_steps", std::nullopt, 1, "Length of the first cosine period."),
             real("t_mul", 2.0, 1, kInf, false, false,
                  "Each period is t_mul times longer than the previous one."),
             real("m_mul", 1.0, 0, kInf, false, false,
                  "Each restart begins at m_mul times the previous peak lr."),
             real("alpha", 0.0, 0, 1, false, false, "Minimum lr as a fraction of lr0."),
         }});
    c.push_back({"piecewise_constant",
                 "Piecewise constant",
                 "Keras",
                 "lr = values[i] for boundaries[i−1] < s <= boundaries[i]",
                 false,
                 false,
                 {
                     list("boundaries", ParamKind::IntList, 0,
                          "Step counts where the lr changes (strictly increasing)."),
                     list("values", ParamKind::RealList, 0,
                          "The lr of each interval, one more than boundaries. These values "
                          "replace the optimizer's lr."),
                 }});

    c.push_back({"step",
                 "Step decay (StepLR)",
                 "PyTorch",
                 "lr = lr0 · gamma^floor(s/step_size)",
                 false,
                 false,
                 {
                     integer("step_size", std::nullopt, 1,
                             "Multiply the lr by gamma every step_size steps."),
                     real("gamma", 0.1, 0, kInf, true, false, "Multiplicative factor."),
                 }});
    c.push_back({"multistep",
                 "Multi-step decay (MultiStepLR)",
                 "PyTorch",
                 "lr = lr0 · gamma^(number of milestones <= s)",
                 false,
                 false,
                 {
                     list("milestones", ParamKind::IntList, 0,
                          "Steps at which the lr is multiplied by gamma (a repeated milestone "
                          "applies gamma twice)."),
                     real("gamma", 0.1, 0, kInf, true, false, "Multiplicative factor."),
                 }});
    c.push_back({"exponential",
                 "Exponential (ExponentialLR)",
                 "PyTorch",
                 "lr = lr0 · gamma^s",
                 false,
                 false,
                 {real("gamma", std::nullopt, 0, kInf, true, false,
                       "Factor applied at every step (e.g. 0.99).")}});
    c.push_back({"cosine",
                 "Cosine annealing (CosineAnnealingLR)",
                 "PyTorch",
                 "lr = eta_min + (lr0 − eta_min) · ½(1 + cos(π s/T_max))",
                 false,
                 false,
                 {
                     integer("T_max", std::nullopt, 1,
                             "Steps to go from lr0 down to eta_min (it then climbs back)."),
                     real("eta_min", 0.0, 0, kInf, false, false, "Minimum lr."),
                 }});
    c.push_back({"cosine_warm_restarts",
                 "Cosine with warm restarts (SGDR)",
                 "PyTorch",
                 "lr = eta_min + (lr0 − eta_min) · ½(1 + cos(π T_cur/T_i)), restart at T_i",
                 false,
                 false,
                 {
                     integer("T_0", std::nullopt, 1, "Length of the first period, in steps."),
                     integer("T_mult", 1, 1, "Each period is T_mult times longer than the last."),
                     real("eta_min", 0.0, 0, kInf, false, false, "Minimum lr."),
                 }});
    c.push_back({"linear",
                 "Linear (LinearLR)",
                 "PyTorch",
                 "lr = lr0 · (start_factor → end_factor linearly over total_iters)",
                 false,
                 false,
                 {
                     real("start_factor", 1.0 / 3.0, 0, 1, true, false,
                          "Multiplier of lr0 at the first step."),
                     real("end_factor", 1.0, 0, 1, false, false,
                          "Multiplier of lr0 after total_iters steps."),
                     integer("total_iters", 5, 1, "Steps of the linear change."),
                 }});
    c.push_back({"constant_lr",
                 "Constant factor (ConstantLR)",
                 "PyTorch",
                 "lr = lr0 · factor for s < total_iters, then lr0",
                 false,
                 false,
                 {
                     real("factor", 1.0 / 3.0, 0, 1, true, false,
                          "Multiplier of lr0 during the first total_iters steps."),
                     integer("total_iters", 5, 1, "Steps during which the factor applies."),
                 }});
    c.push_back({"polynomial",
                 "Polynomial (PolynomialLR)",
                 "PyTorch",
                 "lr = lr0 · (1 − s/total_iters)^power, 0 after total_iters",
                 false,
                 false,
                 {
                     integer("total_iters", 5, 1, "Steps until the lr reaches 0."),
                     real("power", 1.0, 0, kInf, false, false,
                          "Shape: 1 is a straight line to 0, 2 drops faster at first."),
                 }});
    {
        ParamTable p = {
            real("max_lr", std::nullopt, 0, kInf, true, false,
                 "Peak lr. The lr starts at max_lr/div_factor (the optimizer's lr is ignored)."),
            optionalSpec(integer("total_steps", std::nullopt, 1,
                                 "Length of the cycle in steps (or give epochs and "
                                 "steps_per_epoch).")),
            optionalSpec(integer("epochs", std::nullopt, 1,
                                 "With steps_per_epoch: total_steps = epochs × steps_per_epoch.")),
            optionalSpec(integer("steps_per_epoch", std::nullopt, 1, "Steps in one epoch.")),
            real("pct_start", 0.3, 0, 1, false, false,
                 "Fraction of the cycle spent raising the lr."),
            choice("anneal_strategy", "cos", {"cos", "linear"},
                   "Shape of the rise and fall: cosine or straight lines."),
        };
        for (auto& s : momentumParams(0.85, 0.95))
            p.push_back(s);
        p.push_back(
            real("div_factor", 25.0, 0, kInf, true, false, "Starting lr = max_lr / div_factor."));
        p.push_back(real("final_div_factor", 1e4, 0, kInf, true, false,
                         "Final lr = starting lr / final_div_factor."));
        p.push_back(flag("three_phase", false,
                         "Go back down to the starting lr symmetrically, then to the final lr."));
        c.push_back({"one_cycle", "One cycle (OneCycleLR)", "PyTorch",
                     "warm up to max_lr over pct_start, then anneal far below the start", false,
                     true, p});
    }
    {
        ParamTable p = {
            real("base_lr", std::nullopt, 0, kInf, false, false,
                 "Lower end of the cycle; replaces the optimizer's lr."),
            real("max_lr", std::nullopt, 0, kInf, true, false, "Upper end of the cycle."),
            integer("step_size_up", 2000, 1, "Steps from base_lr up to max_lr."),
            optionalSpec(integer("step_size_down", std::nullopt, 0,
                                 "Steps from max_lr back down (default: step_size_up).")),
            choice("mode", "triangular", {"triangular", "triangular2", "exp_range"},
                   "triangular: constant amplitude; triangular2: amplitude halves every cycle; "
                   "exp_range: amplitude × gamma^step."),
            real("gamma", 1.0, 0, 1, true, false, "Per-step amplitude factor of exp_range."),
        };
        for (auto& s : momentumParams(0.8, 0.9))
            p.push_back(s);
        c.push_back({"cyclic", "Cyclical (CyclicLR)", "PyTorch",
                     "lr bounces linearly between base_lr and max_lr", false, true, p});
    }
    c.push_back(
        {"reduce_on_plateau",
         "Reduce on plateau",
         "Keras/PyTorch",
         "lr ← max(lr · factor, min_lr) when the metric has not improved for patience steps",
         true,
         false,
         {
             choice("flavor", "keras", {"keras", "torch"},
                    "Whose rules to follow: Keras' callback or PyTorch's scheduler (they "
                    "differ in when they reduce and how they count cooldown)."),
             choice("mode", "min", {"min", "max"},
                    "min: the metric should go down (a loss); max: it should go up."),
             real("factor", 0.1, 0, 1, true, true, "New lr = lr × factor."),
             integer("patience", 10, 0, "Steps without improvement tolerated before reducing."),
             real("min_delta", 1e-4, 0, kInf, false, false,
                  "Keras: smallest decrease (absolute) that counts as an improvement."),
             real("threshold", 1e-4, 0, kInf, false, false,
                  "PyTorch: smallest improvement that counts (see threshold_mode)."),
             choice("threshold_mode", "rel", {"rel", "abs"},
                    "PyTorch: rel = improvement relative to the best value, abs = absolute."),
             integer("cooldown", 0, 0, "Steps to wait after a reduction before counting again."),
             real("min_lr", 0.0, 0, kInf, false, false, "The lr never goes below this."),
             real("eps", 1e-8, 0, kInf, false, false,
                  "PyTorch: a reduction smaller than eps is skipped."),
         }});
    return c;
}

/// `params` over the table's defaults.
ParamSet effective(const ScheduleInfo& info, const ParamSet& params) {
    ParamSet out = ParamSet::defaults(info.params);
    for (const auto& [name, value] : params.values())
        out.set(name, value);
    return out;
}

bool hasReal(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<double>(p.get(name));
}

bool hasList(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<std::vector<double>>(p.get(name));
}

bool hasChoice(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<std::string>(p.get(name));
}

} // namespace

const std::vector<ScheduleInfo>& scheduleCatalog() {
    static const std::vector<ScheduleInfo> catalog = buildCatalog();
    return catalog;
}

const ScheduleInfo* findSchedule(const std::string& type) {
    for (const auto& info : scheduleCatalog())
        if (info.type == type)
            return &info;
    return nullptr;
}

// Besides combinations PyTorch/Keras reject or crash on, a parameter that would be silently
// ignored (cyclic gamma outside exp_range, warmup_steps without warmup_target, a torch-only
// plateau parameter with flavor keras, ...) is reported: as in experiment files, a setting that
// does nothing must not pass unnoticed.
ParamSet scheduleStartValues(const ScheduleInfo& info, long long budget, double lr0) {
    ParamSet values = ParamSet::defaults(info.params);
    const double steps = double(std::max(1LL, budget));
    const double third = std::max(1.0, std::floor(steps / 3));
    for (const ParamSpec& spec : info.params) {
        const std::string& n = spec.name;
        if (n == "total_steps" && !spec.defaultValue) { // OneCycleLR: the whole budget
            values.set(n, steps);
            continue;
        }
        if (spec.defaultValue || spec.optional)
            continue;
        ParamValue v;
        if (n == "values") // piecewise constant: one more value than boundaries
            v = std::vector<double>{lr0, lr0 / 10, lr0 / 100};
        else if (spec.kind == ParamKind::IntList || spec.kind == ParamKind::RealList)
            v = std::vector<double>{third, 2 * third};
        else if (n == "decay_rate")
            v = 0.5;
        else if (n == "gamma") // per step: lr0/10 after the whole budget
            v = std::pow(0.1, 1.0 / steps);
        else if (n == "max_lr")
            v = lr0;
        else if (n == "base_lr")
            v = lr0 / 10;
        else if (spec.kind == ParamKind::Integer)
            v = third; // lengths: decay_steps, step_size, T_max, T_0, ...
        else
            continue;
        if (!spec.check(v))
            values.set(n, v);
    }
    return values;
}

std::vector<std::pair<std::string, std::string>> checkScheduleParams(const std::string& type,
                                                                     const ParamSet& params) {
    std::vector<std::pair<std::string, std::string>> issues;
    const ScheduleInfo* info = findSchedule(type);
    if (!info) {
        issues.emplace_back("type", "unknown schedule \"" + type + "\"");
        return issues;
    }
    const ParamSet p = effective(*info, params);
    auto differs = [&](const std::string& name) {
        const ParamSpec* spec = findParam(info->params, name);
        return p.has(name) && spec && spec->defaultValue && !(p.get(name) == *spec->defaultValue);
    };

    if (type == "cosine_decay") {
        if (!p.has("warmup_target") && hasReal(p, "warmup_steps") && p.real("warmup_steps") > 0)
            issues.emplace_back("warmup_steps", "has no effect without warmup_target");
    } else if (type == "piecewise_constant") {
        if (hasList(p, "boundaries")) {
            const auto& b = p.list("boundaries");
            if (b.empty())
                issues.emplace_back("boundaries", "needs at least one boundary");
            for (size_t i = 1; i < b.size(); ++i)
                if (!(b[i] > b[i - 1])) {
                    issues.emplace_back("boundaries", "must be strictly increasing, got " +
                                                          formatDouble(b[i]) + " after " +
                                                          formatDouble(b[i - 1]));
                    break;
                }
            if (hasList(p, "values") && p.list("values").size() != b.size() + 1)
                issues.emplace_back("values", "must hold one more value than boundaries (" +
                                                  std::to_string(b.size() + 1) + "), got " +
                                                  std::to_string(p.list("values").size()));
        }
    } else if (type == "multistep") {
        if (hasList(p, "milestones") && p.list("milestones").empty())
            issues.emplace_back("milestones", "needs at least one milestone");
    } else if (type == "one_cycle") {
        const bool total = p.has("total_steps");
        const bool epochs = p.has("epochs"), spe = p.has("steps_per_epoch");
        if (!total && !(epochs && spe)) {
            issues.emplace_back(epochs ? "steps_per_epoch"
                                : spe  ? "epochs"
                                       : "total_steps",
                                "one_cycle needs total_steps, or epochs and steps_per_epoch");
        } else if (total && (epochs || spe)) {
            issues.emplace_back(epochs ? "epochs" : "steps_per_epoch",
                                "give either total_steps or epochs and steps_per_epoch, not both");
        }
        // torch divides by each phase's length; the first phase has length
        // pct_start·total − 1 and is used at step 0, so pct_start·total = 1 is a
        // ZeroDivisionError in torch. Later phases of zero length are never entered.
        if (issues.empty() && hasReal(p, "pct_start")) {
            double n = 0.0;
            if (total && hasReal(p, "total_steps"))
                n = p.real("total_steps");
            else if (hasReal(p, "epochs") && hasReal(p, "steps_per_epoch"))
                n = p.real("epochs") * p.real("steps_per_epoch");
            if (n > 0 && p.real("pct_start") * n - 1.0 == 0.0)
                issues.emplace_back("pct_start",
                                    "gives a first phase of zero length (pct_start × total steps "
                                    "= 1; PyTorch fails with a division by zero)");
        }
    } else if (type == "cyclic") {
        if (hasReal(p, "base_lr") && hasReal(p, "max_lr") &&
            !(p.real("max_lr") > p.real("base_lr")))
            issues.emplace_back("max_lr", "must be greater than base_lr (" +
                                              formatDouble(p.real("base_lr")) + "), got " +
                                              formatDouble(p.real("max_lr")));
        if (hasChoice(p, "mode") && p.choice("mode") != "exp_range" && differs("gamma"))
            issues.emplace_back("gamma", "is only used with mode \"exp_range\"");
    } else if (type == "reduce_on_plateau") {
        const bool torch = hasChoice(p, "flavor") && p.choice("flavor") == "torch";
        if (torch) {
            if (differs("min_delta"))
                issues.emplace_back("min_delta",
                                    "is a Keras parameter; with flavor \"torch\" use threshold "
                                    "and threshold_mode");
        } else {
            for (const char* name : {"threshold", "threshold_mode", "eps"})
                if (differs(name))
                    issues.emplace_back(name, std::string("is a PyTorch parameter; set flavor "
                                                          "to \"torch\" (Keras uses min_delta)"));
        }
    }
    return issues;
}

std::unique_ptr<LrSchedule> makeSchedule(const std::string& type, const ParamSet& params,
                                         double lr0, double momentum0) {
    // torch overwrites the optimizer's momentum when a schedule cycles it, so momentum0 is not
    // needed by any schedule; it stays in the interface for schedules that might scale it.
    (void)momentum0;
    const ScheduleInfo* info = findSchedule(type);
    if (!info)
        throw std::invalid_argument("unknown schedule \"" + type + "\"");
    const ParamSet p = effective(*info, params);
    for (const auto& [name, value] : p.values()) {
        const ParamSpec* spec = findParam(info->params, name);
        if (!spec)
            throw std::invalid_argument(name + ": unknown parameter of schedule " + type);
        if (auto why = spec->check(value))
            throw std::invalid_argument(name + ": " + *why);
    }
    for (const auto& spec : info->params)
        if (!spec.defaultValue && !spec.optional && !p.has(spec.name))
            throw std::invalid_argument(spec.name + ": required by schedule " + type);
    if (auto issues = checkScheduleParams(type, p); !issues.empty())
        throw std::invalid_argument(issues.front().first + ": " + issues.front().second);

    if (type == "constant")
        return std::make_unique<ConstantSchedule>(lr0);
    if (type == "exponential_decay")
        return std::make_unique<ExponentialDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                  p.flag("staircase"));
    if (type == "natural_exp_decay")
        return std::make_unique<NaturalExpDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                 p.flag("staircase"));
    if (type == "inverse_time_decay")
        return std::make_unique<InverseTimeDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                  p.flag("staircase"));
    if (type == "polynomial_decay")
        return std::make_unique<PolynomialDecay>(lr0, p.real("decay_steps"),
                                                 p.real("end_learning_rate"), p.real("power"),
                                                 p.flag("cycle"));
    if (type == "cosine_decay") {
        std::optional<double> target;
        if (p.has("warmup_target"))
            target = p.real("warmup_target");
        return std::make_unique<CosineDecay>(lr0, p.real("decay_steps"), p.real("alpha"), target,
                                             p.real("warmup_steps"));
    }
    if (type == "cosine_decay_restarts")
        return std::make_unique<CosineDecayRestarts>(
            lr0, p.real("first_decay_steps"), p.real("t_mul"), p.real("m_mul"), p.real("alpha"));
    if (type == "piecewise_constant")
        return std::make_unique<PiecewiseConstantDecay>(p.list("boundaries"), p.list("values"));
    if (type == "step")
        return std::make_unique<StepLr>(lr0, p.integer("step_size"), p.real("gamma"));
    if (type == "multistep")
        return std::make_unique<MultiStepLr>(lr0, p.list("milestones"), p.real("gamma"));
    if (type == "exponential")
        return std::make_unique<ExponentialLr>(lr0, p.real("gamma"));
    if (type == "cosine")
        return std::make_unique<CosineAnnealingLr>(lr0, p.integer("T_max"), p.real("eta_min"));
    if (type == "cosine_warm_restarts")
        return std::make_unique<CosineAnnealingWarmRestarts>(
            lr0, p.integer("T_0"), p.integer("T_mult"), p.real("eta_min"));
    if (type == "linear")
        return std::make_unique<LinearLr>(lr0, p.real("start_factor"), p.real("end_factor"),
                                          p.integer("total_iters"));
    if (type == "constant_lr")
        return std::make_unique<ConstantLr>(lr0, p.real("factor"), p.integer("total_iters"));
    if (type == "polynomial")
        return std::make_unique<PolynomialLr>(lr0, p.integer("total_iters"), p.real("power"));
    if (type == "one_cycle") {
        OneCycleLr::Options o;
        o.maxLr = p.real("max_lr");
        o.totalSteps = p.has("total_steps") ? p.integer("total_steps")
                                            : p.integer("epochs") * p.integer("steps_per_epoch");
        o.pctStart = p.real("pct_start");
        o.cosine = p.choice("anneal_strategy") == "cos";
        o.cycleMomentum = p.flag("cycle_momentum");
        o.baseMomentum = p.real("base_momentum");
        o.maxMomentum = p.real("max_momentum");
        o.divFactor = p.real("div_factor");
        o.finalDivFactor = p.real("final_div_factor");
        o.threePhase = p.flag("three_phase");
        return std::make_unique<OneCycleLr>(o);
    }
    if (type == "cyclic") {
        CyclicLr::Options o;
        o.baseLr = p.real("base_lr");
        o.maxLr = p.real("max_lr");
        o.stepSizeUp = p.real("step_size_up");
        o.stepSizeDown = p.has("step_size_down") ? p.real("step_size_down") : o.stepSizeUp;
        const std::string& mode = p.choice("mode");
        o.mode = mode == "triangular2" ? CyclicLr::Mode::Triangular2
                 : mode == "exp_range" ? CyclicLr::Mode::ExpRange
                                       : CyclicLr::Mode::Triangular;
        o.gamma = p.real("gamma");
        o.cycleMomentum = p.flag("cycle_momentum");
        o.baseMomentum = p.real("base_momentum");
        o.maxMomentum = p.real("max_momentum");
        return std::make_unique<CyclicLr>(o);
    }
    if (type == "reduce_on_plateau") {
        ReduceLrOnPlateau::Options o;
        o.flavor = p.choice("flavor") == "torch" ? ReduceLrOnPlateau::Flavor::Torch
                                                 : ReduceLrOnPlateau::Flavor::Keras;
        o.maxMode = p.choice("mode") == "max";
        o.factor = p.real("factor");
        o.patience = p.integer("patience");
        o.minDelta = p.real("min_delta");
        o.threshold = p.real("threshold");
        o.relThreshold = p.choice("threshold_mode") == "rel";
        o.cooldown = p.integer("cooldown");
        o.minLr = p.real("min_lr");
        o.eps = p.real("eps");
        return std::make_unique<ReduceLrOnPlateau>(lr0, o);
    }
    throw std::invalid_argument("schedule \"" + type + "\" is listed but not built");
}

} // namespace optiscope
