// ui_event_loop_max_delay_ms: how late the GUI thread's event loop runs while the main window
// plays 8 runs (one per optimizer family, 10^6 steps each) at full speed, offscreen. A 1 ms
// precise timer ticks on the GUI thread; the worst lateness of a tick over the measuring window
// is the longest the window would have been frozen to the user. Measured from the moment the
// runs start playing (the window's first paint and the loading of the experiment excluded).
#include "bench/gui_workload.h"

#include "core/experiment/experiment.h"
#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/network/network_run_controller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace optiscope::bench {

double uiEventLoopMaxDelayMs(double seconds) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "optiscope-bench";
    static char* argv[] = {name, nullptr};
    static QApplication app(argc, argv);

    Experiment e;
    e.title = "8 runs at full speed";
    e.problemType = Experiment::ProblemType::Function;
    e.function.function = "rosenbrock";
    e.function.params = ParamSet::defaults(findFunction("rosenbrock")->params);
    e.function.start = Eigen::Vector2d(-1.5, 2.0);
    e.steps = 1000000;
    for (const char* type :
         {"sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam", "radam"}) {
        RunConfig run;
        run.name = type;
        run.optimizer.type = type;
        run.optimizer.params = ParamSet::defaults(findOptimizer(type)->params);
        run.optimizer.params.set("lr", 0.0005);
        e.runs.push_back(run);
    }

    // Setup, not measured: the window's first layout and paint, and the loading of the
    // experiment, whose first paint samples the function map (~250k evaluations of f, once per
    // function and view). Then every run restarts from step 0 and plays.
    MainWindow window;
    window.resize(1366, 768);
    window.controller()->setSpeed(0);
    window.show();
    // Local event loops, not QApplication::exec() and quit(): after a quit() the window's pending
    // update request could be left behind, and the map would never repaint again.
    auto runFor = [](int ms) {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    };
    auto settle = [&] { runFor(500); };
    settle();
    window.setExperiment(e, QString()); // starts playing
    window.controller()->pause();
    settle();
    window.controller()->reset();
    window.controller()->play();

    double worst = 0.0;
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    qint64 last = -1;
    double worstAt = 0.0;
    int over16 = 0;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0) {
            const double late = (now - last) / 1e6 - 1.0;
            if (late > worst) {
                worst = late;
                worstAt = last / 1e6;
            }
            if (late > 16.0)
                ++over16;
        }
        last = now;
    });
    clock.start();
    tick.start();
    runFor(static_cast<int>(seconds * 1000));
    tick.stop();
    if (qEnvironmentVariableIsSet("OPTISCOPE_BENCH_VERBOSE"))
        qInfo("ui bench: %lld steps done by run 0; worst %.1f ms at %.0f ms; %d ticks over 16 ms",
              static_cast<long long>(window.controller()->tracks().front().latest.step), worst,
              worstAt, over16);
    window.controller()->pause();
    return std::max(0.0, worst);
}

} // namespace optiscope::bench
