// Chart descriptions (ChartSpec) of a network experiment's runs: loss, accuracy, learning rate
// with plateau markers, the effective-lr quantile band of one tensor and the medians of all
// tensors. Plain functions, so the window, its exports, `optiscope-cli run --plots` and the tests
// all draw the same charts.
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
/// Median effective lr of every tensor (solid) with its 5th and 95th percentiles (dotted); log y.
/// One configured run: a colour per tensor, its no-decay twin dashed; several: shades per run.
ChartSpec networkEffLrOverviewChart(const std::vector<NetworkTrack>& tracks, long long epochs);

/// The plots `optiscope-cli run --plots` writes for a network experiment.
enum class NetworkPlotKind { Loss, Lr, Accuracy, EffLr };
/// File stem (SPEC §5): loss, lr, accuracy, eff_lr.
QString networkPlotKindName(NetworkPlotKind kind);
const std::vector<NetworkPlotKind>& allNetworkPlotKinds();
/// The chart of `kind` (EffLr: the overview of all tensors).
ChartSpec networkPlotSpec(NetworkPlotKind kind, const std::vector<NetworkTrack>& tracks,
                          long long epochs);

/// Names of the tensors the tracks report, in order.
std::vector<std::string> networkTensorNames(const std::vector<NetworkTrack>& tracks);

} // namespace optiscope
