// Benchmark (not a test): the GUI thread's worst event-loop delay while 8 runs of 10^6 steps play
// at full speed in the main window. A 5 ms timer measures how late it fires.
//   QT_QPA_PLATFORM=offscreen build/tests/bench_event_loop
#include "core/optim/update_rule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/network/network_run_controller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

using namespace optiscope;

namespace {

// Times every event dispatch, to name the slowest receivers (nested dispatches count twice).
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override {
        QElapsedTimer t;
        t.start();
        const bool result = QApplication::notify(receiver, event);
        const double ms = t.nsecsElapsed() / 1e6;
        if (ms > 20) {
            const QString name = QString::fromLatin1(receiver->metaObject()->className()) +
                                 QStringLiteral(" event %1").arg(int(event->type()));
            auto& worst = slowest[name];
            worst = std::max(worst, ms);
        }
        return result;
    }
    std::map<QString, double> slowest;
};

} // namespace

int main(int argc, char* argv[]) {
    TimedApplication app(argc, argv);
    QApplication::setOrganizationName("OptiScopeBench");
    Experiment e = Experiment::defaultExperiment();
    e.steps = 1'000'000;
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
    window.resize(1600, 1000);
    window.show();
    window.setExperiment(e, QString());
    window.controller()->setSpeed(0);
    window.controller()->play();

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
    QElapsedTimer wall;
    wall.start();
    QTimer done;
    QObject::connect(&done, &QTimer::timeout, [&]() {
        if (window.controller()->allFinished() || wall.elapsed() > 120000)
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
