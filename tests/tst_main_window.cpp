// The main window renders with runs on it, and open/save round-trips an experiment.
#include "core/experiment/experiment_io.h"
#include "core/optim/update_rule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/export_controller.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/function_view.h"
#include "ui/function/inspector_panel.h"
#include "ui/network/network_run_controller.h"

#include "ui/app/point_banner.h"
#include "ui/app/recent_folders.h"
#include "ui/function/charts_panel.h"
#include "ui/plots/line_chart.h"
#include "ui/teaching/presentation_mode.h"
#include "ui/teaching/presets_menu.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

using namespace optiscope;

namespace {

int distinctColors(const QImage& image) {
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colors.insert(image.pixel(x, y));
    return int(colors.size());
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rendersWithRuns_data();
    void rendersWithRuns();
    void clickSetsTheStart();
    void inspectorShowsTheFormula();
    void openSaveRoundTrip();
    void openReportsInvalidFiles();
    void wheelChangesOnlyFocusedFields();
    void presetBannerIsOneClosableLine();
    void chartTextsAreWhole_data();
    void chartTextsAreWhole();
    void resetLayoutPutsPanelsBack();
    void dialogsStartInTheLastFolder();
    void editsUndoAndRedo();

private:
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Keep the user's settings out of it.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QApplication::setOrganizationName("OptiScopeTest");
    QApplication::setApplicationName("tst_main_window");
}

void TestMainWindow::rendersWithRuns_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1600x1000") << QSize(1600, 1000);
}

void TestMainWindow::rendersWithRuns() {
    QFETCH(QSize, size);
    MainWindow window;
    window.resize(size);
    window.setExperiment(Experiment::defaultExperiment(), QString());
    window.controller()->setSpeed(0);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
    QTest::qWait(300); // throttled repaints
    QCOMPARE(window.controller()->tracks().size(), size_t(2));
    for (const RunTrack& t : window.controller()->tracks())
        QCOMPARE(t.latest.step, 1500LL);

    const QImage shot = window.grab().toImage();
    QVERIFY(shot.width() >= size.width() * 0.9);
    const QString path =
        m_dir.filePath(QStringLiteral("window-%1x%2.png").arg(size.width()).arg(size.height()));
    QVERIFY(shot.save(path));
    const QByteArray shots = qgetenv("OPTISCOPE_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        shot.save(QString::fromLocal8Bit(shots) + "/" + QFileInfo(path).fileName());
    QVERIFY2(distinctColors(shot) > 200, qPrintable(QString::number(distinctColors(shot))));
    // The map really shows the trajectories: the run's colour is on it.
    const QImage map = window.functionView()->grab().toImage();
    const QColor runColour = window.controller()->tracks()[0].color;
    int hits = 0;
    for (int y = 0; y < map.height(); ++y)
        for (int x = 0; x < map.width(); ++x) {
            const QColor c(map.pixel(x, y));
            if (std::abs(c.red() - runColour.red()) + std::abs(c.green() - runColour.green()) +
                    std::abs(c.blue() - runColour.blue()) <
                24)
                ++hits;
        }
    QVERIFY2(hits > 50, qPrintable(QString::number(hits)));
    // Everything fits: the window is not larger than asked.
    QVERIFY(window.width() <= size.width());
    QVERIFY(window.height() <= size.height());
}

void TestMainWindow::inspectorShowsTheFormula() {
    MainWindow window;
    window.resize(1600, 1000);
    window.setExperiment(Experiment::defaultExperiment(), QString());
    window.controller()->setSpeed(0);
    window.show();
    window.showInspector();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
    QTest::qWait(200);
    // The formula label shows Adam's rule with this step's numbers (t = 1500, 1 − β2^t, ...).
    QString text;
    for (QLabel* label : window.inspector()->findChildren<QLabel*>())
        text += label->text() + "\n";
    QVERIFY2(text.contains("t = 1500"), qPrintable(text));
    QVERIFY2(text.contains("m̂"), qPrintable(text));
    QVERIFY2(text.contains(QString::number(1.0 / (1.0 - 0.999), 'g', 4)), qPrintable(text));
    const double bc2 = 1 - std::pow(0.999, 1500);
    QVERIFY2(text.contains(QString::number(bc2, 'g', 4)), qPrintable(text));
    const QByteArray shots = qgetenv("OPTISCOPE_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        window.grab().save(QString::fromLocal8Bit(shots) + "/inspector.png");
}

void TestMainWindow::clickSetsTheStart() {
    MainWindow window;
    window.resize(1366, 768);
    window.setExperiment(Experiment::defaultExperiment(), QString());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    FunctionView* map = window.functionView();
    const Eigen::Vector2d before = window.controller()->experiment().function.start;
    QTest::mouseClick(map, Qt::LeftButton, {}, QPoint(map->width() / 2, map->height() / 2));
    const Eigen::Vector2d after = window.controller()->experiment().function.start;
    QVERIFY(after != before);
    QVERIFY(map->view().contains(QPointF(after.x(), after.y())));
    // Every run restarts from there.
    QTRY_VERIFY_WITH_TIMEOUT(!window.controller()->tracks()[0].samples.empty(), 5000);
    QCOMPARE(window.controller()->tracks()[0].samples.front().x, after.x());
    QCOMPARE(window.controller()->tracks()[1].samples.front().y, after.y());
}

void TestMainWindow::openSaveRoundTrip() {
    Experiment e = Experiment::defaultExperiment();
    RunConfig sgd;
    sgd.name = "SGD momentum";
    sgd.optimizer.type = "sgd";
    sgd.optimizer.params = ParamSet::defaults(findOptimizer("sgd")->params);
    sgd.optimizer.params.set("lr", 1e-3);
    sgd.optimizer.params.set("momentum", 0.9);
    sgd.color = "#00aa88";
    sgd.visible = false;
    e.runs.push_back(sgd);
    e.function.start = Eigen::Vector2d(0.5, -0.25);

    MainWindow first;
    first.setExperiment(e, QString());
    // Change Adam's beta2 through the controller, as the editor does.
    RunConfig adam = first.controller()->experiment().runs[0];
    adam.optimizer.params.set("betas", std::vector<double>{0.9, 0.99});
    first.document()->setRun(0, adam);
    const QString path = m_dir.filePath("round-trip.json");
    QString error;
    QVERIFY2(first.saveFile(path, &error), qPrintable(error));
    QCOMPARE(first.filePath(), path);

    MainWindow second;
    QVERIFY2(second.openFile(path, &error), qPrintable(error));
    const Experiment& back = second.controller()->experiment();
    QCOMPARE(QString::fromStdString(experimentToJson(back)),
             QString::fromStdString(experimentToJson(first.controller()->experiment())));
    QVERIFY(back == first.controller()->experiment());
    // Saving what was opened writes the same bytes.
    const QString again = m_dir.filePath("round-trip-2.json");
    QVERIFY2(second.saveFile(again, &error), qPrintable(error));
    QFile a(path), b(again);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(a.readAll(), b.readAll());
    QCOMPARE(back.runs[0].optimizer.params.list("betas")[1], 0.99);
    QCOMPARE(back.runs[1].color, std::string("#00aa88"));
    QVERIFY(!back.runs[1].visible);
    QCOMPARE(second.controller()->tracks().size(), size_t(3)); // Adam, its twin, SGD
}

void TestMainWindow::openReportsInvalidFiles() {
    const QString path = m_dir.filePath("bad.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format": "optiscope-experiment", "version": 1, "problem": {"type": "function",
        "function": "rosenbrock"}, "steps": 10, "runs": [{"name": "A", "optimizer": {"type":
        "adam", "betas": [0.9, 1.2]}}]})");
    f.close();
    MainWindow window;
    window.setExperiment(Experiment::defaultExperiment(), QString());
    const Experiment before = window.controller()->experiment();
    QString error;
    QVERIFY(!window.openFile(path, &error));
    QVERIFY2(error.contains("bad.json") && error.contains("runs[0].optimizer.betas[1]"),
             qPrintable(error));
    QVERIFY(window.controller()->experiment() == before); // nothing replaced
}

namespace {

void wheel(QWidget* w, int steps) {
    const QPointF pos(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent e(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, 120 * steps), Qt::NoButton,
                  Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

} // namespace

// The wheel over a form scrolls it: a combo box or spin box changes only once clicked into
// (Adam once became Adamax, and a validation split 0.2 became 0.05, on the way down a form).
void TestMainWindow::wheelChangesOnlyFocusedFields() {
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    window.setExperiment(Experiment::defaultExperiment(), QString());
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* optimizer = window.findChild<QComboBox*>(QStringLiteral("optimizerType"));
    QVERIFY(optimizer);
    QVERIFY(optimizer->focusPolicy() != Qt::WheelFocus);
    const QString before = optimizer->currentText();
    window.setFocus();
    wheel(optimizer, -1);
    wheel(optimizer, -1);
    QCOMPARE(optimizer->currentText(), before);
    QCOMPARE(window.document()->experiment().runs[0].optimizer.type, std::string("adam"));
    // Clicked into (focused), the wheel works as usual.
    optimizer->setFocus();
    QVERIFY(optimizer->hasFocus());
    wheel(optimizer, -1);
    QVERIFY(optimizer->currentText() != before);
}

// A preset's point is one line (with "more" to read it whole), can be closed, and goes away
// when the problem changes.
void TestMainWindow::presetBannerIsOneClosableLine() {
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    PresetEntry preset;
    for (const PresetEntry& p : window.presetsMenu()->entries())
        if (p.file == QLatin1String("adam-exponential-decay.json"))
            preset = p;
    QString error;
    QVERIFY2(window.openPreset(preset, &error), qPrintable(error));
    auto* banner = window.findChild<PointBanner*>();
    QVERIFY(banner && banner->isVisible());
    QTRY_VERIFY(banner->shownText().endsWith(QStringLiteral("…")));
    QVERIFY(banner->height() <= 3 * banner->fontMetrics().height());
    banner->setExpanded(true);
    QVERIFY(banner->shownText().endsWith(preset.point));
    banner->setExpanded(false);
    // The problem changes: the sentence described another experiment.
    window.document()->setStart(Eigen::Vector2d(0.5, 0.5));
    QVERIFY(!banner->isVisible());
    QVERIFY(window.presetPoint().isEmpty());
    QVERIFY2(window.openPreset(preset, &error), qPrintable(error));
    QVERIFY(banner->isVisible());
    auto* close = banner->findChildren<QToolButton*>().back();
    close->click();
    QVERIFY(!banner->isVisible());
}

void TestMainWindow::chartTextsAreWhole_data() {
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("presentation");
    QTest::addColumn<bool>("paged");
    QTest::newRow("1366x768") << QSize(1366, 768) << false << true;
    QTest::newRow("1366x768 presentation") << QSize(1366, 768) << true << true;
    QTest::newRow("1920x1080") << QSize(1920, 1080) << false << false;
}

// A class reads the charts on a 1366×768 projector: no title, axis title or tick label is cut
// to "…", legends keep every name (8 runs and their twins), and nothing scrolls sideways. The
// charts show in pages where two side by side would not fit.
void TestMainWindow::chartTextsAreWhole() {
    QFETCH(QSize, size);
    QFETCH(bool, presentation);
    QFETCH(bool, paged);
    MainWindow window;
    window.presentationMode()->setOn(presentation);
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    Experiment e = Experiment::defaultExperiment();
    e.steps = 300;
    const char* types[] = {"sgd",   "adam",  "rmsprop", "adagrad",
                           "adamw", "nadam", "radam",   "adamax"};
    e.runs.resize(1);
    for (int i = 1; i < 8; ++i) {
        RunConfig r = e.runs[0];
        r.name = std::string("Run ") + types[i];
        r.optimizer.type = types[i];
        r.optimizer.params = ParamSet::defaults(findOptimizer(types[i])->params);
        r.optimizer.params.set("lr", 0.01);
        r.color.clear();
        e.runs.push_back(r);
    }
    window.setExperiment(e, QString());
    window.controller()->play();
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
    ChartsPanel* panel = window.chartsPanel();
    QCOMPARE(panel->paged(), paged);
    auto* scroll = qobject_cast<QScrollArea*>(panel->parentWidget()->parentWidget());
    QVERIFY(scroll);
    QVERIFY(!scroll->horizontalScrollBar()->isVisible());
    const int pages = paged ? panel->pages()->count() : 1;
    for (int page = 0; page < pages; ++page) {
        if (paged)
            panel->pages()->setCurrentIndex(page);
        QTest::qWait(300); // the charts of the page are drawn one per turn
        QApplication::processEvents();
        int shown = 0;
        QString pageLegend;
        bool effective = false;
        for (LineChart* chart : panel->charts()) {
            if (chart->isHidden())
                continue;
            ++shown;
            QTRY_VERIFY(!chart->spec().series.empty());
            QVERIFY2(chart->elidedTexts().isEmpty(),
                     qPrintable(QStringLiteral("page %1, \"%2\": %3")
                                    .arg(page)
                                    .arg(chart->spec().title, chart->elidedTexts().join(" | "))));
            pageLegend += chart->legendText();
            effective = effective || chart->spec().title.contains(QStringLiteral("Effective"));
        }
        // Every run's name is in the page's legend, whole.
        if (effective)
            for (const RunConfig& r : e.runs)
                QVERIFY2(pageLegend.contains(QString::fromStdString(r.name).replace(
                             QLatin1Char(' '), QStringLiteral("&nbsp;"))),
                         r.name.c_str());
        QVERIFY(shown >= 1);
    }
    // The moments charts in the inspector (a narrower dock): whole too, and the hats of m̂ and
    // √v̂ in their legends set in a font that draws them (Qt 6.4 drops them over DejaVu Sans).
    window.showInspector();
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("inspectorTabs"));
    QVERIFY(tabs);
    tabs->setCurrentIndex(1);
    QTest::qWait(300);
    QApplication::processEvents();
    auto* moments = tabs->currentWidget();
    const auto momentCharts = moments->findChildren<LineChart*>();
    QCOMPARE(momentCharts.size(), 3);
    for (LineChart* chart : momentCharts) {
        QTRY_VERIFY(!chart->spec().series.empty());
        QVERIFY2(chart->elidedTexts().isEmpty(),
                 qPrintable(QStringLiteral("moments, \"%1\": %2")
                                .arg(chart->spec().title, chart->elidedTexts().join(" | "))));
    }
    QVERIFY2(momentCharts[0]->legendText().contains(QStringLiteral("serif\">m\u0302</span>")),
             qPrintable(momentCharts[0]->legendText()));
    window.presentationMode()->setOn(false);
}

// View → Reset layout: a floated, a closed and a squeezed dock all come back to the left.
void TestMainWindow::resetLayoutPutsPanelsBack() {
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* runs = window.findChild<QDockWidget*>(QStringLiteral("runsDock"));
    auto* inspector = window.findChild<QDockWidget*>(QStringLiteral("inspectorDock"));
    auto* help = window.findChild<QDockWidget*>(QStringLiteral("helpDock"));
    QVERIFY(runs && inspector && help);
    runs->setFloating(true);
    inspector->hide();
    help->show();
    window.addDockWidget(Qt::RightDockWidgetArea, inspector);
    auto* reset = window.findChild<QAction*>(QStringLiteral("resetLayout"));
    QVERIFY(reset);
    reset->trigger();
    QApplication::processEvents();
    QVERIFY(!runs->isFloating());
    QVERIFY(runs->isVisible());
    QCOMPARE(window.dockWidgetArea(runs), Qt::LeftDockWidgetArea);
    QCOMPARE(window.dockWidgetArea(inspector), Qt::LeftDockWidgetArea);
    QVERIFY(window.tabifiedDockWidgets(runs).contains(inspector));
    QVERIFY(!help->isVisible());
    QTRY_VERIFY(runs->width() >= runs->minimumWidth());
    QVERIFY(runs->minimumWidth() >= 20 * runs->fontMetrics().horizontalAdvance(QLatin1Char('M')));
}

// File dialogs start where the user last saved that kind of file, across sessions (QSettings),
// and fall back when that folder is gone.
void TestMainWindow::dialogsStartInTheLastFolder() {
    QTemporaryDir dir;
    const QString sub = dir.filePath(QStringLiteral("slides"));
    QVERIFY(QDir().mkpath(sub));
    RecentFolders::remember(QStringLiteral("exports"), QDir(sub).filePath("loss.png"));
    QCOMPARE(RecentFolders::folder(QStringLiteral("exports")), sub);
    RecentFolders::remember(QStringLiteral("studies"), sub, true);
    QCOMPARE(RecentFolders::folder(QStringLiteral("studies")), sub);
    // Another kind keeps its own.
    QCOMPARE(RecentFolders::folder(QStringLiteral("data"), dir.path()), dir.path());
    QVERIFY(QDir(sub).removeRecursively());
    QCOMPARE(RecentFolders::folder(QStringLiteral("exports"), dir.path()), dir.path());
    QCOMPARE(RecentFolders::folder(QStringLiteral("exports")), QDir::homePath());
}

// Every edit goes through the document, and Edit → Undo / Redo walk back and forth.
void TestMainWindow::editsUndoAndRedo() {
    MainWindow window;
    window.show();
    window.setExperiment(Experiment::defaultExperiment(), QString());
    ExperimentDocument* doc = window.document();
    QVERIFY(!doc->canUndo());
    RunConfig run = doc->experiment().runs[0];
    run.optimizer.params.set("lr", 0.05);
    doc->setRun(0, run);
    doc->setStart(Eigen::Vector2d(1, 1));
    QVERIFY(doc->isModified());
    doc->undo();
    QCOMPARE(doc->experiment().function.start, Eigen::Vector2d(-1.5, 2.0));
    QCOMPARE(doc->experiment().runs[0].optimizer.params.real("lr"), 0.05);
    doc->undo();
    QCOMPARE(doc->experiment().runs[0].optimizer.params.real("lr"), 0.1);
    QVERIFY(!doc->canUndo() && doc->canRedo());
    doc->redo();
    QCOMPARE(doc->experiment().runs[0].optimizer.params.real("lr"), 0.05);
    // Renaming restarts nothing; a number restarts only that run.
    const std::uint64_t g = doc->generation(0, false);
    run = doc->experiment().runs[0];
    run.name = "renamed";
    doc->setRun(0, run);
    QCOMPARE(doc->generation(0, false), g);
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
