// optiscope-cli end to end: exit codes, files written (or not), messages, traces that read back
// bit-exact.
#include "core/experiment/experiment_io.h"
#include "core/run/function_run.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

using namespace optiscope;

namespace {

struct Result {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

Result runCli(const QStringList& args, const QByteArray& stdinData = {}) {
    QProcess p;
    p.start(QStringLiteral(OPTISCOPE_CLI), args);
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(300000))
        qFatal("optiscope-cli did not finish");
    return {p.exitCode(), p.exitStatus(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        qFatal("cannot write test file");
    return path;
}

QStringList readLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList lines = QString::fromUtf8(f.readAll()).split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty())
        lines.pop_back();
    return lines;
}

const char* kTwoRuns = R"({
  "title": "cli test",
  "problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0],
              "noise": {"std": 0.5, "seed": 3}},
  "steps": 300,
  "runs": [
    {"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05},
     "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5},
     "compare_without_schedule": true},
    {"name": "SGD diverges", "optimizer": {"type": "sgd", "lr": 0.1}}
  ]
})";

QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

/// Every file of `dir` with its content.
QMap<QString, QByteArray> snapshot(const QString& dir) {
    QMap<QString, QByteArray> out;
    for (const QString& name : QDir(dir).entryList(QDir::Files | QDir::Hidden))
        out[name] = readBytes(QDir(dir).filePath(name));
    return out;
}

QStringList temporaries(const QString& dir) {
    return QDir(dir).entryList({"*.tmp-*"}, QDir::Files | QDir::Hidden);
}

/// Runs the CLI with files limited to `maxFileBytes` (RLIMIT_FSIZE, SIGXFSZ ignored): a write
/// beyond it fails with EFBIG, as on a full disk.
Result runCliWithFileLimit(const QStringList& args, rlim_t maxFileBytes) {
    QProcess p;
    p.setChildProcessModifier([maxFileBytes] {
        ::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit {};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        limit.rlim_cur = maxFileBytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    });
    p.start(QStringLiteral(OPTISCOPE_CLI), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(300000))
        qFatal("optiscope-cli did not finish");
    return {p.exitCode(), p.exitStatus(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// Starts the CLI, waits until it has a temporary file in `outDir` (so that it is mid-run),
/// sends `sig` and waits for the end.
Result interruptCli(const QStringList& args, const QString& outDir, int sig) {
    QProcess p;
    p.start(QStringLiteral(OPTISCOPE_CLI), args);
    p.closeWriteChannel();
    QElapsedTimer timer;
    timer.start();
    while (temporaries(outDir).isEmpty() && p.state() != QProcess::NotRunning &&
           timer.elapsed() < 120000)
        p.waitForFinished(5);
    if (p.state() == QProcess::NotRunning)
        qWarning("optiscope-cli ended before it could be interrupted");
    ::kill(pid_t(p.processId()), sig);
    if (!p.waitForFinished(300000))
        qFatal("optiscope-cli did not finish after a signal");
    return {p.exitCode(), p.exitStatus(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QByteArray functionExperiment(long long steps) {
    return QByteArray(
               R"({"problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0],
      "noise": {"std": 0.5, "seed": 3}}, "steps": )") +
           QByteArray::number(steps) +
           R"(, "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.01},
      "compare_without_schedule": false}]})";
}

QByteArray networkExperiment(long long epochs, const char* model = R"({"hidden": [8]})",
                             int runs = 1) {
    QByteArray runList;
    for (int i = 0; i < runs; ++i)
        runList += (i ? "," : "") + QByteArray(R"({"name": "Adam )") + QByteArray::number(i) +
                   R"(", "optimizer": {"type": "adam", "lr": 0.01}})";
    return QByteArray(
               R"({"problem": {"type": "network", "dataset": {"name": "spirals", "samples": 200,
      "noise": 0.1, "seed": 1}, "validation_split": 0.25, "model": )") +
           model + R"(, "batch_size": 10, "epochs": )" + QByteArray::number(epochs) +
           R"(, "seed": 1}, "runs": [)" + runList + "]}";
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void runWritesTracesAndSummary() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir, "exp.json", kTwoRuns);
        const QString out = dir.filePath("out");
        const Result r = runCli({"run", exp, "--out", out});
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // One summary line per run.
        QCOMPARE(r.out.trimmed().split('\n').size(), 3);
        QVERIFY(r.out.contains("diverged at step"));

        QCOMPARE(
            QDir(out).entryList(QDir::Files, QDir::Name),
            QStringList({"adam-no-decay.csv", "adam.csv", "sgd-diverges.csv", "summary.json"}));
        const QStringList adam = readLines(out + "/adam.csv");
        QCOMPARE(adam.size(), 1 + 301);
        QCOMPARE(adam[0], QString("step,x,y,loss,grad_x,grad_y,lr,eff_lr_x,eff_lr_y"));
        QVERIFY(adam[1].startsWith("0,-1.5,2,"));
        QVERIFY(adam[1].endsWith(",,,")); // row 0 has no lr / eff_lr
        QCOMPARE(adam[2].split(',')[6], QString("0.05"));

        QFile summaryFile(out + "/summary.json");
        QVERIFY(summaryFile.open(QIODevice::ReadOnly));
        const auto summary = nlohmann::json::parse(summaryFile.readAll().toStdString());
        QCOMPARE(summary["runs"].size(), size_t(3));
        QCOMPARE(summary["runs"][0]["diverged"].get<bool>(), false);
        QCOMPARE(summary["runs"][0]["steps_done"].get<long long>(), 300LL);
        QCOMPARE(summary["runs"][1]["name"].get<std::string>(), std::string("Adam (no decay)"));
        const auto& sgd = summary["runs"][2];
        QCOMPARE(sgd["diverged"].get<bool>(), true);
        const long long at = sgd["diverged_at_step"].get<long long>();
        QVERIFY(at > 0);
        // The diverged trace ends with its last finite state.
        const QStringList sgdRows = readLines(out + "/sgd-diverges.csv");
        QCOMPARE(sgdRows.size(), 1 + int(at));
        for (const QString& field : sgdRows.back().split(','))
            QVERIFY(!field.contains("nan") && !field.contains("inf"));
    }

    void traceReadsBackBitExact() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir, "exp.json", kTwoRuns);
        QCOMPARE(runCli({"run", exp, "--out", dir.path(), "--quiet"}).exitCode, 0);
        const auto parsed = parseExperiment(kTwoRuns);
        QVERIFY(parsed.ok());
        FunctionRun run(*parsed.experiment, expandRuns(*parsed.experiment)[0]);
        const QStringList rows = readLines(dir.filePath("adam.csv"));
        for (int k = 1; k < rows.size(); ++k) {
            const QStringList f = rows[k].split(',');
            const FunctionStep& s = run.current();
            QCOMPARE(f[1].toDouble(), s.point.x()); // exact: QCOMPARE on doubles is fuzzy, so also:
            QVERIFY(std::strtod(f[1].toUtf8().constData(), nullptr) == s.point.x());
            QVERIFY(std::strtod(f[2].toUtf8().constData(), nullptr) == s.point.y());
            QVERIFY(std::strtod(f[3].toUtf8().constData(), nullptr) == s.loss);
            QVERIFY(std::strtod(f[4].toUtf8().constData(), nullptr) == s.grad.x());
            if (k > 1)
                QVERIFY(std::strtod(f[7].toUtf8().constData(), nullptr) == s.effLr.x());
            run.advance();
        }
    }

    void invalidExperimentWritesNothing_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("out of range")
            << QByteArray(R"({"problem": {"function": "booth"}, "steps": 5,
                 "runs": [{"name": "A", "optimizer": {"type": "adam", "betas": [0.9, 1.2]}}]})")
            << "exp.json: runs[0].optimizer.betas[1]: must be in [0, 1), got 1.2";
        QTest::newRow("syntax") << QByteArray("{\"steps\": ") << "exp.json: not valid JSON";
        QTest::newRow("garbage") << QByteArray("\x7f"
                                               "ELF\x02\x01\x01\x00\x00\x00",
                                               10)
                                 << "exp.json: not valid JSON";
        QTest::newRow("deep nesting") << QByteArray(50000, '{') << "exp.json: ";
        QTest::newRow("huge number")
            << QByteArray(R"({"steps": 1e400})") << "exp.json: not valid JSON";
        QTest::newRow("huge steps")
            << QByteArray(R"({"problem": {"function": "booth"}, "steps": 9223372036854775807,
                 "runs": [{"name": "A", "optimizer": {"type": "adam"}}]})")
            << "exp.json: steps: must be in [1, ";
        QTest::newRow("wrong type") << QByteArray(R"({"problem": {"function": "booth"}, "steps": 5,
                 "runs": [{"name": "A", "optimizer": {"type": "adam", "lr": [1]}}]})")
                                    << "exp.json: runs[0].optimizer.lr: must be a number";
        QTest::newRow("unknown key")
            << QByteArray(R"({"problem": {"function": "booth"}, "steps": 5, "runz": []})")
            << "exp.json: runz: unknown key";
    }
    void invalidExperimentWritesNothing() {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QTemporaryDir dir;
        writeFile(dir, "exp.json", json);
        const QString out = dir.filePath("out");
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(QStringLiteral(OPTISCOPE_CLI), {"run", "exp.json", "--out", out});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(!QFileInfo::exists(out));
    }

    void missingFileIsInvalidInput() {
        QTemporaryDir dir;
        const Result r = runCli({"run", dir.filePath("absent.json"), "--out", dir.filePath("out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("absent.json: cannot open file"));
        QVERIFY(!QFileInfo::exists(dir.filePath("out")));
    }

    void badArgumentsAreInvalidInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList();
        QTest::newRow("unknown command") << QStringList{"fly"};
        QTest::newRow("run without --out") << QStringList{"run", "exp.json"};
        QTest::newRow("bad plot format")
            << QStringList{"run", "exp.json", "--out", "o", "--plots", "gif"};
        QTest::newRow("bad size") << QStringList{"run", "exp.json", "--out", "o", "--size", "big"};
        QTest::newRow("bad animation format")
            << QStringList{"run", "exp.json", "--out", "o", "--animate", "mp4"};
        QTest::newRow("fps without --animate")
            << QStringList{"run", "exp.json", "--out", "o", "--fps", "10"};
        QTest::newRow("frames and seconds")
            << QStringList{"run", "exp.json", "--out", "o",         "--animate",
                           "gif", "--frames", "10",    "--seconds", "2"};
        QTest::newRow("unknown option") << QStringList{"run", "exp.json", "--out", "o", "--fast"};
        QTest::newRow("schedule without file") << QStringList{"schedule"};
    }
    void badArgumentsAreInvalidInput() {
        QFETCH(QStringList, args);
        const Result r = runCli(args);
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void unwritableOutputIsAnIoFailure() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir, "exp.json", kTwoRuns);
        const QString blocker = writeFile(dir, "file", "x"); // a file where the folder should be
        const Result r = runCli({"run", exp, "--out", blocker + "/out"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("cannot create output folder"));
    }

    void scheduleMatchesFormula() {
        QTemporaryDir dir;
        const QString file = writeFile(dir, "s.json", R"({"lr": 0.1, "steps": 30,
            "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.5, "staircase": true}})");
        const Result r = runCli({"schedule", file});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 31);
        QCOMPARE(lines[0], QString("step,lr"));
        QCOMPARE(lines[1], QString("1,0.1"));
        QCOMPARE(lines[10], QString("10,0.1"));
        QCOMPARE(lines[11], QString("11,0.05"));
        QCOMPARE(lines[30], QString("30,0.025"));
    }

    void scheduleWatchesMetrics() {
        QTemporaryDir dir;
        // Keras flavour, patience 2: two epochs without improvement reduce the lr.
        const QString file = writeFile(dir, "s.json", R"({"lr": 1, "steps": 6,
            "schedule": {"type": "reduce_on_plateau", "factor": 0.5, "patience": 2},
            "metrics": [1, 1, 1, 1, 1, 1]})");
        const Result r = runCli({"schedule", file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed().split('\n'),
                 QStringList({"step,lr", "1,1", "2,1", "3,1", "4,0.5", "5,0.5", "6,0.25"}));

        const QString shortMetrics = writeFile(dir, "t.json", R"({"lr": 1, "steps": 6,
            "schedule": {"type": "reduce_on_plateau"}, "metrics": [1, 2]})");
        const Result bad = runCli({"schedule", shortMetrics});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("t.json: metrics: needs at least 5 values"), qPrintable(bad.err));
    }

    void networkRunWritesStepAndEpochTraces() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir, "net.json", R"({
          "problem": {"type": "network", "dataset": {"name": "spirals", "samples": 200, "noise": 0.1, "seed": 1},
                      "validation_split": 0.25, "model": {"hidden": [8], "activation": "tanh"},
                      "batch_size": 25, "epochs": 4, "seed": 1},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.01},
                    "schedule": {"type": "reduce_on_plateau", "patience": 1}, "compare_without_schedule": true}]})");
        const Result r = runCli({"run", exp, "--out", dir.filePath("out")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(QDir(dir.filePath("out")).entryList(QDir::Files, QDir::Name),
                 QStringList({"adam-epochs.csv", "adam-no-decay-epochs.csv",
                              "adam-no-decay-steps.csv", "adam-steps.csv", "summary.json"}));
        const QStringList steps = readLines(dir.filePath("out/adam-steps.csv"));
        QCOMPARE(steps[0], QString("step,epoch,lr,loss"));
        QCOMPARE(steps.size(), 1 + 4 * (150 / 25)); // 150 training samples, 6 updates per epoch
        QVERIFY(steps[1].startsWith("1,1,0.01,"));
        const QStringList epochs = readLines(dir.filePath("out/adam-epochs.csv"));
        QCOMPARE(
            epochs[0],
            QString("epoch,lr,train_loss,train_acc,val_loss,val_acc,"
                    "eff_lr.dense1.weight.p05,eff_lr.dense1.weight.p50,eff_lr.dense1.weight.p95,"
                    "eff_lr.dense1.bias.p05,eff_lr.dense1.bias.p50,eff_lr.dense1.bias.p95,"
                    "eff_lr.dense2.weight.p05,eff_lr.dense2.weight.p50,eff_lr.dense2.weight.p95,"
                    "eff_lr.dense2.bias.p05,eff_lr.dense2.bias.p50,eff_lr.dense2.bias.p95"));
        QCOMPARE(epochs.size(), 1 + 5); // epoch 0 (initial parameters) and 4 epochs
        const QStringList last = epochs.back().split(',');
        QCOMPARE(last.size(), 18);
        for (const QString& f : last)
            QVERIFY(!f.isEmpty());
        QFile summaryFile(dir.filePath("out/summary.json"));
        QVERIFY(summaryFile.open(QIODevice::ReadOnly));
        const auto summary = nlohmann::json::parse(summaryFile.readAll().toStdString());
        QCOMPARE(summary["runs"][0]["epochs_done"].get<long long>(), 4LL);
        QVERIFY(summary["runs"][0]["final_val_acc"].is_number());
    }

    void brokenDataFileIsInvalidInput() {
        QTemporaryDir dir;
        QDir(dir.path()).mkdir("mnist");
        writeFile(dir, "mnist/train-images-idx3-ubyte", QByteArray("\x00\x00\x08\x04garbage", 11));
        const QString exp = writeFile(dir, "net.json", R"({
          "problem": {"type": "network", "dataset": {"name": "mnist", "path": "mnist"},
                      "model": {"hidden": [8]}, "epochs": 1},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}]})");
        const Result r = runCli({"run", exp, "--out", dir.filePath("out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("net.json: problem.dataset: ") && r.err.contains("mnist"),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out")));
    }

    void listShowsEverything() {
        const Result r = runCli({"list"});
        QCOMPARE(r.exitCode, 0);
        for (const char* name :
             {"rosenbrock", "saddle", "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
              "adamax", "nadam", "radam", "exponential_decay", "natural_exp_decay",
              "reduce_on_plateau", "one_cycle", "spirals", "cifar10", "betas", "amsgrad"})
            QVERIFY2(r.out.contains(name), name);
        const Result j = runCli({"list", "--json"});
        QCOMPARE(j.exitCode, 0);
        const auto doc = nlohmann::json::parse(j.out.toStdString());
        QCOMPARE(doc["optimizers"].size(), optimizerCatalog().size());
    }
    // Issue 16, defect 1: a full disk mid-run committed summary.json (1500 steps) over the old
    // one while the traces kept the old 300 steps. Now the run's files are one unit.
    void failedWriteKeepsPreviousResult_data() {
        QTest::addColumn<QByteArray>("small");
        QTest::addColumn<QByteArray>("large");
        QTest::addColumn<QString>("bigFile");
        QTest::addColumn<int>("limit");
        QTest::newRow("function") << functionExperiment(300) << functionExperiment(3000)
                                  << "adam.csv" << 120000;
        QTest::newRow("network") << networkExperiment(2) << networkExperiment(200)
                                 << "adam-0-steps.csv" << 40000;
    }
    void failedWriteKeepsPreviousResult() {
        QFETCH(QByteArray, small);
        QFETCH(QByteArray, large);
        QFETCH(QString, bigFile);
        QFETCH(int, limit);
        QTemporaryDir dir;
        const QString out = dir.filePath("out");
        const Result first = runCli({"run", writeFile(dir, "small.json", small), "--out", out});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const auto before = snapshot(out);
        QVERIFY(before.contains("summary.json") && before.contains(bigFile));
        QVERIFY(before[bigFile].size() < limit);
        const Result r = runCliWithFileLimit(
            {"run", writeFile(dir, "large.json", large), "--out", out}, rlim_t(limit));
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(bigFile) && r.err.contains("File too large"), qPrintable(r.err));
        QVERIFY2(snapshot(out) == before, "the previous result changed");
        QVERIFY(temporaries(out).isEmpty());
    }

    // Issue 16, defect 3: Ctrl-C on a network run died by the signal, leaving *.tmp-* files;
    // SIGTERM left temporaries on any run. Now: status 128 + signal, a message, no temporaries,
    // and the previous result untouched (or no folder at all for a first run).
    void signalStopsCleanly_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("sig");
        QTest::addColumn<bool>("firstRun");
        QTest::newRow("network SIGINT") << networkExperiment(100000) << int(SIGINT) << false;
        QTest::newRow("network SIGTERM first run")
            << networkExperiment(100000) << int(SIGTERM) << true;
        QTest::newRow("function SIGTERM") << functionExperiment(20000000) << int(SIGTERM) << false;
        QTest::newRow("function SIGINT first run")
            << functionExperiment(20000000) << int(SIGINT) << true;
    }
    void signalStopsCleanly() {
        QFETCH(QByteArray, json);
        QFETCH(int, sig);
        QFETCH(bool, firstRun);
        QTemporaryDir dir;
        const QString out = dir.filePath("out/sub");
        QMap<QString, QByteArray> before;
        if (!firstRun) {
            QVERIFY(QDir().mkpath(out));
            writeFile(dir, "out/sub/summary.json", "{\"old\": true}\n");
            before = snapshot(out);
        }
        const Result r =
            interruptCli({"run", writeFile(dir, "exp.json", json), "--out", out}, out, sig);
        QCOMPARE(r.status, QProcess::NormalExit); // not killed by the signal
        QCOMPARE(r.exitCode, 128 + sig);
        QVERIFY2(r.err.contains(sig == SIGINT ? "interrupted (SIGINT)" : "interrupted (SIGTERM)"),
                 qPrintable(r.err));
        if (firstRun) {
            QVERIFY2(!QFileInfo::exists(dir.filePath("out")), "an empty output folder was left");
        } else {
            QVERIFY(temporaries(out).isEmpty());
            QVERIFY(snapshot(out) == before);
        }
    }

    void studyAndScheduleStopOnSignals() {
        QTemporaryDir dir;
        QByteArray study = networkExperiment(100000);
        study.chop(1);
        study += R"(, "study": {"repeats": 2}})";
        const QString out = dir.filePath("study");
        QProcess p;
        p.start(QStringLiteral(OPTISCOPE_CLI),
                {"study", writeFile(dir, "s.json", study), "--out", out, "--jobs", "1"});
        QElapsedTimer timer;
        timer.start();
        const QString jobDir = out + "/jobs/c0000/adam-0/r0";
        while (temporaries(jobDir).isEmpty() && p.state() != QProcess::NotRunning &&
               timer.elapsed() < 120000)
            p.waitForFinished(5);
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 128 + SIGTERM);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("interrupted;"));
        QVERIFY(temporaries(jobDir).isEmpty());
    }

    // Issue 16, defect 3: temporaries a killed run left are removed by the next run into the
    // folder (only AtomicFile's own pattern).
    void staleTemporariesAreSweptByTheNextRun() {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath("out")));
        writeFile(dir, "out/adam.csv.tmp-Xy12ab", "stale");
        writeFile(dir, "out/notes.tmp-1", "mine");
        const Result r = runCli({"run", writeFile(dir, "e.json", functionExperiment(10)), "--out",
                                 dir.filePath("out")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out/adam.csv.tmp-Xy12ab")));
        QVERIFY(QFileInfo::exists(dir.filePath("out/notes.tmp-1")));
    }

    // Issue 16, defect 4: a CSV cell of 1e39 fits a double but not a float; it became "diverged
    // at step 1", exit 0.
    void csvValueBeyondFloatIsInvalidInput() {
        QTemporaryDir dir;
        writeFile(dir, "d.csv", "a,b,y\n1,2,0\n3,1e39,1\n4,5,0\n2,2,1\n");
        const QString exp = writeFile(dir, "net.json", R"({
          "problem": {"type": "network", "dataset": {"name": "csv", "path": "d.csv", "target_column": "y"},
                      "model": {"hidden": [4]}, "epochs": 1},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}]})");
        const Result r = runCli({"run", exp, "--out", dir.filePath("out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("d.csv: line 3, column 2 ('b'): 1e39 does not fit a 32-bit float"),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out")));
    }

    // Issue 16, defect 5: 16 layers of 4096 units × many runs took 10 GB and more; refused
    // before anything is allocated, naming the field and the estimate.
    void memoryBudgetRefusesHugeModels() {
        QTemporaryDir dir;
        QByteArray hidden = "[";
        for (int i = 0; i < 16; ++i)
            hidden += (i ? ",4096" : "4096");
        hidden += "]";
        const QByteArray json = networkExperiment(1, "{\"hidden\": " + hidden + "}", 8);
        QElapsedTimer timer;
        timer.start();
        const Result r =
            runCli({"run", writeFile(dir, "big.json", json), "--out", dir.filePath("out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("big.json: problem.model.hidden: needs about") &&
                     r.err.contains("GiB") && r.err.contains("8 runs") &&
                     r.err.contains("memory budget"),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out")));
        QVERIFY(timer.elapsed() < 60000); // nothing was allocated or trained
        // The study command applies it too (jobs running at once).
        QByteArray study = json;
        study.chop(1);
        study += R"(, "study": {"repeats": 2}})";
        const Result s = runCli({"study", writeFile(dir, "s.json", study), "--out",
                                 dir.filePath("study"), "--jobs", "2"});
        QCOMPARE(s.exitCode, 2);
        QVERIFY2(s.err.contains("s.json: problem.model.hidden: needs about"), qPrintable(s.err));
    }

    // Issue 16, defect 6: a FIFO with no writer hung the CLI forever; a folder was "larger than
    // 16 MiB".
    void specialFilesAreRefusedWithTheReason() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("pipe.json");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const Result r = runCli({"run", fifo, "--out", dir.filePath("out")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("pipe.json: is a FIFO (named pipe), not a regular file"),
                 qPrintable(r.err));
        const Result folder = runCli({"run", dir.path(), "--out", dir.filePath("out")});
        QCOMPARE(folder.exitCode, 2);
        QVERIFY2(folder.err.contains("is a folder, not a file"), qPrintable(folder.err));
        const QString csvFifo = dir.filePath("data.csv");
        QCOMPARE(::mkfifo(QFile::encodeName(csvFifo).constData(), 0600), 0);
        const QString exp = writeFile(dir, "net.json", R"({
          "problem": {"type": "network", "dataset": {"name": "csv", "path": "data.csv", "target_column": "y"},
                      "model": {"hidden": [4]}, "epochs": 1},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}]})");
        const Result data = runCli({"run", exp, "--out", dir.filePath("out")});
        QCOMPARE(data.exitCode, 2);
        QVERIFY2(data.err.contains("data.csv: is a FIFO"), qPrintable(data.err));
    }

    // Issue 16, item 7: `list` called gaussians "two Gaussian blobs" but it makes 3 classes.
    void listDescribesGaussiansTruly() {
        const Result r = runCli({"list"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.out.contains("two Gaussian blobs"));
        QVERIFY(r.out.contains("three Gaussian blobs, 3 classes"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
