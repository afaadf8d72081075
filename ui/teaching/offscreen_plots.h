// Writing plots to files without a window: `optiscope-cli run --plots` and tests. Charts are drawn
// with Qt (Charts included), so a QApplication must exist; ensureOffscreenApplication() makes one
// on Qt's "offscreen" platform, which needs no display.
#pragma once

#include "core/nn/datasets.h"
#include "core/nn/network.h"
#include "ui/function/plot_builders.h"
#include "ui/network/network_charts.h"
#include "ui/plots/plot_export.h"

#include <QStringList>

#include <memory>

class QApplication;

namespace optiscope {

/// A QApplication on the offscreen platform if none exists yet (returned: keep it alive while
/// rendering), else null. Forces QT_QPA_PLATFORM=offscreen for the new application.
std::unique_ptr<QApplication> ensureOffscreenApplication();

/// The palette files are drawn with (light, as on paper).
QPalette exportPalette();

struct PlotFilesOptions {
    std::vector<ImageFormat> formats;
    ExportOptions image; ///< size, dpi
};

/// Writes DIR/<plot>.<ext> for every plot of a function experiment (trajectories, loss, lr,
/// eff_lr, eff_lr_ratio, and figure_sheet: all of them on one page) and every format. Each file is
/// written atomically. Stops at the first failure: false with `error` naming the file.
bool writeFunctionPlots(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                        const QString& dir, const PlotFilesOptions& options, QStringList* written,
                        QString* error);

/// The same for a network experiment: loss, lr, accuracy, eff_lr.
bool writeNetworkPlots(const Experiment& experiment, const std::vector<NetworkTrack>& tracks,
                       const QString& dir, const PlotFilesOptions& options, QStringList* written,
                       QString* error);

/// DIR/decision_boundary.<ext> for a toy 2-D classification set: the training points over the
/// decision boundary of `net` after `epoch` epochs of run `runName`, drawn as the window's data
/// pane draws it (nothing is written for other data sets). False with `error` on failure.
bool writeDecisionBoundary(const Experiment& experiment, const nn::DataSplit& data,
                           nn::Network<float>& net, const QString& runName, long long epoch,
                           const QString& dir, const PlotFilesOptions& options,
                           QStringList* written, QString* error);

} // namespace optiscope
