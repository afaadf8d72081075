#include "app/cli/plot_output.h"

#include "app/cli/cli.h"
#include "ui/offscreen_plots.h"
#include "ui/trajectory_animation.h"

#include <QApplication>
#include <QDir>

#include <cmath>
#include <iostream>

namespace optiscope::cli {

namespace {

PlotFilesOptions filesOptions(const FigureRequest& r) {
    PlotFilesOptions o;
    for (const std::string& f : r.formats)
        o.formats.push_back(f == "png"   ? ImageFormat::Png
                            : f == "svg" ? ImageFormat::Svg
                                         : ImageFormat::Pdf);
    o.image.size = QSize(r.width, r.height);
    o.image.dpi = r.dpi;
    return o;
}

int report(bool ok, const QString& error, const QStringList& written, bool quiet) {
    if (!ok) {
        std::cerr << error.toStdString() << "\n";
        return kExitFailure;
    }
    if (!quiet)
        for (const QString& path : written)
            std::cout << "wrote " << QDir::toNativeSeparators(path).toStdString() << "\n";
    return kExitOk;
}

} // namespace

RunTrack emptyTrack(const Experiment& experiment, const RunInstance& instance) {
    RunTrack t;
    t.instance = instance;
    const RunConfig& cfg = experiment.runs[size_t(instance.configIndex)];
    t.color = cfg.color.empty() ? runColor(instance.configIndex)
                                : QColor(QString::fromStdString(cfg.color));
    t.visible = true; // the command line ignores `visible`
    return t;
}

int writeFunctionFigures(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                         const std::string& dir, const FigureRequest& request, bool quiet) {
    auto app = ensureOffscreenApplication();
    QStringList written;
    QString error;
    const QString folder = QString::fromStdString(dir);
    bool ok =
        writeFunctionPlots(experiment, tracks, folder, filesOptions(request), &written, &error);
    if (ok && request.gif) {
        AnimationOptions a;
        a.size = request.sizeGiven ? QSize(request.width, request.height) : a.size;
        a.fps = request.fps;
        a.frames = request.frames > 0
                       ? request.frames
                       : std::max(2, int(std::lround(request.seconds * request.fps)));
        const QString path = QDir(folder).filePath(QStringLiteral("trajectories.gif"));
        ok = exportTrajectoryGif(experiment, tracks, path, a, exportPalette(), &error);
        if (ok)
            written.push_back(path);
    }
    return report(ok, error, written, quiet);
}

int writeNetworkFigures(const Experiment& experiment, const std::vector<NetworkTrack>& tracks,
                        const std::string& dir, const FigureRequest& request, bool quiet) {
    auto app = ensureOffscreenApplication();
    QStringList written;
    QString error;
    const bool ok = writeNetworkPlots(experiment, tracks, QString::fromStdString(dir),
                                      filesOptions(request), &written, &error);
    return report(ok, error, written, quiet);
}

} // namespace optiscope::cli
