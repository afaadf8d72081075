#pragma once

#include "app/cli/plot_output.h"
#include "core/experiment/experiment.h"

#include <string>

namespace optiscope::cli {

/// Trains every run of a network experiment (twins included) and writes, into `outDir`,
/// `<slug>-steps.csv`, `<slug>-epochs.csv` (SPEC §4) and summary.json. The data is loaded and
/// checked before anything is written. With `figures.formats`, also the plots (loss, lr, accuracy,
/// eff_lr) from the epoch records. Returns the exit status.
int runNetworkExperiment(const Experiment& experiment, const std::string& experimentFile,
                         const std::string& outDir, bool quiet, const FigureRequest& figures = {});

} // namespace optiscope::cli
