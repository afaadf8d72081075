// Benchmark (not a test): the GUI thread's worst event-loop delay while 8 runs of 10^6 steps play
// at full speed in the main window, from Play to their end (the window has opened and settled
// first). A 5 ms timer measures how late it fires.
//   QT_QPA_PLATFORM=offscreen build/tests/bench_event_loop [--steps N] [--size WxH] [--trace]
// --trace lists every GUI-thread dispatch over 8 ms as it happens (nested ones indented).
#include "core/optim/update_rule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/network/network_run_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <vector>

using namespace optiscope;

namespace {

/// This thread's CPU time: a dispatch's own cost, without the time other processes took the core.
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Times every event dispatch on the GUI thread, to name the slowest receivers (nested dispatches
// count twice). The run workers' own events are not the GUI's business.
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override {
        if (QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        // The receiver may be gone after its event (a single-shot timer): name it first.
        const char* name = receiver->metaObject()->className();
        const char* parentName =
            receiver->parent() ? receiver->parent()->metaObject()->className() : "-";
        const int type = int(event->type());
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        ++depth;
        const bool result = QApplication::notify(receiver, event);
        --depth;
        const double ms = t.nsecsElapsed() / 1e6;
        if (trace && ms > 8)
            std::printf("%*s%6lld ms  %s < %s, event %d: %.1f ms (CPU %.1f ms)\n", 2 * depth, "",
                        since.elapsed(), name, parentName, type, ms, threadCpuMs() - cpu0);
        if (ms > 16) {
            auto& worst =
                slowest[QString::fromLatin1(name) + QStringLiteral(" event %1").arg(type)];
            worst = std::max(worst, ms);
        }
        return result;
    }
    std::map<QString, double> slowest;
    bool trace = false;
    int depth = 0;
    QElapsedTimer since;
};

} // namespace

int main(int argc, char* argv[]) {
    TimedApplication app(argc, argv);
    QApplication::setOrganizationName("OptiScopeBench");
    QCommandLineParser cli;
    cli.addHelpOption();
    const QCommandLineOption stepsOption("steps", "Steps per run (default 1000000).", "N",
                                         "1000000");
    const QCommandLineOption sizeOption("size", "Window size (default 1600x1000).", "WxH",
                                        "1600x1000");
    const QCommandLineOption traceOption("trace", "List every GUI dispatch over 8 ms.");
    cli.addOptions({stepsOption, sizeOption, traceOption});
    cli.process(app);
    const QStringList size = cli.value(sizeOption).split('x');
    app.trace = cli.isSet(traceOption);
    app.since.start();
    Experiment e = Experiment::defaultExperiment();
    e.steps = cli.value(stepsOption).toLongLong();
    const char* types[] = {"adam", "sgd", "rmsprop", "adamw"};
    for (int i = 1; i < 4; ++i) {
        RunConfig r = e.runs[0];
        r.name = std::string(types[i]) + " run";
        r.optimizer.type = types[i];
        r.optimizer.params = ParamSet::defaults(findOptimizer(types[i])->params);
        r.optimizer.params.set("lr", 1e-3);
        r.color.clear();
        e.runs.push_back(r); // each with its twin: 8 runs
    }
    MainWindow window;
    window.resize(size.value(0).toInt(), size.value(1).toInt());
    window.setExperiment(e, QString());
    window.controller()->setSpeed(0);
    window.show();
    // The window opens and settles (its first layout and paint, the map's field) as it does
    // before a user presses Play; then the runs play and the probe measures.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    if (app.trace)
        std::printf("--- play\n");

    std::vector<double> lateness;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&]() {
        const qint64 now = clock.nsecsElapsed();
        lateness.push_back((now - last) / 1e6 - 5.0);
        last = now;
    });
    probe.start(5);
    app.slowest.clear();
    window.controller()->play();
    QElapsedTimer wall;
    wall.start();
    QTimer done;
    QObject::connect(&done, &QTimer::timeout, [&]() {
        if (window.controller()->allFinished() || wall.elapsed() > 300000)
            app.quit();
    });
    done.start(100);
    app.exec();
    std::sort(lateness.begin(), lateness.end());
    const auto pct = [&](double p) {
        return lateness.empty() ? 0.0 : lateness[size_t(p * double(lateness.size() - 1))];
    };
    std::printf("runs: %zu x %lld steps, wall %.1f s, finished: %s\n",
                window.controller()->tracks().size(), e.steps, wall.elapsed() / 1000.0,
                window.controller()->allFinished() ? "yes" : "no");
    std::printf("event-loop delay over a 5 ms timer: median %.2f ms, p99 %.2f ms, worst %.2f ms\n",
                pct(0.5), pct(0.99), lateness.empty() ? 0.0 : lateness.back());
    size_t rows = 0;
    for (const RunTrack& t : window.controller()->tracks())
        rows = std::max(rows, t.samples.size());
    std::printf("rows kept per run: at most %zu\n", rows);
    for (const auto& [name, ms] : app.slowest)
        std::printf("  slow dispatch: %-50s %.1f ms\n", qPrintable(name), ms);
    return 0;
}
