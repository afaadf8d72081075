// The traces of a network run (SPEC §4): `<slug>-steps.csv`, one row per update with its lr and
// mini-batch loss, and `<slug>-epochs.csv`, one row per epoch end with the lr, train/validation
// loss and accuracy, and the 5th/50th/95th percentiles of every tensor's effective learning rate.
// Written by `optiscope-cli run` as it trains and by the app's export, so both produce the same
// columns and numbers.
#pragma once

#include "core/nn/trainer.h"

#include <string>
#include <vector>

namespace optiscope::nn {

/// "step,epoch,lr,loss\n".
inline constexpr const char* kStepTraceHeader = "step,epoch,lr,loss\n";

/// One row of the step trace (with its newline).
std::string stepTraceRow(const StepRecord& record);

/// "epoch,lr,train_loss,train_acc,val_loss,val_acc,eff_lr.<tensor>.p05,...\n".
std::string epochTraceHeader(const std::vector<std::string>& tensors);

/// One row (with its newline) for a trace of `tensorCount` tensors. Missing values (NaN: no
/// validation split, regression accuracy, epoch 0's effective lr) are empty fields; numbers are
/// the shortest form that reads back exactly.
std::string epochTraceRow(const EpochRecord& record, std::size_t tensorCount);

} // namespace optiscope::nn
