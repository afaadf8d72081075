// Plots of a network experiment, from its epoch records (SPEC §4 epoch traces): loss, lr,
// accuracy and the effective learning rate per tensor. Used by `optiscope-cli run --plots` for
// network experiments; the window's network charts may replace these builders later.
#pragma once

#include "core/experiment/experiment.h"
#include "core/nn/trainer.h"
#include "ui/plots/plot_types.h"

#include <QColor>
#include <QPalette>
#include <QString>

#include <vector>

class QPainter;

namespace optiscope {

/// One trained run (twins included) as the plots need it.
struct NetworkRunHistory {
    RunInstance instance;
    QColor color;
    std::vector<nn::EpochRecord> epochs; ///< ascending, epoch 0 (initial parameters) first
};

enum class NetworkPlotKind { Loss, Lr, Accuracy, EffLr };

/// File stem (SPEC §5): loss, lr, accuracy, eff_lr.
QString networkPlotKindName(NetworkPlotKind kind);
const std::vector<NetworkPlotKind>& allNetworkPlotKinds();

/// Train (solid) and validation (dotted) loss per epoch.
ChartSpec buildNetworkLossChart(const std::vector<NetworkRunHistory>& runs);
/// The lr of each epoch's last update.
ChartSpec buildNetworkLrChart(const std::vector<NetworkRunHistory>& runs);
/// Train and validation accuracy in percent (empty text for regression).
ChartSpec buildNetworkAccuracyChart(const std::vector<NetworkRunHistory>& runs);
/// Median effective lr per tensor (solid) with its 5th and 95th percentiles (thin dotted lines,
/// the band); log y.
ChartSpec buildNetworkEffLrChart(const std::vector<NetworkRunHistory>& runs);

void renderNetworkPlot(NetworkPlotKind kind, const std::vector<NetworkRunHistory>& runs,
                       QPainter& painter, const QRectF& target, const QPalette& palette);

} // namespace optiscope
