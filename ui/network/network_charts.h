// Chart descriptions (ChartSpec) of a network experiment's runs: loss, accuracy, learning rate
// with plateau markers, and the effective-lr quantile band of one tensor. Plain functions so the
// view, an export and the tests build the same charts.
#pragma once

#include "core/experiment/experiment.h"
#include "core/nn/trainer.h"
#include "ui/plots/plot_types.h"

#include <QColor>
#include <QString>

#include <string>
#include <vector>

namespace optiscope {

/// What the GUI keeps of one network run: its epoch records as they arrive.
struct NetworkTrack {
    RunInstance instance;
    QColor color;
    std::vector<nn::EpochRecord> epochs;
    long long steps = 0;
    bool finished = false;
    bool diverged = false;
    long long divergedAt = 0;
    QString error;
    [[nodiscard]] QString statusText() const;
};

/// Tracks for `experiment`'s runs (twins after their original), with their colours.
std::vector<NetworkTrack> makeNetworkTracks(const Experiment& experiment);

/// Train (solid) and validation (dotted) loss per epoch; twins dashed.
ChartSpec networkLossChart(const std::vector<NetworkTrack>& tracks, long long epochs);
/// Train and validation accuracy (%); an empty chart with a note for regression.
ChartSpec networkAccuracyChart(const std::vector<NetworkTrack>& tracks, long long epochs);
/// lr of each epoch's last update (log scale), with a marker where a plateau schedule cut it.
ChartSpec networkLrChart(const std::vector<NetworkTrack>& tracks, long long epochs);
/// Effective per-parameter lr of `tensor`: a p05–p95 band and the p50 line per run (log scale).
ChartSpec networkEffLrChart(const std::vector<NetworkTrack>& tracks, const std::string& tensor,
                            long long epochs);
/// Names of the tensors the tracks report, in order.
std::vector<std::string> networkTensorNames(const std::vector<NetworkTrack>& tracks);

} // namespace optiscope
