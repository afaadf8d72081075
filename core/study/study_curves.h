// Curves of a study's configurations: each job's trace read back (the step trace of a function
// run, the epoch trace of a network run) and averaged over the repeats, point by point.
#pragma once

#include "core/study/study_plan.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

/// One job's trace as columns: x (step or epoch) and every other column by its header name
/// (function: loss, lr, eff_lr_x, ...; network: train_loss, val_acc, eff_lr.dense1.weight.p50...).
struct JobCurves {
    std::vector<double> x;
    std::map<std::string, std::vector<double>> columns; ///< NaN where a cell is empty
};

/// Reads the trace of `job` (nullopt with `error` if it has none: `--traces none`, or not done).
std::optional<JobCurves> readJobCurves(const StudyPlan& plan, const StudyJob& job,
                                       const std::string& studyDir, std::string* error = nullptr);

/// A column averaged over repeats at each x that any repeat has.
struct MeanCurve {
    std::vector<double> x;
    std::vector<double> mean;
    std::vector<double> std; ///< sample std (NaN where fewer than two repeats have a value)
    std::vector<int> n;
};

/// The repeats of one configuration (cell, run) and their means.
struct ConfigCurves {
    std::size_t cell = 0;
    std::size_t instance = 0;
    std::vector<JobCurves> repeats; ///< those with a trace
    /// The mean of `column` (empty if no repeat has it).
    [[nodiscard]] MeanCurve mean(const std::string& column) const;
    /// The column names the repeats have.
    [[nodiscard]] std::vector<std::string> columns() const;
};

ConfigCurves readConfigCurves(const StudyPlan& plan, std::size_t cell, std::size_t instance,
                              const std::string& studyDir);

} // namespace optiscope
