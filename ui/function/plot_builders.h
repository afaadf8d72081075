// From run tracks to plot descriptions: what each plot of the app (and of `optiscope-cli run
// --plots`) shows. Series are thinned for display to a few thousand points at most.
#pragma once

#include "ui/function/run_track.h"
#include "ui/plots/plot_types.h"

#include <QPalette>
#include <QString>

#include <vector>

class QPainter;

namespace optiscope {

enum class PlotKind { Trajectories, Loss, Lr, EffLr, Ratio };

/// File stem of a plot (SPEC §5): trajectories, loss, lr, eff_lr, eff_lr_ratio.
QString plotKindName(PlotKind kind);
/// What a user reads in menus: "Function map", "Loss", ...
QString plotKindTitle(PlotKind kind);
const std::vector<PlotKind>& allPlotKinds();

MapScene buildMapScene(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                       const QRectF& view);
/// The view of the function's plot bounds (the map's "home").
QRectF defaultMapView(const Experiment& experiment);
ChartSpec buildLossChart(const Experiment& experiment, const std::vector<RunTrack>& tracks);
ChartSpec buildLrChart(const Experiment& experiment, const std::vector<RunTrack>& tracks);
/// axis 0: x, 1: y.
ChartSpec buildEffLrChart(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                          int axis);
ChartSpec buildRatioChart(const Experiment& experiment, const std::vector<RunTrack>& tracks);

/// Draw plot `kind` into `target` (any paint device). `view` is the map's world rectangle
/// (empty: the function's default bounds). EffLr draws the x and y charts side by side.
void renderPlot(PlotKind kind, const Experiment& experiment, const std::vector<RunTrack>& tracks,
                QPainter& painter, const QRectF& target, const QPalette& palette,
                const QRectF& view = QRectF());

/// Traces as CSV (SPEC §3 columns) for one track: the rows the GUI kept (every row unless the
/// budget exceeds the display cap).
QByteArray traceCsv(const RunTrack& track);

} // namespace optiscope
