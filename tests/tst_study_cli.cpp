// `optiscope-cli study` end to end: the tables and plots of a finished study, every kind of bad
// input refused with exit 2 and nothing written, a study killed mid-way that resumes to the same
// numbers, shards sharing one folder, and Ctrl-C.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

struct Result {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

Result runCli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(OPTISCOPE_CLI), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(600000))
        qFatal("optiscope-cli did not finish");
    return {p.exitCode(), p.exitStatus(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString writeFile(const QString& path, const QByteArray& data) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        qFatal("cannot write test file");
    return path;
}

QString readText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString withoutLastColumn(const QString& csv) {
    QStringList out;
    for (const QString& line : csv.split('\n', Qt::SkipEmptyParts))
        out << line.left(line.lastIndexOf(','));
    return out.join('\n');
}

int countFiles(const QString& dir, const QString& name) {
    int n = 0;
    QDirIterator it(dir, {name}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

/// A small study: 2 cells × (Adam, twin) × 3 repeats = 12 jobs of `steps` updates.
QByteArray study(int steps, const char* extra = "") {
    return QStringLiteral(R"({
      "title": "cli study", "steps": %1,
      "problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0],
                  "noise": {"std": 1.0, "seed": 2}},
      "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05},
                "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5},
                "compare_without_schedule": true}],
      "study": {"repeats": 3, "grid": {"optimizer.lr": [0.05, 0.01]}%2}
    })")
        .arg(steps)
        .arg(QString::fromUtf8(extra))
        .toUtf8();
}

} // namespace

class TestStudyCli : public QObject {
    Q_OBJECT
private slots:
    void writesTablesAndPlots() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir.filePath("s.json"), study(300));
        const QString out = dir.filePath("out");
        const Result r = runCli({"study", exp, "--out", out, "--plots", "png,svg"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* f :
             {"study.json", "study.csv", "summary.csv", "comparisons.csv", "summary.md",
              "mean_curves.png", "mean_curves.svg", "final_metric.png", "final_metric.svg"})
            QVERIFY2(QFile::exists(out + "/" + f), f);
        QVERIFY(!QFile::exists(out + "/heatmap.png")); // one grid key: no heatmap
        QCOMPARE(countFiles(out + "/jobs", "summary.json"), 12);
        QCOMPARE(readText(out + "/study.csv").count('\n'), 1 + 12);
        QCOMPARE(readText(out + "/summary.csv").count('\n'), 1 + 4);
        QCOMPARE(readText(out + "/comparisons.csv").count('\n'), 1 + 2 * 2); // 2 cells × 2 metrics
        QVERIFY(r.out.contains("| c0001 | 0.01 | Adam (no decay) | 3 |"));
        QVERIFY(r.err.contains(
            "12 jobs (2 cells × 2 runs × 3 repeats); 0 already complete, 12 to run"));
        // Run again: nothing to do, the same tables.
        const QString before = readText(out + "/summary.csv");
        const Result again = runCli({"study", exp, "--out", out, "-q"});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(readText(out + "/summary.csv"), before);
        // A 2-key numeric grid gets a heatmap.
        const QString exp2 = writeFile(
            dir.filePath("s2.json"),
            study(200, R"(, "metric": "final_loss")")
                .replace(R"({"optimizer.lr": [0.05, 0.01]})",
                         R"({"optimizer.lr": [0.05, 0.01], "schedule.decay_rate": [0.5, 0.9]})"));
        const Result h =
            runCli({"study", exp2, "--out", dir.filePath("out2"), "--plots", "png", "-q"});
        QVERIFY2(h.exitCode == 0, qPrintable(h.err));
        QVERIFY(QFile::exists(dir.filePath("out2/heatmap.png")));
        QVERIFY(readText(dir.filePath("out2/summary.csv"))
                    .startsWith("cell,optimizer.lr,schedule.decay_rate,run,n,final_loss_mean"));
    }

    void badInputWritesNothing_data() {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("shard 3/2")
            << QStringList{"--shard", "3/2"} << study(10) << "--shard 3/2: K must be from 1 to N";
        QTest::newRow("shard 0/4")
            << QStringList{"--shard", "0/4"} << study(10) << "--shard 0/4: K must be from 1 to N";
        QTest::newRow("shard text")
            << QStringList{"--shard", "two"} << study(10) << "--shard must look like K/N";
        QTest::newRow("jobs 0") << QStringList{"--jobs", "0"} << study(10)
                                << "--jobs must be a whole number from 1 to 1024";
        QTest::newRow("traces") << QStringList{"--traces", "some"} << study(10)
                                << "--traces must be thin, full or none";
        QTest::newRow("repeats 0")
            << QStringList{} << study(10).replace("\"repeats\": 3", "\"repeats\": 0")
            << "s.json: study.repeats: must be in [1, 1000], got 0";
        QTest::newRow("bad value")
            << QStringList{} << study(10).replace("[0.05, 0.01]", "[0.05, -0.01]")
            << "s.json: study.grid.optimizer.lr[1]: must be";
        QTest::newRow("unknown key path")
            << QStringList{} << study(10).replace("optimizer.lr", "optimiser.lr")
            << "s.json: study.grid.optimiser.lr: must start with";
        QTest::newRow("missing mnist test files")
            << QStringList{}
            << QByteArray(
                   R"({"problem": {"type": "network", "dataset": {"name": "mnist", "path": "mn"}},
                 "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}], "study": {"repeats": 2}})")
            << "t10k-images-idx3-ubyte: missing";
    }

    void badInputWritesNothing() {
        QFETCH(QStringList, options);
        QFETCH(QByteArray, file);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString exp = writeFile(dir.filePath("s.json"), file);
        if (file.contains("mnist")) {
            // Training files in the real format but no t10k files.
            QDir(dir.path()).mkdir("mn");
            QByteArray images("\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02",
                              16);
            images.append(8, '\x10');
            writeFile(dir.filePath("mn/train-images-idx3-ubyte"), images);
            writeFile(dir.filePath("mn/train-labels-idx1-ubyte"),
                      QByteArray("\x00\x00\x08\x01\x00\x00\x00\x02\x03\x04", 10));
        }
        const QString out = dir.filePath("out");
        const Result r = runCli(QStringList{"study", exp, "--out", out} + options);
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
    }

    // An output folder holding another study's jobs: exit 2, and that folder is untouched.
    void anotherStudysFolderIsRefused() {
        QTemporaryDir dir;
        const QString out = dir.filePath("out");
        QCOMPARE(runCli({"study", writeFile(dir.filePath("a.json"), study(50)), "--out", out, "-q"})
                     .exitCode,
                 0);
        const QString before = readText(out + "/study.json");
        const QString b = writeFile(dir.filePath("b.json"), study(60));
        const Result r = runCli({"study", b, "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("holds the jobs of another study") &&
                     r.err.contains("\"steps\": 50"),
                 qPrintable(r.err));
        QCOMPARE(readText(out + "/study.json"), before);
        QCOMPARE(countFiles(out + "/jobs", "summary.json"), 12);
    }

    // Killed mid-way (SIGKILL: no chance to clean up), the study resumes where it stopped and
    // ends with the numbers of an uninterrupted run.
    void killedStudyResumes() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir.filePath("s.json"), study(400000));
        const QString out = dir.filePath("out");
        QProcess p;
        p.start(QStringLiteral(OPTISCOPE_CLI),
                {"study", exp, "--out", out, "--jobs", "2", "--traces", "none"});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (countFiles(out + "/jobs", "summary.json") < 3 && t.elapsed() < 120000)
            QTest::qWait(20);
        p.kill();
        p.waitForFinished();
        const int done = countFiles(out + "/jobs", "summary.json");
        qInfo("killed with %d of 12 jobs complete", done);
        QVERIFY(done >= 3 && done < 12);
        QVERIFY(!QFile::exists(out + "/summary.csv"));
        const Result resumed = runCli({"study", exp, "--out", out, "--traces", "none"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains(
                     QString("; %1 already complete, %2 to run").arg(done).arg(12 - done)),
                 qPrintable(resumed.err));
        const QString fresh = dir.filePath("fresh");
        QCOMPARE(runCli({"study", exp, "--out", fresh, "--jobs", "1", "--traces", "none", "-q"})
                     .exitCode,
                 0);
        QCOMPARE(withoutLastColumn(readText(out + "/study.csv")),
                 withoutLastColumn(readText(fresh + "/study.csv")));
        QCOMPARE(readText(out + "/summary.csv"), readText(fresh + "/summary.csv"));
        QCOMPARE(readText(out + "/comparisons.csv"), readText(fresh + "/comparisons.csv"));
    }

    // Shards on "different machines" (here: one after the other) share a folder; the last one
    // writes the tables, equal to a single run's.
    void shardsShareAFolder() {
        QTemporaryDir dir;
        const QString exp = writeFile(dir.filePath("s.json"), study(500));
        const QString out = dir.filePath("shared");
        const Result s1 = runCli({"study", exp, "--out", out, "--shard", "1/2"});
        QCOMPARE(s1.exitCode, 0);
        QVERIFY2(s1.err.contains("shard 1/2 done; 6 of 12 jobs are complete"), qPrintable(s1.err));
        QVERIFY(!QFile::exists(out + "/summary.csv"));
        const Result s2 = runCli({"study", exp, "--out", out, "--shard", "2/2", "-q"});
        QCOMPARE(s2.exitCode, 0);
        const QString single = dir.filePath("single");
        QCOMPARE(runCli({"study", exp, "--out", single, "-q"}).exitCode, 0);
        QCOMPARE(readText(out + "/summary.csv"), readText(single + "/summary.csv"));
        QCOMPARE(withoutLastColumn(readText(out + "/study.csv")),
                 withoutLastColumn(readText(single + "/study.csv")));
    }

    // Ctrl-C (or SIGTERM) stops at once with 130 (143) and a message; finished jobs stay.
    void interruptStopsCleanly_data() {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGINT") << int(SIGINT);
        QTest::newRow("SIGTERM") << int(SIGTERM);
    }

    void interruptStopsCleanly() {
        QFETCH(int, signal);
        QTemporaryDir dir;
        const QString exp = writeFile(dir.filePath("s.json"), study(400000));
        const QString out = dir.filePath("out");
        QProcess p;
        p.start(QStringLiteral(OPTISCOPE_CLI), {"study", exp, "--out", out, "--jobs", "2"});
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (countFiles(out + "/jobs", "summary.json") < 1 && t.elapsed() < 120000)
            QTest::qWait(20);
        ::kill(static_cast<pid_t>(p.processId()), signal);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 128 + signal);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains("interrupted;") &&
                     err.contains("run the same command again to resume"),
                 qPrintable(err));
        QVERIFY(countFiles(out + "/jobs", "summary.json") >= 1);
        QCOMPARE(countFiles(out + "/jobs", "*.tmp*"), 0); // no temporary file left behind
    }
};

QTEST_GUILESS_MAIN(TestStudyCli)
#include "tst_study_cli.moc"
