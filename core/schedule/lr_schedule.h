// Learning-rate schedules, independent of the update rule: any optimizer composes with any
// schedule. A schedule is a small state machine stepped once after each update (or epoch), as
// PyTorch's lr_scheduler.step() and Keras' `optimizer.iterations` are.
#pragma once

#include "core/common/params.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

class LrSchedule {
public:
    virtual ~LrSchedule() = default;

    /// The learning rate the next update uses. Before any step() this is the lr of update 1.
    [[nodiscard]] virtual double lr() const = 0;

    /// The momentum (SGD `momentum` / Adam `betas[0]`) the next update uses, for schedules that
    /// cycle it (OneCycleLR, CyclicLR with cycle_momentum); std::nullopt otherwise.
    [[nodiscard]] virtual std::optional<double> momentum() const { return std::nullopt; }

    /// One scheduler step, after an update (or an epoch). `metric` is the watched quantity
    /// (loss or validation loss); only plateau schedules read it.
    virtual void step(double metric) = 0;

    /// True when the last step() reduced the lr because of a plateau (for markers on charts).
    [[nodiscard]] virtual bool reducedOnLastStep() const { return false; }
};

struct ScheduleInfo {
    std::string type;            ///< "exponential_decay" — the name in experiment files
    std::string title;           ///< "Exponential decay"
    std::string origin;          ///< "Keras", "TensorFlow", "PyTorch" or "Keras/PyTorch"
    std::string formula;         ///< one line, for `list` and tooltips
    bool watchesMetric = false;  ///< reduce_on_plateau
    bool cyclesMomentum = false; ///< has a cycle_momentum parameter
    ParamTable params;
    /// The schedule from a valid parameter set (defaults filled in) and the optimizer's lr.
    std::function<std::unique_ptr<LrSchedule>(const ParamSet&, double lr0)> make = nullptr;
    std::string helpPage = {}; ///< its page in resources/help ("schedule-<type>.md" if empty)
    /// Checks across parameters (a setting that would be ignored, one_cycle's lengths, ...) on
    /// a set with the defaults filled in; appends {field, reason} pairs. Optional.
    std::function<void(const ScheduleInfo&, const ParamSet&,
                       std::vector<std::pair<std::string, std::string>>&)>
        crossCheck = nullptr;
};

const std::vector<ScheduleInfo>& scheduleCatalog();
const ScheduleInfo* findSchedule(const std::string& type);
/// Adds a schedule to the catalog (or replaces the one of the same type); see registerOptimizer.
void registerSchedule(ScheduleInfo info);
/// Removes `type` from the catalog; false if it was not there.
bool unregisterSchedule(const std::string& type);

/// Cross-parameter checks a table cannot express (e.g. OneCycleLR needs total_steps or
/// epochs × steps_per_epoch). Returns {field, reason} pairs; empty when the set is valid.
std::vector<std::pair<std::string, std::string>> checkScheduleParams(const std::string& type,
                                                                     const ParamSet& params);

/// The values an editor starts a newly chosen schedule from: every default, and for the
/// parameters PyTorch or Keras require, values that fit a run of `budget` steps (or epochs) at
/// lr `lr0`: lengths a third of the budget, decay rates that end near lr0/10 (decay_rate 0.5,
/// ExponentialLR's gamma 0.1^(1/budget)), cyclic lrs from lr0/10 to lr0 — never a value that
/// drives the lr off to infinity.
ParamSet scheduleStartValues(const ScheduleInfo& info, long long budget, double lr0);

/// Build a schedule for an optimizer whose configured lr is `lr0` and whose momentum-like
/// coefficient is `momentum0` (used by schedules that cycle momentum, ignored otherwise).
/// Throws std::invalid_argument on an unknown type.
std::unique_ptr<LrSchedule> makeSchedule(const std::string& type, const ParamSet& params,
                                         double lr0);

} // namespace optiscope
