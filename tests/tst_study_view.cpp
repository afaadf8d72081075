// The study view, driven offscreen: a study file opens in it; its table holds the numbers of the
// CLI's summary.csv for the same file; the heatmap, strip plot and table open the right job in a
// new window; cancel keeps finished jobs and Run resumes; the study panel edits the document only
// with valid studies; closing the window mid-study stops cleanly.
#include "core/experiment/experiment_io.h"
#include "core/study/study_runner.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/plots/heatmap_plot.h"
#include "ui/plots/strip_plot.h"
#include "ui/study/study_controller.h"
#include "ui/study/study_panel.h"
#include "ui/study/study_table_model.h"
#include "ui/study/study_view.h"

#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace optiscope;

namespace {

QByteArray studyFile(int steps) {
    return QStringLiteral(R"({
      "format": "optiscope-experiment", "version": 1, "title": "view study",
      "problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0],
                  "noise": {"std": 1.0, "seed": 4}},
      "steps": %1,
      "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05},
                "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5},
                "compare_without_schedule": true}],
      "study": {"repeats": 3, "grid": {"optimizer.lr": [0.1, 0.01, 0.001],
                                       "schedule.decay_rate": [0.3, 0.9]}}
    })")
        .arg(steps)
        .toUtf8();
}

QString writeFile(const QString& path, const QByteArray& data) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QStringList csvLines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

int countSummaries(const QString& dir) {
    int n = 0;
    QDirIterator it(dir, {QStringLiteral("summary.json")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

MainWindow* newestOtherWindow(const MainWindow* except) {
    for (QWidget* w : QApplication::topLevelWidgets())
        if (auto* m = qobject_cast<MainWindow*>(w); m && m != except && m->isVisible())
            return m;
    return nullptr;
}

} // namespace

class TestStudyView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void tableEqualsTheCliAndClicksOpenJobs();
    void cancelKeepsJobsAndRunResumes();
    void panelEditsOnlyValidStudies();
    void closingMidStudyStopsCleanly();
};

// The window and the CLI run the same file: the table's exact numbers are summary.csv's.
void TestStudyView::tableEqualsTheCliAndClicksOpenJobs() {
    QTemporaryDir dir;
    const QString file = writeFile(dir.filePath("s.json"), studyFile(300));
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QString error;
    QVERIFY2(window.openFile(file, &error), qPrintable(error));
    QVERIFY(window.showsStudy());
    StudyController* study = window.studyController();
    QVERIFY(study->plan());
    QCOMPARE(study->jobsTotal(), std::size_t(6 * 2 * 3));
    QCOMPARE(study->outputDir(), dir.filePath("s-study"));
    auto* run = window.studyView()->findChild<QPushButton*>(QStringLiteral("studyRun"));
    QVERIFY(run && run->isEnabled());
    run->click();
    QTRY_VERIFY_WITH_TIMEOUT(study->allFinished() && !study->isRunning(), 60000);

    // The CLI, on the same file, into another folder.
    QProcess cli;
    cli.start(QStringLiteral(OPTISCOPE_CLI), {"study", file, "--out", dir.filePath("cli"), "-q"});
    QVERIFY(cli.waitForFinished(120000));
    QCOMPARE(cli.exitCode(), 0);
    const QStringList summary = csvLines(dir.filePath("cli/summary.csv"));
    QCOMPARE(summary.size(), 1 + 12);
    // The app's own folder holds the same tables once written from its records.
    const QStringList header = summary[0].split(',');
    const int tailMean = int(header.indexOf("tail_loss_mean"));
    const int tailLo = int(header.indexOf("tail_loss_ci95_lo"));
    QVERIFY(tailMean > 0 && tailLo > 0);
    QCoreApplication::processEvents();
    QTest::qWait(400); // the view redraws its results a few times a second
    StudyTableModel* model = window.studyView()->tableModel();
    QCOMPARE(model->rowCount(), 12);
    const int meanColumn = model->metricColumn(0);
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto [cell, inst] = model->configAt(row);
        const QStringList cli = summary[1 + int(cell * 2 + inst)].split(',');
        QCOMPARE(model->index(row, 0).data().toString(), cli[0]); // c0000, ...
        QCOMPARE(model->index(row, meanColumn).data(Qt::UserRole).toDouble(),
                 cli[tailMean].toDouble());
        QVERIFY(model->index(row, meanColumn).data().toString().contains(" ± "));
    }
    const int diff = model->differenceColumn();
    QVERIFY(diff > 0);
    const QStringList comparisons = csvLines(dir.filePath("cli/comparisons.csv"));
    const QStringList firstCmp = comparisons[1].split(',');
    QCOMPARE(firstCmp[4], QString("tail_loss"));
    QCOMPARE(model->index(0, diff).data(Qt::UserRole).toDouble(), firstCmp[6].toDouble());
    QVERIFY(window.studyView()->tableText().startsWith(
        "cell\toptimizer.lr\tschedule.decay_rate\trun\tn\ttail_loss\tΔ tail_loss\t"));
    QCOMPARE(diff, meanColumn + 1); // the answer is on screen first
    // The reading under the table counts the runs whose paired difference excludes 0, as in
    // comparisons.csv.
    int differ = 0, measured = 0;
    for (int i = 1; i < comparisons.size(); ++i) {
        const QStringList f = comparisons[i].split(',');
        if (f[4] != QLatin1String("tail_loss") || f[7].isEmpty())
            continue;
        ++measured;
        differ += f[7].toDouble() > 0 || f[8].toDouble() < 0 ? 1 : 0;
    }
    QVERIFY(measured > 4);
    QVERIFY2(window.studyView()->reading()->text().contains(
                 QStringLiteral("%1 of %2 configurations differ").arg(differ).arg(measured)),
             qPrintable(window.studyView()->reading()->text()));

    // A heatmap cell opens its job: x = lr (first key), y = decay_rate, panel = the twin.
    QTabWidget* tabs = window.studyView()->tabs();
    QVERIFY(tabs->isTabEnabled(3));
    tabs->setCurrentIndex(3);
    HeatmapPlot* heat = window.studyView()->heatmap();
    QTRY_VERIFY(!heat->spec().panels.empty());
    heat->resize(900, 500);
    // Find the pixel of panel 1 (Adam (no decay)), x index 2 (lr 0.001), y index 1 (0.9).
    QPoint target;
    for (int y = 0; y < heat->height() && target.isNull(); y += 3)
        for (int x = 0; x < heat->width(); x += 3) {
            const auto [panel, cell] =
                HeatmapPlot::cellAt(heat->spec(), heat->rect(), heat->font(), QPointF(x, y));
            if (panel == 1 && cell == 1 * 3 + 2) {
                target = QPoint(x, y);
                break;
            }
        }
    QVERIFY(!target.isNull());
    QTest::mouseClick(heat, Qt::LeftButton, {}, target);
    MainWindow* job = nullptr;
    QTRY_VERIFY((job = newestOtherWindow(&window)) != nullptr);
    const StudyPlan& plan = *study->plan();
    const Experiment expected = plan.jobExperiment(plan.job(plan.jobIndex(2 * 2 + 1, 1, 0)));
    const Experiment& opened = job->document()->experiment();
    QVERIFY(!opened.study);
    QCOMPARE(opened.runs.at(0).optimizer.params.real("lr"), 0.001);
    QCOMPARE(opened.runs.at(0).schedule->params.real("decay_rate"), 0.9);
    QCOMPARE(opened.function.noise->seed, expected.function.noise->seed);
    QVERIFY(QString::fromStdString(opened.title).contains("c0005"));
    job->close();
    QTRY_VERIFY(newestOtherWindow(&window) == nullptr);

    // A strip-plot dot opens that repeat.
    tabs->setCurrentIndex(2);
    StripPlot* strip = window.studyView()->stripPlot();
    QTRY_VERIFY(!strip->spec().rows.empty());
    window.studyView()->openJob(plan.jobIndex(3, 0, 2));
    QTRY_VERIFY((job = newestOtherWindow(&window)) != nullptr);
    QCOMPARE(job->document()->experiment().function.noise->seed, std::uint64_t(4 + 2));
    job->close();
}

// Cancel stops at once and keeps every finished job; Run resumes and finishes only the rest,
// and the result equals a study run in one go.
void TestStudyView::cancelKeepsJobsAndRunResumes() {
    QTemporaryDir dir;
    const QString file = writeFile(dir.filePath("slow.json"), studyFile(300000));
    MainWindow window;
    window.show();
    QString error;
    QVERIFY2(window.openFile(file, &error), qPrintable(error));
    StudyController* study = window.studyController();
    study->setTraces(TraceMode::None);
    study->play();
    QTRY_VERIFY_WITH_TIMEOUT(study->jobsDone() >= 2, 60000);
    study->cancel();
    QVERIFY(!study->isRunning());
    const QString out = study->outputDir();
    QTRY_VERIFY_WITH_TIMEOUT(study->jobsDone() == std::size_t(countSummaries(out)), 20000);
    const std::size_t kept = study->jobsDone();
    QVERIFY(kept >= 2 && kept < study->jobsTotal());
    QTest::qWait(300);
    QCOMPARE(std::size_t(countSummaries(out)), kept); // nothing runs after cancel
    study->play();
    QTRY_VERIFY_WITH_TIMEOUT(study->allFinished() && !study->isRunning(), 120000);
    QCOMPARE(countSummaries(out), 36);
    // The same numbers as an uninterrupted run in the core.
    const StudyPlan plan(*loadExperiment(file.toStdString()).experiment);
    QTemporaryDir fresh;
    StudyFolder folder(fresh.path().toStdString());
    std::string why;
    QVERIFY(folder.claim(plan, &why));
    std::vector<std::size_t> all(plan.jobCount());
    std::iota(all.begin(), all.end(), std::size_t(0));
    RunControl control;
    StudyRunOptions options;
    options.job.traces = TraceMode::None;
    runStudyJobs(plan, folder, all, options, control, nullptr, {});
    const auto records = folder.scan(plan, nullptr);
    QCOMPARE(summaryCsv(plan, summarizeStudy(plan, records)),
             summaryCsv(*study->plan(), study->results()));
}

// The panel writes a study into the document only when it is valid; a bad value is named.
void TestStudyView::panelEditsOnlyValidStudies() {
    MainWindow window;
    window.show();
    window.setExperiment(Experiment::defaultExperiment(), QString());
    QVERIFY(!window.showsStudy());
    window.showStudy(true);
    ExperimentDocument* doc = window.document();
    StudySpec spec;
    spec.repeats = 2;
    doc->setStudy(spec);
    StudyPanel* panel = window.studyView()->panel();
    auto* repeats = panel->findChild<QSpinBox*>(QStringLiteral("studyRepeats"));
    QVERIFY(repeats);
    QCOMPARE(repeats->value(), 2);
    repeats->setValue(5);
    QCOMPARE(doc->experiment().study->repeats, 5);
    QCOMPARE(window.studyController()->jobsTotal(), std::size_t(2 * 5));
    auto* add = panel->findChild<QPushButton*>(QStringLiteral("studyAddKey"));
    add->click(); // optimizer.lr with two values by default
    QCOMPARE(doc->experiment().study->grid.size(), std::size_t(1));
    QCOMPARE(window.studyController()->jobsTotal(), std::size_t(2 * 2 * 5));
    // A bad value: refused, named, the document keeps its last good study.
    auto* values = panel->findChild<QLineEdit*>(QStringLiteral("studyValues"));
    QVERIFY(values);
    values->setText(QStringLiteral("0.1, -3"));
    emit values->editingFinished();
    QVERIFY2(panel->problemText().contains("study.grid.optimizer.lr[1]"),
             qPrintable(panel->problemText()));
    QCOMPARE(doc->experiment().study->grid.front().values.size(), std::size_t(2));
    QVERIFY(std::get<double>(doc->experiment().study->grid.front().values[1]) > 0);
    // Undo goes back through the panel's edits.
    doc->undo();
    QCOMPARE(doc->experiment().study->grid.size(), std::size_t(0));
    // Values as the panel reads them.
    std::vector<ParamValue> parsed;
    QString why;
    QVERIFY(StudyPanel::parseValues(QStringLiteral("[16], [32, 32]"), &parsed, &why));
    QCOMPARE(parsed.size(), std::size_t(2));
    QVERIFY(StudyPanel::parseValues(QStringLiteral("adam, true, 3"), &parsed, &why));
    QCOMPARE(std::get<std::string>(parsed[0]), std::string("adam"));
    QVERIFY(std::get<bool>(parsed[1]));
    QCOMPARE(std::get<double>(parsed[2]), 3.0);
    QVERIFY(!StudyPanel::parseValues(QStringLiteral("  "), &parsed, &why));
    QVERIFY(StudyPanel::gridKeys(doc->experiment()).contains("optimizer.betas[1]"));
    QVERIFY(StudyPanel::gridKeys(doc->experiment()).contains("problem.start[0]"));
}

// Closing the window while jobs run stops them and leaves every finished job on disk.
void TestStudyView::closingMidStudyStopsCleanly() {
    QTemporaryDir dir;
    const QString file = writeFile(dir.filePath("close.json"), studyFile(400000));
    QString out;
    {
        auto* window = new MainWindow;
        window->show();
        QString error;
        QVERIFY2(window->openFile(file, &error), qPrintable(error));
        out = window->studyController()->outputDir();
        window->studyController()->setTraces(TraceMode::None);
        window->studyController()->play();
        QTRY_VERIFY_WITH_TIMEOUT(countSummaries(out) >= 1, 60000);
        QElapsedTimer t;
        t.start();
        delete window; // waits for the worker
        qInfo("closed in %lld ms", static_cast<long long>(t.elapsed()));
        QVERIFY(t.elapsed() < 20000);
    }
    const int done = countSummaries(out);
    QVERIFY(done >= 1 && done < 36);
    QDirIterator it(out, {QStringLiteral("*.tmp-*")}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(!it.hasNext()); // no half-written file left
}

QTEST_MAIN(TestStudyView)
#include "tst_study_view.moc"
