// The run worker and controller: batches arrive, stop and pause are honoured, stale generations
// are dropped, and changing one run restarts that run only.
#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/run/function_run.h"
#include "ui/app/experiment_document.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/run_recorder.h"
#include "ui/function/run_worker.h"
#include "ui/function/update_formula.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <map>
#include <memory>

using namespace optiscope;

namespace {

Experiment smallExperiment(long long steps) {
    Experiment e = Experiment::defaultExperiment();
    e.steps = steps;
    return e;
}

RunConfig runOf(const std::string& type, double lr) {
    RunConfig r;
    r.name = type;
    r.optimizer.type = type;
    r.optimizer.params = ParamSet::defaults(findOptimizer(type)->params);
    r.optimizer.params.set("lr", lr);
    return r;
}

// A worker in its own thread, shut down like the controller does.
struct TestWorkerThread {
    QThread thread;
    // Guarded: a test may quit the thread itself, after which the worker deletes itself.
    QPointer<RunWorker> worker = new RunWorker;
    TestWorkerThread() {
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::started, worker, &RunWorker::begin);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
    }
    ~TestWorkerThread() {
        if (worker)
            worker->requestStop();
        thread.quit();
        thread.wait();
    }
    void load(const Experiment& e, std::vector<RunJob> jobs) {
        auto exp = std::make_shared<const Experiment>(e);
        QMetaObject::invokeMethod(
            worker.data(), [w = worker.data(), exp, jobs]() { w->load(exp, jobs); },
            Qt::QueuedConnection);
    }
};

/// The worker's batches, received in the test's thread. A QSignalSpy on the worker would append
/// from the worker's thread while the test reads its list — a data race that ThreadSanitizer
/// reported and that crashed the test under TSan's timing; a queued connection to an object of
/// the test's thread delivers each batch where it is read.
struct BatchLog {
    QObject context;
    QList<RunBatch> batches;
    explicit BatchLog(RunWorker* worker) {
        QObject::connect(
            worker, &RunWorker::batchReady, &context,
            [this](const RunBatch& b) { batches.push_back(b); }, Qt::QueuedConnection);
    }
};

std::vector<RunJob> jobsFor(const Experiment& e, std::uint64_t firstGeneration) {
    std::vector<RunJob> jobs;
    for (const RunInstance& inst : expandRuns(e))
        jobs.push_back({firstGeneration++, inst});
    return jobs;
}

} // namespace

class TestRunWorker : public QObject {
    Q_OBJECT
private slots:
    void workerProducesBatches();
    void workerStopsOnRequest();
    void pausedWorkerHoldsStill();
    void everyOptimizerRuns_data();
    void everyOptimizerRuns();
    void inspectorFormulaHasLiveNumbers_data();
    void inspectorFormulaHasLiveNumbers();
    void staleGenerationDropped();
    void changingAHyperparameterRestartsOnlyThatRun();
    void budgetBoundsMemory();
    void displayRowsByTheStep();
    void longRunKeepsItsShape();
};

void TestRunWorker::workerProducesBatches() {
    TestWorkerThread wt;
    const Experiment e = smallExperiment(1500);
    wt.worker->setSpeed(0);
    BatchLog log(wt.worker);
    wt.load(e, jobsFor(e, 1));
    std::map<std::uint64_t, std::vector<RunSample>> rows;
    std::map<std::uint64_t, bool> finished;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&]() {
            while (!log.batches.isEmpty()) {
                const RunBatch batch = log.batches.takeFirst();
                for (const RunProgress& p : batch.runs) {
                    for (const RunSample& s : p.samples)
                        rows[p.generation].push_back(s);
                    finished[p.generation] = p.finished;
                }
            }
            return finished.size() == 2 && finished[1] && finished[2];
        }(),
        20000);
    for (std::uint64_t g : {1, 2}) {
        const auto& r = rows[g];
        QCOMPARE(r.size(), size_t(1501)); // row 0 .. row 1500, each once
        for (size_t i = 0; i < r.size(); ++i)
            QCOMPARE(r[i].step, (long long)i);
        QVERIFY(r.back().state.size() > 0);
    }
    // The twin has a constant lr, the decayed run does not.
    QCOMPARE(rows[2].back().lr, 0.1);
    QVERIFY(rows[1].back().lr < 0.1 * 0.7 * 0.7 * 0.7 * 0.7);
}

void TestRunWorker::workerStopsOnRequest() {
    TestWorkerThread wt;
    const Experiment e = smallExperiment(50'000'000); // far more than a test can wait for
    wt.worker->setSpeed(0);
    BatchLog log(wt.worker);
    wt.load(e, jobsFor(e, 1));
    QTRY_VERIFY_WITH_TIMEOUT(log.batches.size() >= 3, 5000);
    wt.worker->requestStop();
    QTest::qWait(300); // let a batch already queued arrive
    const int after = int(log.batches.size());
    QTest::qWait(500);
    QCOMPARE(int(log.batches.size()), after);
    // The loop must have left its slice: the thread quits at once.
    wt.thread.quit();
    QVERIFY(wt.thread.wait(2000));
}

void TestRunWorker::pausedWorkerHoldsStill() {
    TestWorkerThread wt;
    const Experiment e = smallExperiment(1000);
    wt.worker->setPaused(true);
    BatchLog log(wt.worker);
    wt.load(e, jobsFor(e, 1));
    QTRY_VERIFY_WITH_TIMEOUT(log.batches.size() >= 1, 5000); // row 0 is reported
    QTest::qWait(300);
    long long maxStep = 0;
    for (const RunBatch& batch : log.batches)
        for (const RunProgress& p : batch.runs)
            maxStep = std::max(maxStep, p.latest.step);
    QCOMPARE(maxStep, 0LL);
    // One single step moves every run by exactly one update.
    log.batches.clear();
    wt.worker->requestSingleStep();
    QTRY_VERIFY_WITH_TIMEOUT(log.batches.size() >= 1, 5000);
    const RunBatch b = log.batches.takeFirst();
    QCOMPARE(b.runs.size(), size_t(2));
    for (const RunProgress& p : b.runs)
        QCOMPARE(p.latest.step, 1LL);
}

void TestRunWorker::everyOptimizerRuns_data() {
    QTest::addColumn<QString>("type");
    for (const OptimizerInfo& info : optimizerCatalog())
        QTest::newRow(info.type.c_str()) << QString::fromStdString(info.type);
}

void TestRunWorker::everyOptimizerRuns() {
    QFETCH(QString, type);
    ExperimentDocument document;
    FunctionRunController controller(&document);
    Experiment e = smallExperiment(200);
    e.runs = {runOf(type.toStdString(), 1e-3)};
    controller.setSpeed(0);
    document.setExperiment(e);
    QSignalSpy failed(&controller, &FunctionRunController::failed);
    controller.play();
    QTRY_VERIFY_WITH_TIMEOUT(controller.allFinished(), 20000);
    QCOMPARE(failed.count(), 0);
    const RunTrack& t = controller.tracks().at(0);
    QCOMPARE(t.samples.size(), size_t(201));
    QVERIFY(!t.layout.tensors.empty() || !t.layout.scalars.empty());
    QVERIFY(std::isfinite(t.samples.back().effLrX));
}

void TestRunWorker::inspectorFormulaHasLiveNumbers_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("option"); // "name=value" set on top of the defaults, or empty
    QTest::addColumn<QString>("mark");   // a piece of the formula that only this variant shows
    QTest::newRow("qhm") << "qhm"
                         << "" << QString::fromUtf8("(1−ν)");
    QTest::newRow("qhadam") << "qhadam"
                            << ""
                            << "a<sub>t</sub>";
    QTest::newRow("adabelief") << "adabelief"
                               << ""
                               << "rectify";
    QTest::newRow("adabelief no rectify") << "adabelief"
                                          << "rectify=false"
                                          << "(g<sub>t</sub> −";
    QTest::newRow("yogi") << "yogi"
                          << ""
                          << "sign(";
    QTest::newRow("adam keras") << "adam"
                                << "convention=keras"
                                << "tf.keras's Adam";
    QTest::newRow("adamax keras") << "adamax"
                                  << "convention=keras"
                                  << "tf.keras's Adamax";
    QTest::newRow("adam no bias correction") << "adam"
                                             << "bias_correction=false"
                                             << "bias_correction off";
    QTest::newRow("nadam no bias correction") << "nadam"
                                              << "bias_correction=false"
                                              << "bias_correction off";
}

// The inspector's formula of each new optimizer and option shows this step's numbers: the
// effective lr the run recorded and the step it took, and no missing value.
void TestRunWorker::inspectorFormulaHasLiveNumbers() {
    QFETCH(QString, type);
    QFETCH(QString, option);
    QFETCH(QString, mark);
    ExperimentDocument document;
    FunctionRunController controller(&document);
    Experiment e = smallExperiment(8);
    e.runs = {runOf(type.toStdString(), 1e-3)};
    if (!option.isEmpty()) {
        const QStringList kv = option.split('=');
        ParamValue v = kv[1] == "false" ? ParamValue(false) : ParamValue(kv[1].toStdString());
        e.runs[0].optimizer.params.set(kv[0].toStdString(), v);
    }
    controller.setSpeed(0);
    document.setExperiment(e);
    controller.play();
    QTRY_VERIFY_WITH_TIMEOUT(controller.allFinished(), 20000);
    const RunTrack& t = controller.tracks().at(0);
    QCOMPARE(t.samples.size(), size_t(9));
    const RunSample& s = t.samples[7];
    const FormulaText f = updateFormula(e.runs[0].optimizer, t.layout, s, &t.samples[6]);
    QVERIFY2(f.symbolic.contains(mark), qPrintable(f.symbolic));
    QVERIFY2(!f.numbers.contains(QString::fromUtf8("—")), qPrintable(f.numbers));
    const QString eff = QString::number(s.effLrX, 'g', 4);
    const QString step = QString::number(s.x - t.samples[6].x, 'g', 4);
    QVERIFY2(f.numbers.contains(eff) || type == "qhm", qPrintable(f.numbers + " lacks " + eff));
    QVERIFY2(f.numbers.contains(step), qPrintable(f.numbers + " lacks " + step));
    QVERIFY(!f.windows.isEmpty());
}

void TestRunWorker::staleGenerationDropped() {
    ExperimentDocument document;
    FunctionRunController controller(&document);
    document.setExperiment(smallExperiment(100));
    QSignalSpy updated(&controller, &FunctionRunController::tracksUpdated);
    QTRY_VERIFY_WITH_TIMEOUT(updated.count() >= 1, 5000); // row 0 of each run
    const auto before = controller.tracks();
    updated.clear();

    RunBatch stale;
    RunProgress p;
    p.generation = 987654; // never handed out
    p.samples.push_back(RunSample{});
    p.latest.step = 42;
    stale.runs.push_back(p);
    controller.acceptBatch(stale);
    QCOMPARE(updated.count(), 0);
    for (size_t i = 0; i < before.size(); ++i) {
        QCOMPARE(controller.tracks()[i].samples.size(), before[i].samples.size());
        QCOMPARE(controller.tracks()[i].latest.step, before[i].latest.step);
    }

    // After a reset, batches of the old generations are stale too.
    const std::uint64_t old = controller.tracks()[0].generation;
    controller.reset();
    QVERIFY(controller.tracks()[0].generation != old);
    RunBatch late;
    RunProgress q;
    q.generation = old;
    q.latest.step = 99;
    RunSample s;
    s.step = 99;
    q.samples.push_back(s);
    late.runs.push_back(q);
    controller.acceptBatch(late);
    for (const RunSample& row : controller.tracks()[0].samples)
        QVERIFY(row.step != 99);
}

void TestRunWorker::changingAHyperparameterRestartsOnlyThatRun() {
    ExperimentDocument document;
    FunctionRunController controller(&document);
    Experiment e = smallExperiment(300);
    e.runs = {runOf("adam", 0.05), runOf("sgd", 1e-3)};
    controller.setSpeed(0);
    document.setExperiment(e);
    controller.play();
    QTRY_VERIFY_WITH_TIMEOUT(controller.allFinished(), 20000);
    const RunTrack adamBefore = controller.tracks()[0];
    const RunTrack sgdBefore = controller.tracks()[1];
    QCOMPARE(adamBefore.samples.size(), size_t(301));

    RunConfig sgd = controller.experiment().runs[1];
    sgd.optimizer.params.set("lr", 2e-3);
    document.setRun(1, sgd);
    // Run 0 untouched: same generation, same rows; run 1 starts over under a new generation.
    QCOMPARE(controller.tracks()[0].generation, adamBefore.generation);
    QCOMPARE(controller.tracks()[0].samples.size(), size_t(301));
    QVERIFY(controller.tracks()[1].generation != sgdBefore.generation);
    QVERIFY(controller.tracks()[1].samples.empty());

    controller.play();
    QTRY_VERIFY_WITH_TIMEOUT(
        controller.tracks()[1].finished && controller.tracks()[1].samples.size() == 301, 20000);
    QCOMPARE(controller.tracks()[0].generation, adamBefore.generation);
    const RunTrack& adamAfter = controller.tracks()[0];
    for (size_t i = 0; i < adamAfter.samples.size(); ++i) {
        QCOMPARE(adamAfter.samples[i].x, adamBefore.samples[i].x);
        QCOMPARE(adamAfter.samples[i].y, adamBefore.samples[i].y);
    }
    // The sgd run really changed: twice the lr moves it differently.
    QVERIFY(controller.tracks()[1].samples.back().x != sgdBefore.samples.back().x);

    // Cosmetic changes (name, colour) restart nothing.
    RunConfig renamed = controller.experiment().runs[0];
    renamed.name = "Adam, renamed";
    renamed.color = "#123456";
    const std::uint64_t g0 = controller.tracks()[0].generation;
    document.setRun(0, renamed);
    QCOMPARE(controller.tracks()[0].generation, g0);
    QCOMPARE(controller.tracks()[0].samples.size(), size_t(301));
}

void TestRunWorker::budgetBoundsMemory() {
    // 10^6 steps: the GUI keeps the display rows (at most about 29,000), not 10^6 per run.
    ExperimentDocument document;
    FunctionRunController controller(&document);
    Experiment e = smallExperiment(1'000'000);
    controller.setSpeed(0);
    document.setExperiment(e);
    controller.play();
    QTRY_VERIFY_WITH_TIMEOUT(controller.allFinished(), 120000);
    const long long rows = displayRowCount(1'000'000);
    QVERIFY2(rows > 10'000 && rows < 14'000, qPrintable(QString::number(rows)));
    for (const RunTrack& t : controller.tracks()) {
        // + the distance rows (at most 2,048 per doubling above 4,096: 8 doublings), the last
        // row and lr cuts
        QVERIFY2(t.samples.size() <= std::size_t(rows) + 8 * 2048 + 1 + 64,
                 qPrintable(QString::number(t.samples.size())));
        QCOMPARE(t.samples.back().step, 1'000'000LL);
        QCOMPARE(t.samples.front().step, 0LL);
        long long ruleRows = 0; // every row of the step rule is there
        for (const RunSample& r : t.samples)
            ruleRows += isDisplayRow(r.step);
        QCOMPARE(ruleRows, rows);
    }
}

// The rule, against counting by hand: every step to 4,096, then 1,024 rows per doubling.
void TestRunWorker::displayRowsByTheStep() {
    for (long long s = 0; s < 4096; ++s)
        QVERIFY(isDisplayRow(s));
    QVERIFY(isDisplayRow(4096) && !isDisplayRow(4097) && !isDisplayRow(4098) &&
            !isDisplayRow(4099) && isDisplayRow(4100)); // every 4th in [4096, 8192)
    QVERIFY(isDisplayRow(8192) && !isDisplayRow(8196) && isDisplayRow(8200)); // every 8th
    QVERIFY(isDisplayRow(1LL << 40) && !isDisplayRow((1LL << 40) + (1LL << 29)) &&
            isDisplayRow((1LL << 40) + (1LL << 30)));
    for (long long n :
         {0LL, 1LL, 4095LL, 4096LL, 4099LL, 4100LL, 8191LL, 8192LL, 100'000LL, 1'000'003LL}) {
        long long count = 0;
        for (long long s = 0; s <= n; ++s)
            count += isDisplayRow(s);
        QCOMPARE(displayRowCount(n), count);
    }
    // 10^8 steps: 4,096 + 14 whole doublings (2^12 .. 2^26) + (10^8 - 2^26) / 2^16 + 1 rows.
    QCOMPARE(displayRowCount(100'000'000),
             4096LL + 14 * 1024 + (100'000'000LL - (1LL << 26)) / (1LL << 16) + 1);
}

// A run of 10^7 steps keeps its shape: the path through the kept rows (what the map draws and
// the charts bucket) passes within two pixels of a 1,000-pixel map of every one of the 10^7
// points (Adam at a constant lr keeps jittering around the minimum; the distance rows keep the
// rest within half a pixel) — the first 4,096 steps, where Adam moves most, are all there.
// Keeping every 2,048th step, the rule before, drew a straight line from the start to step 2,048.
void TestRunWorker::longRunKeepsItsShape() {
    Experiment e = smallExperiment(10'000'000);
    e.function.noise.reset(); // a noisy run is a random walk: no 10^-4 of it is its shape
    e.runs.resize(1);
    e.runs[0] = runOf("adam", 0.01);
    const std::vector<RunTrack> tracks = recordExperiment(e);
    QCOMPARE(tracks.size(), std::size_t(1));
    const std::vector<RunSample>& kept = tracks[0].samples;
    QVERIFY2(kept.size() <= std::size_t(displayRowCount(10'000'000)) + 1 + 2048 * 12,
             qPrintable(QString::number(kept.size())));
    QCOMPARE(kept.back().step, 10'000'000LL);
    const FunctionInfo* fn = findFunction(e.function.function);
    QVERIFY(fn);
    const double width =
        std::max(fn->bounds.xMax - fn->bounds.xMin, fn->bounds.yMax - fn->bounds.yMin);
    FunctionRun run(e, expandRuns(e)[0]);
    std::size_t k = 0;
    double worst = 0;
    // The rule before: every 2,048th step (10^7 / 8,192 rounded up to a power of two).
    Eigen::Vector2d oldFrom = run.current().point, oldTo = oldFrom;
    std::vector<Eigen::Vector2d> oldPending;
    double oldWorst = 0;
    auto distance = [](const Eigen::Vector2d& a, const Eigen::Vector2d& b,
                       const Eigen::Vector2d& p) {
        const Eigen::Vector2d ab = b - a, ap = p - a;
        const double t =
            ab.squaredNorm() > 0 ? std::clamp(ap.dot(ab) / ab.squaredNorm(), 0.0, 1.0) : 0.0;
        return (ap - t * ab).norm();
    };
    while (run.advance()) {
        const FunctionStep& cur = run.current();
        while (k + 1 < kept.size() && kept[k + 1].step < cur.step)
            ++k;
        if (k + 1 >= kept.size())
            break;
        worst = std::max(
            worst, distance({kept[k].x, kept[k].y}, {kept[k + 1].x, kept[k + 1].y}, cur.point));
        if (cur.step <= 2048) { // the old path's first segment: start to step 2,048
            if (cur.step < 2048)
                oldPending.push_back(cur.point);
            else
                oldTo = cur.point;
        }
    }
    for (const auto& p : oldPending)
        oldWorst = std::max(oldWorst, distance(oldFrom, oldTo, p));
    QCOMPARE(run.current().step, 10'000'000LL);
    qInfo("%zu rows kept of 10^7; farthest point from the drawn path: %g (map width %g; "
          "every 2,048th step: %g)",
          kept.size(), worst, width, oldWorst);
    QVERIFY2(worst <= width / 500, qPrintable(QStringLiteral("%1 of %2").arg(worst).arg(width)));
    QVERIFY(oldWorst > width / 20); // what the straight line from the start used to hide
}

QTEST_MAIN(TestRunWorker)
#include "tst_run_worker.moc"
