#include "ui/teaching/offscreen_plots.h"

#include "ui/network/network_preview.h"
#include "ui/network/network_worker.h"
#include "ui/plots/line_chart.h"
#include "ui/teaching/figure_sheet.h"

#include <QApplication>
#include <QDir>
#include <QStyle>

namespace optiscope {

std::unique_ptr<QApplication> ensureOffscreenApplication() {
    if (QCoreApplication::instance())
        return nullptr;
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "optiscope-cli";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QApplication>(argc, argv);
}

QPalette exportPalette() {
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance()); app && app->style())
        return app->style()->standardPalette();
    return QPalette(Qt::black, Qt::white);
}

namespace {

template <typename Paint>
bool writeOne(const QString& dir, const QString& stem, const QString& title,
              const PlotFilesOptions& options, Paint&& paint, QStringList* written,
              QString* error) {
    for (ImageFormat format : options.formats) {
        const QString path =
            QDir(dir).filePath(stem + QLatin1Char('.') + imageFormatSuffix(format));
        ExportOptions o = options.image;
        o.title = title;
        if (!exportPlot(paint, path, format, o, error))
            return false;
        if (written)
            written->push_back(path);
    }
    return true;
}

} // namespace

bool writeFunctionPlots(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                        const QString& dir, const PlotFilesOptions& options, QStringList* written,
                        QString* error) {
    const QPalette palette = exportPalette();
    for (PlotKind kind : allPlotKinds()) {
        auto paint = [&](QPainter& p, const QRectF& target) {
            renderPlot(kind, experiment, tracks, p, target, palette);
        };
        if (!writeOne(dir, plotKindName(kind), plotKindTitle(kind), options, paint, written, error))
            return false;
    }
    auto sheet = [&](QPainter& p, const QRectF& target) {
        renderFigureSheet(experiment, tracks, p, target, palette);
    };
    PlotFilesOptions sheetOptions = options;
    // A page: at least 1600 wide, 16:10 unless the user chose a wider size.
    sheetOptions.image.size = options.image.size.expandedTo(QSize(1600, 1000));
    return writeOne(dir, QStringLiteral("figure_sheet"), QStringLiteral("Figure sheet"),
                    sheetOptions, sheet, written, error);
}

bool writeNetworkPlots(const Experiment& experiment, const std::vector<NetworkTrack>& tracks,
                       const QString& dir, const PlotFilesOptions& options, QStringList* written,
                       QString* error) {
    const QPalette palette = exportPalette();
    for (NetworkPlotKind kind : allNetworkPlotKinds()) {
        auto paint = [&](QPainter& p, const QRectF& target) {
            LineChart::render(networkPlotSpec(kind, tracks, experiment.network.epochs), p, target,
                              palette);
        };
        if (!writeOne(dir, networkPlotKindName(kind), networkPlotKindName(kind), options, paint,
                      written, error))
            return false;
    }
    return true;
}

bool writeDecisionBoundary(const Experiment& experiment, const nn::DataSplit& data,
                           nn::Network<float>& net, const QString& runName, long long epoch,
                           const QString& dir, const PlotFilesOptions& options,
                           QStringList* written, QString* error) {
    const NetworkDataPreview preview = makeNetworkDataPreview(data, experiment.network);
    if (!preview.is2d)
        return true;
    NetworkPreview pane;
    pane.setPreview(preview);
    pane.setBoundary(decisionBoundaryImage(net, data, experiment.network.model.extraFeatures,
                                           preview.plane, NetworkWorker::boundaryGrid),
                     epoch);
    pane.setBoundaryRun(runName);
    const QPalette palette = exportPalette();
    auto paint = [&](QPainter& p, const QRectF& target) { pane.paint(p, target, palette); };
    return writeOne(dir, QStringLiteral("decision_boundary"), pane.boundaryCaption(), options,
                    paint, written, error);
}

} // namespace optiscope
