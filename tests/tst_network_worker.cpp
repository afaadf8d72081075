// The network worker trains in its own thread: it delivers every epoch of every run (and twin) in
// generation-tagged batches, sends decision-boundary images that change as the network learns,
// stops on request, and reports a broken data path as an error naming it.
#include "core/experiment/experiment_io.h"
#include "ui/network/network_worker.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cmath>
#include <map>

using namespace optiscope;

namespace {

/// Like QSignalSpy, but recording in the test's thread through a queued connection: a
/// QSignalSpy on the worker (another thread) appends from that thread while the test reads its
/// list, a data race (ThreadSanitizer found the same pattern crashing tst_run_worker).
class QueuedSpy : public QList<QList<QVariant>> {
public:
    template <typename Obj, typename... Args> QueuedSpy(Obj* sender, void (Obj::*signal)(Args...)) {
        QObject::connect(
            sender, signal, &m_context,
            [this](Args... args) { append(QList<QVariant>{QVariant::fromValue(args)...}); },
            Qt::QueuedConnection);
    }

private:
    QObject m_context;
};

std::shared_ptr<const Experiment> spirals(long long epochs, long long samples,
                                          const std::string& extraDataset = {}) {
    const std::string dataset = extraDataset.empty()
                                    ? R"({"name": "spirals", "samples": )" +
                                          std::to_string(samples) + R"(, "noise": 0.05, "seed": 3})"
                                    : extraDataset;
    const std::string json = R"({"format": "optiscope-experiment", "version": 1,
      "problem": {"type": "network", "dataset": )" +
                             dataset + R"(,
        "validation_split": 0.2,
        "model": {"architecture": "mlp", "hidden": [16, 16], "activation": "tanh"},
        "loss": "cross_entropy", "batch_size": 16, "epochs": )" +
                             std::to_string(epochs) + R"(, "seed": 1},
      "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.01},
                "schedule": {"type": "step", "step_size": 3000, "gamma": 0.5},
                "compare_without_schedule": true}]})";
    const ExperimentParseResult r = parseExperiment(json);
    if (!r.ok())
        qFatal("%s", r.messages("test").c_str());
    return std::make_shared<const Experiment>(*r.experiment);
}

/// A worker in its own thread, as the view runs it.
struct Harness {
    QThread thread;
    NetworkWorker* worker = new NetworkWorker;
    Harness() {
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::started, worker, &NetworkWorker::begin);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    }
    void start(std::shared_ptr<const Experiment> e, quint64 generation, const QString& dir = {}) {
        QMetaObject::invokeMethod(
            worker, [w = worker, e, generation, dir]() { w->load(e, dir, generation); },
            Qt::QueuedConnection);
        thread.start();
    }
    bool stop() {
        worker->requestStop();
        thread.quit();
        return thread.wait(10000);
    }
    ~Harness() {
        if (thread.isRunning())
            stop();
    }
};

double imageDifference(const QImage& a, const QImage& b) {
    if (a.size() != b.size())
        return 1e9;
    double sum = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            sum += std::abs(qRed(p) - qRed(q)) + std::abs(qGreen(p) - qGreen(q)) +
                   std::abs(qBlue(p) - qBlue(q));
        }
    return sum / (a.width() * a.height());
}

} // namespace

class TestNetworkWorker : public QObject {
    Q_OBJECT
private slots:
    void trainsSpiralsInEpochBatches();
    void stopsOnRequest();
    void reportsBrokenDataPath_data();
    void reportsBrokenDataPath();
    void refusesWhatExceedsTheMemoryBudget();
};

void TestNetworkWorker::trainsSpiralsInEpochBatches() {
    const long long epochs = 300;
    Harness h;
    QueuedSpy data(h.worker, &NetworkWorker::dataReady);
    QueuedSpy boundaries(h.worker, &NetworkWorker::boundaryReady);
    std::map<int, std::vector<nn::EpochRecord>> got;
    std::map<int, bool> finished;
    int batches = 0;
    bool foreignGeneration = false;
    // The receiver dies with this function, and with it any batch still queued for it (the
    // lambda holds references to this function's locals).
    QObject receiver;
    QObject::connect(h.worker, &NetworkWorker::batchReady, &receiver, [&](const NetworkBatch& b) {
        ++batches;
        foreignGeneration = foreignGeneration || b.generation != 7;
        for (const NetworkRunProgress& p : b.runs) {
            got[p.index].insert(got[p.index].end(), p.epochs.begin(), p.epochs.end());
            QVERIFY(p.error.isEmpty());
            finished[p.index] = p.finished;
        }
    });
    h.start(spirals(epochs, 500), 7);
    QTRY_VERIFY_WITH_TIMEOUT(finished[0] && finished[1], 60000);
    QVERIFY(!foreignGeneration);
    QVERIFY2(batches >= 2, qPrintable(QString::number(batches))); // in slices, not all at the end
    QCOMPARE(data.count(), 1);
    const auto preview = data.first().at(1).value<NetworkDataPreview>();
    QVERIFY(preview.is2d);
    QCOMPARE(preview.points.size(), 400); // 80 % of 500 for training
    QCOMPARE(preview.classNames.size(), 2);
    for (int run : {0, 1}) {
        const auto& records = got[run];
        QCOMPARE(records.size(), size_t(epochs + 1)); // epoch 0 and every epoch, once, in order
        for (size_t i = 0; i < records.size(); ++i)
            QCOMPARE(records[i].epoch, (long long)i);
        QVERIFY(records.back().effLr.size() == 6); // 3 dense layers × (weight, bias)
        // Training separates the spirals far better than it started (≈ chance, 50 %).
        const double before = records.front().trainAccuracy, after = records.back().trainAccuracy;
        qInfo("run %d: train accuracy %.3f -> %.3f", run, before, after);
        QVERIFY2(after > 0.75 && after > before + 0.15,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QVERIFY2(records.back().trainLoss < 0.8 * records.front().trainLoss,
                 qPrintable(QStringLiteral("%1 -> %2")
                                .arg(records.front().trainLoss)
                                .arg(records.back().trainLoss)));
    }
    // The schedule halved the lr every 3000 updates; the twin kept 0.01.
    QVERIFY(got[0].back().lr < 0.01 * 0.5);
    QCOMPARE(got[1].back().lr, 0.01);

    // Boundary images: at least two, of the grid size, and the last one differs from the first
    // (the decision boundary moved while the network learned).
    QVERIFY(boundaries.count() >= 2);
    const QImage first = boundaries.first().at(1).value<QImage>();
    const QImage last = boundaries.last().at(1).value<QImage>();
    QCOMPARE(first.size(), QSize(NetworkWorker::boundaryGrid, NetworkWorker::boundaryGrid));
    QCOMPARE(boundaries.last().at(2).toLongLong(), epochs);
    QVERIFY2(imageDifference(first, last) > 5.0,
             qPrintable(QString::number(imageDifference(first, last))));
    QVERIFY(h.stop());
}

void TestNetworkWorker::stopsOnRequest() {
    Harness h;
    bool anyFinished = false;
    int batches = 0;
    // The receiver dies with this function, and with it any batch still queued for it (the
    // lambda holds references to this function's locals).
    QObject receiver;
    QObject::connect(h.worker, &NetworkWorker::batchReady, &receiver, [&](const NetworkBatch& b) {
        ++batches;
        for (const NetworkRunProgress& p : b.runs)
            anyFinished = anyFinished || p.finished;
    });
    h.start(spirals(100000, 2000), 1);
    QTRY_VERIFY_WITH_TIMEOUT(batches >= 2, 30000);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(h.stop());
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!anyFinished);
}

void TestNetworkWorker::reportsBrokenDataPath_data() {
    QTest::addColumn<QString>("dataset");
    QTest::addColumn<QString>("named"); // what the message must name
    QTest::newRow("missing mnist folder") << R"({"name": "mnist", "path": "no-such-mnist-folder"})"
                                          << "no-such-mnist-folder";
    QTest::newRow("missing cifar10 folder") << R"({"name": "cifar10", "path": "no-such-cifar"})"
                                            << "no-such-cifar";
    QTest::newRow("truncated csv")
        << R"({"name": "csv", "path": "broken.csv", "target_column": "label"})"
        << "broken.csv";
}

void TestNetworkWorker::reportsBrokenDataPath() {
    QFETCH(QString, dataset);
    QFETCH(QString, named);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    {
        QFile f(dir.filePath("broken.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a,b,label\n1,2,0\n3,4\n");
    }
    Harness h;
    QueuedSpy failed(h.worker, &NetworkWorker::loadFailed);
    QueuedSpy batches(h.worker, &NetworkWorker::batchReady);
    h.start(spirals(5, 100, dataset.toStdString()), 3, dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QCOMPARE(failed.first().at(0).toULongLong(), 3ULL);
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains(named), qPrintable(message));
    QTest::qWait(200);
    QCOMPARE(batches.count(), 0); // nothing trains
    QVERIFY(h.stop());
}

// Issue 16, defect 5: the window's worker applies the memory budget too (here 1 MiB, through the
// environment), refusing before it builds the trainers, with the field and the estimate.
void TestNetworkWorker::refusesWhatExceedsTheMemoryBudget() {
    qputenv("OPTISCOPE_MEMORY_BUDGET_MB", "1");
    Harness h;
    QueuedSpy failed(h.worker, &NetworkWorker::loadFailed);
    QueuedSpy batches(h.worker, &NetworkWorker::batchReady);
    h.start(spirals(5, 100000), 4);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
    qunsetenv("OPTISCOPE_MEMORY_BUDGET_MB");
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.contains("problem.dataset: needs about") &&
                 message.contains("memory budget of 1 MiB"),
             qPrintable(message));
    QCOMPARE(batches.count(), 0);
}

QTEST_MAIN(TestNetworkWorker)
#include "tst_network_worker.moc"
