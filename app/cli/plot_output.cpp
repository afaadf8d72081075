#include "app/cli/plot_output.h"

#include "app/cli/cli.h"
#include "ui/function/plot_builders.h"
#include "ui/plots/surface_plot.h"
#include "ui/study/study_figures.h"
#include "ui/teaching/offscreen_plots.h"
#include "ui/teaching/trajectory_animation.h"

#include <QApplication>
#include <QDir>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>

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

bool parseFigureOption(const std::vector<std::string>& args, std::size_t& i, FigureRequest& request,
                       std::string* error) {
    const std::string& a = args[i];
    if (a != "--plots" && a != "--size" && a != "--dpi")
        return false;
    const std::optional<std::string> v =
        i + 1 < args.size() ? std::optional<std::string>(args[++i]) : std::nullopt;
    if (a == "--plots") {
        if (!v) {
            *error = "--plots needs a list such as png,svg,pdf";
            return true;
        }
        std::stringstream ss(*v);
        std::string item;
        while (std::getline(ss, item, ',')) {
            if (item == "surface") {
                request.surface = true;
                continue;
            }
            if (item != "png" && item != "svg" && item != "pdf") {
                *error = "--plots: unknown format '" + item + "'; use png, svg, pdf or surface";
                return true;
            }
            request.formats.push_back(item);
        }
        if (request.formats.empty() && !request.surface)
            *error = "--plots needs at least one of png, svg, pdf, surface";
    } else if (a == "--size") {
        int w = 0, h = 0;
        char x = 0, extra = 0;
        if (!v || std::sscanf(v->c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 ||
            (x != 'x' && x != 'X'))
            *error = "--size must look like 1200x800";
        else if (w < 200 || h < 150 || w > 10000 || h > 10000)
            *error = "--size must be between 200x150 and 10000x10000, got " + *v;
        else {
            request.width = w;
            request.height = h;
            request.sizeGiven = true;
        }
    } else {
        char extra = 0;
        int& dpi = request.dpi;
        if (!v || std::sscanf(v->c_str(), "%d%c", &dpi, &extra) != 1 || dpi < 50 || dpi > 1200)
            *error = "--dpi must be a whole number from 50 to 1200";
    }
    return true;
}

RunTrack emptyTrack(const Experiment& experiment, const RunInstance& instance) {
    RunTrack t;
    t.instance = instance;
    t.color = runColorOf(experiment, instance.configIndex);
    t.visible = true; // the command line ignores `visible`
    return t;
}

int writeFunctionFigures(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                         const std::string& dir, const FigureRequest& request, bool quiet) {
    // The 3D view needs a windowing platform with OpenGL: with a display (Xvfb will do) the
    // figures are drawn on xcb, falling back to offscreen (where surface.png is explained away).
    std::unique_ptr<QApplication> windowed;
    if (request.surface && !QCoreApplication::instance() && qEnvironmentVariableIsSet("DISPLAY")) {
        qputenv("QT_QPA_PLATFORM", "xcb;offscreen");
        static int argc = 1;
        static char name[] = "optiscope-cli";
        static char* argv[] = {name, nullptr};
        windowed = std::make_unique<QApplication>(argc, argv);
    }
    auto app = ensureOffscreenApplication();
    QStringList written;
    QString error;
    const QString folder = QString::fromStdString(dir);
    bool ok =
        writeFunctionPlots(experiment, tracks, folder, filesOptions(request), &written, &error);
    if (ok && request.surface) {
        // The 3D view needs OpenGL, which a headless machine may not have: then say so and keep
        // the other plots (not an error).
        const QString path = QDir(folder).filePath(QStringLiteral("surface.png"));
        const MapScene scene = buildMapScene(experiment, tracks, defaultMapView(experiment));
        QString why;
        if (SurfacePlot::renderToFile(scene, QSize(request.width, request.height), path, &why))
            written.push_back(path);
        else
            std::cerr << "optiscope-cli: --plots surface: not written: " << why.toStdString()
                      << "\n";
    }
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
                        const std::string& dir, const FigureRequest& request, bool quiet,
                        const BoundarySource& boundary) {
    auto app = ensureOffscreenApplication();
    if (request.surface)
        std::cerr << "optiscope-cli: --plots surface is for function problems; not written\n";
    QStringList written;
    QString error;
    bool ok = writeNetworkPlots(experiment, tracks, QString::fromStdString(dir),
                                filesOptions(request), &written, &error);
    if (ok && boundary.data && boundary.network)
        ok = writeDecisionBoundary(
            experiment, *boundary.data, *boundary.network, QString::fromStdString(boundary.runName),
            boundary.epoch, QString::fromStdString(dir), filesOptions(request), &written, &error);
    return report(ok, error, written, quiet);
}

int writeStudyFigures(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records,
                      const std::string& dir, const FigureRequest& request, bool quiet) {
    auto app = ensureOffscreenApplication();
    if (request.surface)
        std::cerr << "optiscope-cli: --plots surface is drawn by run, not study; not written\n";
    const PlotFilesOptions o = filesOptions(request);
    QStringList written;
    QString error;
    const bool ok = writeStudyPlots(plan, records, QString::fromStdString(dir), o.formats, o.image,
                                    &written, &error);
    return report(ok, error, written, quiet);
}

} // namespace optiscope::cli
