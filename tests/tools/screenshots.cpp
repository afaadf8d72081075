// optiscope-screenshots: the README's screenshots, taken by the app itself. Each scene opens an
// experiment in a real main window of the given size, lets it work, and grabs the window into a
// PNG. Run it on a display (Xvfb) or on the offscreen platform:
//
//   build/tests/optiscope-screenshots OUT_DIR [--size 1366x768] [--presentation] [--scene NAME]...
//
// Scenes: explorer, moments, study-table, study-curves, study-strip, study-heatmap, study-basin,
// study-digits, function-lab (a typed ravine and its editor), surface (the same in 3D; needs
// OpenGL, e.g. Xvfb with Mesa).
#include "core/experiment/experiment_io.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/plots/surface_plot.h"
#include "ui/study/study_controller.h"
#include "ui/study/study_view.h"
#include "ui/teaching/presentation_mode.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QPainter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>

#include <cstdio>
#include <functional>
#include <map>

using namespace optiscope;

namespace {

void wait(int ms, const std::function<bool()>& until = {}) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms && !(until && until()))
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

bool openPresetFile(MainWindow& w, const QString& name) {
    QString error;
    const QString path = QStringLiteral(OPTISCOPE_SOURCE_DIR "/resources/presets/") + name;
    if (!w.openFile(path, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    return true;
}

/// Open a study preset, run it to the end into a fresh folder, show tab `tab`.
bool study(MainWindow& w, const QString& preset, int tab, const QString& folder) {
    if (!openPresetFile(w, preset))
        return false;
    w.studyController()->setOutputDir(folder);
    wait(500);
    w.studyController()->play();
    wait(600000, [&] { return w.studyController()->allFinished(); });
    wait(1500); // results and curves redrawn
    w.studyView()->tabs()->setCurrentIndex(tab);
    wait(800);
    return w.studyController()->allFinished();
}

// A ravine typed as a teacher would, with three optimizers (Adam with a pale no-decay twin).
const char* kRavine = R"({
  "title": "A ravine typed on the board",
  "problem": {"type": "function", "function": "custom",
              "expression": "(1 - x)^2 + b*(y - x^2)^2", "params": {"b": 20},
              "bounds": [[-2, 2], [-1, 3]], "minima": [[1, 1]], "start": [-1.6, 2.6]},
  "steps": 800,
  "runs": [
    {"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05},
     "schedule": {"type": "exponential_decay", "decay_steps": 200, "decay_rate": 0.5},
     "compare_without_schedule": true},
    {"name": "SGD momentum", "optimizer": {"type": "sgd", "lr": 0.002, "momentum": 0.9}},
    {"name": "RMSprop", "optimizer": {"type": "rmsprop", "lr": 0.01}}
  ]
})";

bool functionLab(MainWindow& w, bool surface) {
    const auto parsed = parseExperiment(kRavine);
    if (!parsed.experiment) {
        std::fprintf(stderr, "%s", parsed.messages("ravine").c_str());
        return false;
    }
    w.setExperiment(*parsed.experiment, QString());
    wait(8000, [&] { return w.controller()->allFinished(); });
    if (surface)
        if (auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("mapTabs")))
            tabs->setCurrentIndex(1);
    wait(1500);
    return w.controller()->allFinished();
}

/// The window as an image; an OpenGL view inside it (which grab() leaves black) rendered in.
QImage grabWindow(QWidget& w) {
    QImage shot = w.grab().toImage();
    for (auto* plot : w.findChildren<SurfacePlot*>()) {
        if (!plot->isVisible() || !plot->available())
            continue;
        QWidget* graph = plot->findChild<QWidget*>(QStringLiteral("surfaceGraph"));
        if (!graph)
            continue;
        const qreal dpr = shot.devicePixelRatio();
        const QImage view = plot->renderImage(graph->size() * dpr);
        QPainter p(&shot);
        p.drawImage(QRectF(graph->mapTo(&w, QPoint(0, 0)), QSizeF(graph->size())), view);
    }
    return shot;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("OptiScope"));
    QStandardPaths::setTestModeEnabled(true); // no settings of the user's
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        std::fprintf(stderr, "usage: optiscope-screenshots OUT_DIR [--size WxH] [--presentation] "
                             "[--scene NAME]...\n");
        return 2;
    }
    const QString out = args.takeFirst();
    QSize size(1366, 768);
    QStringList scenes;
    const bool presentation = args.removeAll(QStringLiteral("--presentation")) > 0;
    for (int i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--size")) {
            const QStringList wh = args[i + 1].split('x');
            size = QSize(wh.value(0).toInt(), wh.value(1).toInt());
        } else if (args[i] == QLatin1String("--scene")) {
            scenes << args[i + 1];
        }
    }
    QTemporaryDir work;
    auto explorer = [&](MainWindow& w, bool moments) {
        w.setExperiment(Experiment::defaultExperiment(), QString());
        wait(6000, [&] { return w.controller()->allFinished(); });
        if (moments) {
            w.showInspector();
            if (auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("inspectorTabs")))
                tabs->setCurrentIndex(1);
        }
        wait(1000);
        return true;
    };
    // A function preset run to the end, the inspector showing the last update's formula.
    auto functionPreset = [&](MainWindow& w, const QString& preset) {
        if (!openPresetFile(w, preset))
            return false;
        wait(6000, [&] { return w.controller()->allFinished(); });
        w.showInspector();
        wait(1000);
        return w.controller()->allFinished();
    };
    const std::map<QString, std::function<bool(MainWindow&)>> all = {
        {"explorer", [&](MainWindow& w) { return explorer(w, false); }},
        {"moments", [&](MainWindow& w) { return explorer(w, true); }},
        {"bias-correction",
         [&](MainWindow& w) { return functionPreset(w, "adam-bias-correction.json"); }},
        {"function-lab", [&](MainWindow& w) { return functionLab(w, false); }},
        {"surface", [&](MainWindow& w) { return functionLab(w, true); }},
        {"study-table",
         [&](MainWindow& w) {
             return study(w, "study-adam-plateau-digits.json", 0, work.filePath("digits"));
         }},
        {"study-curves",
         [&](MainWindow& w) {
             return study(w, "study-adam-plateau-digits.json", 1, work.filePath("digits"));
         }},
        {"study-strip",
         [&](MainWindow& w) {
             return study(w, "study-adam-plateau-digits.json", 2, work.filePath("digits"));
         }},
        {"study-heatmap",
         [&](MainWindow& w) {
             return study(w, "study-sensitivity-rosenbrock.json", 3, work.filePath("sens"));
         }},
        {"study-basin",
         [&](MainWindow& w) {
             return study(w, "study-basin-himmelblau.json", 3, work.filePath("basin"));
         }},
    };
    if (scenes.isEmpty())
        for (const auto& [name, f] : all)
            scenes << name;
    QDir().mkpath(out);
    int status = 0;
    for (const QString& scene : scenes) {
        auto it = all.find(scene);
        if (it == all.end()) {
            std::fprintf(stderr, "unknown scene %s\n", qPrintable(scene));
            status = 2;
            continue;
        }
        MainWindow w;
        w.presentationMode()->setOn(presentation);
        w.resize(size);
        w.show();
        wait(300);
        if (!it->second(w)) {
            std::fprintf(stderr, "%s: did not finish\n", qPrintable(scene));
            status = 1;
        }
        const QString file = QDir(out).filePath(
            scene + (presentation ? QStringLiteral("-presentation") : QString()) +
            QStringLiteral(".png"));
        grabWindow(w).save(file);
        std::printf("wrote %s\n", qPrintable(file));
    }
    return status;
}
