// One place that turns a run's configuration into its update rule and its learning-rate schedule:
// function runs, network runs and the GUI's lr preview all build them here.
#pragma once

#include "core/experiment/experiment.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <memory>

namespace optiscope {

/// The optimizer's lr (its catalog default when the set lacks it).
double initialLr(const OptimizerConfig& optimizer);

/// The update rule of `run`, in Scalar arithmetic.
template <typename Scalar> std::unique_ptr<UpdateRule<Scalar>> makeRunRule(const RunConfig& run);

/// An editor's new optimizer values `after` (the old ones `before`) with the dependent defaults
/// following their condition: when `convention` turns to "keras", an `eps` still at PyTorch's
/// default becomes tf.keras's 1e-7, and back; a value the user chose stays.
ParamSet followDependentDefaults(const std::string& type, const ParamSet& before, ParamSet after);

/// The schedule `run` steps, or nullptr when its lr stays constant: a no-decay twin, no
/// schedule, or the "constant" schedule. Throws std::invalid_argument on a bad schedule.
std::unique_ptr<LrSchedule> makeRunSchedule(const RunConfig& run, bool twin);

} // namespace optiscope
