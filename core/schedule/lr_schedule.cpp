#include "core/schedule/lr_schedule.h"

#include "core/common/catalog.h"
#include "core/schedule/cyclic_lr.h"
#include "core/schedule/keras_schedules.h"
#include "core/schedule/one_cycle_lr.h"
#include "core/schedule/reduce_lr_on_plateau.h"
#include "core/schedule/torch_schedules.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace optiscope {

namespace {

ParamTable tfDecayParams(const std::string& what) {
    return {
        ParamSpec::integer("decay_steps")
            .atLeast(1)
            .about("Number of steps over which the lr " + what +
                   " once; with staircase, the lr changes only every decay_steps steps."),
        ParamSpec::real("decay_rate")
            .above(0)
            .about("How strongly the lr decays per decay_steps (bigger decays faster)."),
        ParamSpec::flag("staircase", false)
            .about("Decay in discrete jumps every decay_steps steps instead of smoothly."),
    };
}

ParamTable momentumParams(double base, double max) {
    return {
        ParamSpec::flag("cycle_momentum", true)
            .about("Also cycle the momentum (SGD momentum or Adam's beta1) opposite to the lr; "
                   "replaces the optimizer's own momentum."),
        ParamSpec::real("base_momentum", base)
            .atLeast(0)
            .below(1)
            .about("Momentum when the lr is at its peak (the lowest momentum)."),
        ParamSpec::real("max_momentum", max)
            .atLeast(0)
            .below(1)
            .about("Momentum when the lr is at its lowest (the highest momentum)."),
    };
}

using Issues = std::vector<std::pair<std::string, std::string>>;

bool hasReal(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<double>(p.get(name));
}

bool hasList(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<std::vector<double>>(p.get(name));
}

bool hasChoice(const ParamSet& p, const std::string& name) {
    return p.has(name) && std::holds_alternative<std::string>(p.get(name));
}

/// `name` is set to something other than its default (a parameter that would then be ignored).
bool differs(const ScheduleInfo& info, const ParamSet& p, const std::string& name) {
    const ParamSpec* spec = findParam(info.params, name);
    return p.has(name) && spec && spec->defaultValue && !(p.get(name) == *spec->defaultValue);
}

std::vector<ScheduleInfo> buildCatalog() {
    std::vector<ScheduleInfo> c;
    c.push_back({"constant", "Constant", "Keras/PyTorch", "lr = lr0", false, false, {}});
    c.back().make = [](const ParamSet&, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<ConstantSchedule>(lr0);
    };

    c.push_back({"exponential_decay", "Exponential decay", "Keras",
                 "lr = lr0 · decay_rate^(s/decay_steps)", false, false,
                 tfDecayParams("is multiplied by decay_rate")});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<ExponentialDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                  p.flag("staircase"));
    };
    c.push_back({"natural_exp_decay", "Natural exponential decay", "TensorFlow",
                 "lr = lr0 · exp(−decay_rate · s/decay_steps)", false, false,
                 tfDecayParams("is multiplied by exp(−decay_rate)")});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<NaturalExpDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                 p.flag("staircase"));
    };
    c.push_back({"inverse_time_decay", "Inverse time decay", "Keras",
                 "lr = lr0 / (1 + decay_rate · s/decay_steps)", false, false,
                 tfDecayParams("grows its divisor by decay_rate")});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<InverseTimeDecay>(lr0, p.real("decay_steps"), p.real("decay_rate"),
                                                  p.flag("staircase"));
    };
    c.push_back(
        {"polynomial_decay",
         "Polynomial decay",
         "Keras",
         "lr = (lr0 − end) · (1 − s/decay_steps)^power + end",
         false,
         false,
         {
             ParamSpec::integer("decay_steps")
                 .atLeast(1)
                 .about("Number of steps to go from lr0 to end_learning_rate."),
             ParamSpec::real("end_learning_rate", 0.0001)
                 .atLeast(0)
                 .about("The lr reached after decay_steps."),
             ParamSpec::real("power", 1.0)
                 .atLeast(0)
                 .about("Shape of the curve: 1 is a straight line, 2 drops fast then "
                        "flattens, 0.5 stays high then drops."),
             ParamSpec::flag("cycle", false)
                 .about("After decay_steps, restart the decay over a longer span instead of "
                        "staying at end_learning_rate."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<PolynomialDecay>(lr0, p.real("decay_steps"),
                                                 p.real("end_learning_rate"), p.real("power"),
                                                 p.flag("cycle"));
    };
    {
        ParamSpec target = ParamSpec::real("warmup_target")
                               .atLeast(0)
                               .about("If set, the lr first ramps linearly from lr0 to "
                                      "this value over warmup_steps, then decays from it.")
                               .orNone();
        c.push_back({"cosine_decay",
                     "Cosine decay",
                     "Keras",
                     "lr = lr0 · ((1 − alpha) · ½(1 + cos(π s/decay_steps)) + alpha)",
                     false,
                     false,
                     {
                         ParamSpec::integer("decay_steps")
                             .atLeast(1)
                             .about("Number of steps of the cosine decay (after the warmup)."),
                         ParamSpec::real("alpha", 0.0)
                             .atLeast(0)
                             .atMost(1)
                             .about("Final lr as a fraction of the starting lr."),
                         target,
                         ParamSpec::integer("warmup_steps", 0)
                             .atLeast(0)
                             .about("Length of the linear warmup (needs warmup_target)."),
                     }});
        c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
            std::optional<double> target;
            if (p.has("warmup_target"))
                target = p.real("warmup_target");
            return std::make_unique<CosineDecay>(lr0, p.real("decay_steps"), p.real("alpha"),
                                                 target, p.real("warmup_steps"));
        };
        c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                                 Issues& issues) {
            if (!p.has("warmup_target") && hasReal(p, "warmup_steps") && p.real("warmup_steps") > 0)
                issues.emplace_back("warmup_steps", "has no effect without warmup_target");
        };
    }
    c.push_back({"cosine_decay_restarts",
                 "Cosine decay with restarts (SGDR)",
                 "Keras",
                 "cosine from lr0·m_mul^i to alpha·lr0 over first_decay_steps·t_mul^i, restart",
                 false,
                 false,
                 {
                     ParamSpec::integer("first_decay_steps")
                         .atLeast(1)
                         .about("Length of the first cosine period."),
                     ParamSpec::real("t_mul", 2.0)
                         .atLeast(1)
                         .about("Each period is t_mul times longer than the previous one."),
                     ParamSpec::real("m_mul", 1.0)
                         .atLeast(0)
                         .about("Each restart begins at m_mul times the previous peak lr."),
                     ParamSpec::real("alpha", 0.0)
                         .atLeast(0)
                         .atMost(1)
                         .about("Minimum lr as a fraction of lr0."),
                 }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<CosineDecayRestarts>(
            lr0, p.real("first_decay_steps"), p.real("t_mul"), p.real("m_mul"), p.real("alpha"));
    };
    c.push_back({"piecewise_constant",
                 "Piecewise constant",
                 "Keras",
                 "lr = values[i] for boundaries[i−1] < s <= boundaries[i]",
                 false,
                 false,
                 {
                     ParamSpec::list("boundaries", ParamKind::IntList)
                         .atLeast(0)
                         .about("Step counts where the lr changes (strictly increasing)."),
                     ParamSpec::list("values", ParamKind::RealList)
                         .atLeast(0)
                         .about("The lr of each interval, one more than boundaries. These values "
                                "replace the optimizer's lr."),
                 }});
    c.back().make = [](const ParamSet& p, double) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<PiecewiseConstantDecay>(p.list("boundaries"), p.list("values"));
    };
    c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                             Issues& issues) {
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
    };

    c.push_back({"step",
                 "Step decay (StepLR)",
                 "PyTorch",
                 "lr = lr0 · gamma^floor(s/step_size)",
                 false,
                 false,
                 {
                     ParamSpec::integer("step_size")
                         .atLeast(1)
                         .about("Multiply the lr by gamma every step_size steps."),
                     ParamSpec::real("gamma", 0.1).above(0).about("Multiplicative factor."),
                 }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<StepLr>(lr0, p.integer("step_size"), p.real("gamma"));
    };
    c.push_back(
        {"multistep",
         "Multi-step decay (MultiStepLR)",
         "PyTorch",
         "lr = lr0 · gamma^(number of milestones <= s)",
         false,
         false,
         {
             ParamSpec::list("milestones", ParamKind::IntList)
                 .atLeast(0)
                 .about("Steps at which the lr is multiplied by gamma (a repeated milestone "
                        "applies gamma twice)."),
             ParamSpec::real("gamma", 0.1).above(0).about("Multiplicative factor."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<MultiStepLr>(lr0, p.list("milestones"), p.real("gamma"));
    };
    c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                             Issues& issues) {
        if (hasList(p, "milestones") && p.list("milestones").empty())
            issues.emplace_back("milestones", "needs at least one milestone");
    };
    c.push_back(
        {"exponential",
         "Exponential (ExponentialLR)",
         "PyTorch",
         "lr = lr0 · gamma^s",
         false,
         false,
         {ParamSpec::real("gamma").above(0).about("Factor applied at every step (e.g. 0.99).")}});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<ExponentialLr>(lr0, p.real("gamma"));
    };
    c.push_back({"cosine",
                 "Cosine annealing (CosineAnnealingLR)",
                 "PyTorch",
                 "lr = eta_min + (lr0 − eta_min) · ½(1 + cos(π s/T_max))",
                 false,
                 false,
                 {
                     ParamSpec::integer("T_max").atLeast(1).about(
                         "Steps to go from lr0 down to eta_min (it then climbs back)."),
                     ParamSpec::real("eta_min", 0.0).atLeast(0).about("Minimum lr."),
                 }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<CosineAnnealingLr>(lr0, p.integer("T_max"), p.real("eta_min"));
    };
    c.push_back(
        {"cosine_warm_restarts",
         "Cosine with warm restarts (SGDR)",
         "PyTorch",
         "lr = eta_min + (lr0 − eta_min) · ½(1 + cos(π T_cur/T_i)), restart at T_i",
         false,
         false,
         {
             ParamSpec::integer("T_0").atLeast(1).about("Length of the first period, in steps."),
             ParamSpec::integer("T_mult", 1)
                 .atLeast(1)
                 .about("Each period is T_mult times longer than the last."),
             ParamSpec::real("eta_min", 0.0).atLeast(0).about("Minimum lr."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<CosineAnnealingWarmRestarts>(
            lr0, p.integer("T_0"), p.integer("T_mult"), p.real("eta_min"));
    };
    c.push_back(
        {"linear",
         "Linear (LinearLR)",
         "PyTorch",
         "lr = lr0 · (start_factor → end_factor linearly over total_iters)",
         false,
         false,
         {
             ParamSpec::real("start_factor", 1.0 / 3.0)
                 .above(0)
                 .atMost(1)
                 .about("Multiplier of lr0 at the first step."),
             ParamSpec::real("end_factor", 1.0)
                 .atLeast(0)
                 .atMost(1)
                 .about("Multiplier of lr0 after total_iters steps."),
             ParamSpec::integer("total_iters", 5).atLeast(1).about("Steps of the linear change."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<LinearLr>(lr0, p.real("start_factor"), p.real("end_factor"),
                                          p.integer("total_iters"));
    };
    c.push_back({"constant_lr",
                 "Constant factor (ConstantLR)",
                 "PyTorch",
                 "lr = lr0 · factor for s < total_iters, then lr0",
                 false,
                 false,
                 {
                     ParamSpec::real("factor", 1.0 / 3.0)
                         .above(0)
                         .atMost(1)
                         .about("Multiplier of lr0 during the first total_iters steps."),
                     ParamSpec::integer("total_iters", 5)
                         .atLeast(1)
                         .about("Steps during which the factor applies."),
                 }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<ConstantLr>(lr0, p.real("factor"), p.integer("total_iters"));
    };
    c.push_back(
        {"polynomial",
         "Polynomial (PolynomialLR)",
         "PyTorch",
         "lr = lr0 · (1 − s/total_iters)^power, 0 after total_iters",
         false,
         false,
         {
             ParamSpec::integer("total_iters", 5).atLeast(1).about("Steps until the lr reaches 0."),
             ParamSpec::real("power", 1.0)
                 .atLeast(0)
                 .about("Shape: 1 is a straight line to 0, 2 drops faster at first."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
        return std::make_unique<PolynomialLr>(lr0, p.integer("total_iters"), p.real("power"));
    };
    {
        ParamTable p = {
            ParamSpec::real("max_lr").above(0).about(
                "Peak lr. The lr starts at max_lr/div_factor (the optimizer's lr is ignored)."),
            ParamSpec::integer("total_steps")
                .atLeast(1)
                .about("Length of the cycle in steps (or give epochs and "
                       "steps_per_epoch).")
                .orNone(),
            ParamSpec::integer("epochs")
                .atLeast(1)
                .about("With steps_per_epoch: total_steps = epochs × steps_per_epoch.")
                .orNone(),
            ParamSpec::integer("steps_per_epoch").atLeast(1).about("Steps in one epoch.").orNone(),
            ParamSpec::real("pct_start", 0.3)
                .atLeast(0)
                .atMost(1)
                .about("Fraction of the cycle spent raising the lr."),
            ParamSpec::choice("anneal_strategy", "cos", {"cos", "linear"})
                .about("Shape of the rise and fall: cosine or straight lines."),
        };
        for (auto& s : momentumParams(0.85, 0.95))
            p.push_back(s);
        p.push_back(ParamSpec::real("div_factor", 25.0)
                        .above(0)
                        .about("Starting lr = max_lr / div_factor."));
        p.push_back(ParamSpec::real("final_div_factor", 1e4)
                        .above(0)
                        .about("Final lr = starting lr / final_div_factor."));
        p.push_back(
            ParamSpec::flag("three_phase", false)
                .about("Go back down to the starting lr symmetrically, then to the final lr."));
        c.push_back({"one_cycle", "One cycle (OneCycleLR)", "PyTorch",
                     "warm up to max_lr over pct_start, then anneal far below the start", false,
                     true, p});
        c.back().make = [](const ParamSet& p, double) -> std::unique_ptr<LrSchedule> {
            OneCycleLr::Options o;
            o.maxLr = p.real("max_lr");
            o.totalSteps = p.has("total_steps")
                               ? p.integer("total_steps")
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
        };
        c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                                 Issues& issues) {
            const bool total = p.has("total_steps");
            const bool epochs = p.has("epochs"), spe = p.has("steps_per_epoch");
            if (!total && !(epochs && spe)) {
                issues.emplace_back(epochs ? "steps_per_epoch"
                                    : spe  ? "epochs"
                                           : "total_steps",
                                    "one_cycle needs total_steps, or epochs and steps_per_epoch");
            } else if (total && (epochs || spe)) {
                issues.emplace_back(
                    epochs ? "epochs" : "steps_per_epoch",
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
                    issues.emplace_back(
                        "pct_start", "gives a first phase of zero length (pct_start × total steps "
                                     "= 1; PyTorch fails with a division by zero)");
            }
        };
    }
    {
        ParamTable p = {
            ParamSpec::real("base_lr").atLeast(0).about(
                "Lower end of the cycle; replaces the optimizer's lr."),
            ParamSpec::real("max_lr").above(0).about("Upper end of the cycle."),
            ParamSpec::integer("step_size_up", 2000)
                .atLeast(1)
                .about("Steps from base_lr up to max_lr."),
            ParamSpec::integer("step_size_down")
                .atLeast(0)
                .about("Steps from max_lr back down (default: step_size_up).")
                .orNone(),
            ParamSpec::choice("mode", "triangular", {"triangular", "triangular2", "exp_range"})
                .about("triangular: constant amplitude; triangular2: amplitude halves every cycle; "
                       "exp_range: amplitude × gamma^step."),
            ParamSpec::real("gamma", 1.0)
                .above(0)
                .atMost(1)
                .about("Per-step amplitude factor of exp_range."),
        };
        for (auto& s : momentumParams(0.8, 0.9))
            p.push_back(s);
        c.push_back({"cyclic", "Cyclical (CyclicLR)", "PyTorch",
                     "lr bounces linearly between base_lr and max_lr", false, true, p});
        c.back().make = [](const ParamSet& p, double) -> std::unique_ptr<LrSchedule> {
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
        };
        c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                                 Issues& issues) {
            if (hasReal(p, "base_lr") && hasReal(p, "max_lr") &&
                !(p.real("max_lr") > p.real("base_lr")))
                issues.emplace_back("max_lr", "must be greater than base_lr (" +
                                                  formatDouble(p.real("base_lr")) + "), got " +
                                                  formatDouble(p.real("max_lr")));
            if (hasChoice(p, "mode") && p.choice("mode") != "exp_range" &&
                differs(info, p, "gamma"))
                issues.emplace_back("gamma", "is only used with mode \"exp_range\"");
        };
    }
    c.push_back(
        {"reduce_on_plateau",
         "Reduce on plateau",
         "Keras/PyTorch",
         "lr ← max(lr · factor, min_lr) when the metric has not improved for patience steps",
         true,
         false,
         {
             ParamSpec::choice("flavor", "keras", {"keras", "torch"})
                 .about("Whose rules to follow: Keras' callback or PyTorch's scheduler (they "
                        "differ in when they reduce and how they count cooldown)."),
             ParamSpec::choice("mode", "min", {"min", "max"})
                 .about("min: the metric should go down (a loss); max: it should go up."),
             ParamSpec::real("factor", 0.1).above(0).below(1).about("New lr = lr × factor."),
             ParamSpec::integer("patience", 10)
                 .atLeast(0)
                 .about("Steps without improvement tolerated before reducing."),
             ParamSpec::real("min_delta", 1e-4)
                 .atLeast(0)
                 .about("Keras: smallest decrease (absolute) that counts as an improvement."),
             ParamSpec::real("threshold", 1e-4)
                 .atLeast(0)
                 .about("PyTorch: smallest improvement that counts (see threshold_mode)."),
             ParamSpec::choice("threshold_mode", "rel", {"rel", "abs"})
                 .about("PyTorch: rel = improvement relative to the best value, abs = absolute."),
             ParamSpec::integer("cooldown", 0)
                 .atLeast(0)
                 .about("Steps to wait after a reduction before counting again."),
             ParamSpec::real("min_lr", 0.0).atLeast(0).about("The lr never goes below this."),
             ParamSpec::real("eps", 1e-8)
                 .atLeast(0)
                 .about("PyTorch: a reduction smaller than eps is skipped."),
         }});
    c.back().make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
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
    };
    c.back().crossCheck = []([[maybe_unused]] const ScheduleInfo& info, const ParamSet& p,
                             Issues& issues) {
        const bool torch = hasChoice(p, "flavor") && p.choice("flavor") == "torch";
        if (torch) {
            if (differs(info, p, "min_delta"))
                issues.emplace_back("min_delta",
                                    "is a Keras parameter; with flavor \"torch\" use threshold "
                                    "and threshold_mode");
        } else {
            for (const char* name : {"threshold", "threshold_mode", "eps"})
                if (differs(info, p, name))
                    issues.emplace_back(name, std::string("is a PyTorch parameter; set flavor "
                                                          "to \"torch\" (Keras uses min_delta)"));
        }
    };
    return c;
}

/// `params` over the table's defaults.
ParamSet effective(const ScheduleInfo& info, const ParamSet& params) {
    ParamSet out = ParamSet::defaults(info.params);
    for (const auto& [name, value] : params.values())
        out.set(name, value);
    return out;
}

} // namespace

namespace {
std::vector<ScheduleInfo>& registry() {
    static std::vector<ScheduleInfo> catalog = [] {
        auto c = buildCatalog();
        for (auto& info : c)
            info.helpPage = "schedule-" + info.type + ".md";
        return c;
    }();
    return catalog;
}
} // namespace

const std::vector<ScheduleInfo>& scheduleCatalog() {
    return registry();
}

const ScheduleInfo* findSchedule(const std::string& type) {
    return findByType(registry(), type);
}

void registerSchedule(ScheduleInfo info) {
    if (info.type.empty() || !info.make)
        throw std::invalid_argument("registerSchedule: a schedule needs a type and a factory");
    if (info.helpPage.empty())
        info.helpPage = "schedule-" + info.type + ".md";
    upsertByType(registry(), std::move(info));
}

bool unregisterSchedule(const std::string& type) {
    return eraseByType(registry(), type);
}

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

    if (info->crossCheck)
        info->crossCheck(*info, p, issues);
    return issues;
}

std::unique_ptr<LrSchedule> makeSchedule(const std::string& type, const ParamSet& params,
                                         double lr0) {
    // (torch overwrites the optimizer's momentum when a schedule cycles it: no schedule needs the
    // optimizer's own momentum.)
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

    if (!info->make)
        throw std::invalid_argument("schedule \"" + type + "\" is listed but not built");
    return info->make(p, lr0);
}

} // namespace optiscope
