#include "ui/app/main_window.h"

#include "ui/app/recent_folders.h"

#include "core/experiment/experiment_io.h"
#include "core/study/study_results.h"
#include "ui/app/experiment_document.h"
#include "ui/app/export_controller.h"
#include "ui/app/frame_pacer.h"
#include "ui/app/play_bar.h"
#include "ui/app/point_banner.h"
#include "ui/app/wheel_guard.h"
#include "ui/function/charts_panel.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/function_view.h"
#include "ui/function/inspector_panel.h"
#include "ui/function/moments_panel.h"
#include "ui/function/run_editor_panel.h"
#include "ui/function/run_list_panel.h"
#include "ui/function/surface_view.h"
#include "ui/network/network_inspector.h"
#include "ui/network/network_run_controller.h"
#include "ui/network/network_view.h"
#include "ui/study/study_controller.h"
#include "ui/study/study_view.h"
#include "ui/teaching/help_dock.h"
#include "ui/teaching/presentation_mode.h"
#include "ui/teaching/presets_menu.h"
#include "ui/teaching/teaching_exports.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

// What the map's home view depends on: the function, and a typed function's bounds.
std::string shownFunctionKey(const Experiment& e) {
    std::string key = e.function.function;
    if (e.function.custom) {
        const PlotBounds& b = e.function.custom->info().bounds;
        for (double v : {b.xMin, b.xMax, b.yMin, b.yMax})
            key += " " + formatDouble(v);
    }
    return key;
}

QScrollArea* scrolling(QWidget* w) {
    auto* area = new QScrollArea;
    area->setWidget(w);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    return area;
}

constexpr int kMaxRecent = 8;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_document(new ExperimentDocument(this)),
      m_controller(new FunctionRunController(m_document, this)),
      m_networkController(new NetworkRunController(m_document, this)),
      m_studyController(new StudyController(m_document, this)), m_mapThrottle(new QTimer(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_map = new FunctionView;
    m_pacer = new FramePacer(this);
    m_charts = new ChartsPanel(m_controller);
    m_charts->setPacer(m_pacer);
    m_map->setPacer(m_pacer);
    auto* chartsScroll = scrolling(m_charts);
    // The charts reflow to the width they get (pages when narrow): never a sideways scroll.
    chartsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_charts->setMinimumSize(340, 460);
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("mapChartsSplitter"));
    // The map and, beside it, the same function as a 3D surface (made when first shown).
    m_surface = new SurfaceView;
    auto* mapTabs = new QTabWidget;
    mapTabs->setObjectName(QStringLiteral("mapTabs"));
    mapTabs->setDocumentMode(true);
    mapTabs->addTab(m_map, tr("Map"));
    mapTabs->addTab(m_surface, tr("3D surface"));
    connect(mapTabs, &QTabWidget::currentChanged, this, [this]() { refreshMap(); });
    splitter->addWidget(mapTabs);
    splitter->addWidget(chartsScroll);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 6);
    splitter->setChildrenCollapsible(false);
    m_network = new NetworkView(m_document, m_networkController);
    m_central = new QStackedWidget;
    m_central->addWidget(splitter);
    m_central->addWidget(m_network);
    m_study = new StudyView(m_document, m_studyController);
    m_central->addWidget(m_study);
    // The preset's point, one line above the view, until it is closed or the problem changes.
    m_banner = new PointBanner;
    auto* centre = new QWidget;
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(2);
    centreLayout->addWidget(m_banner);
    centreLayout->addWidget(m_central, 1);
    setCentralWidget(centre);
    connect(m_document, &ExperimentDocument::changed, this, [this](auto change, int) {
        if (change == ExperimentDocument::Change::Problem ||
            change == ExperimentDocument::Change::Everything)
            m_banner->setPoint({}, {});
    });
    WheelGuard::install();
    connect(m_study, &StudyView::openJobRequested, this,
            [this](const Experiment& e, const QString& label) {
                openInNewWindow(e);
                showStatus(tr("Opened %1 in a new window").arg(label));
            });
    connect(m_study, &StudyView::figureMenuRequested, this, &MainWindow::showStudyFigureMenu);
    connect(m_study, &StudyView::exportTablesRequested, this, &MainWindow::exportStudyTables);
    connect(m_studyController, &StudyController::failed, this, &MainWindow::showStatus);
    connect(m_studyController, &StudyController::progressChanged, this, [this]() {
        if (!m_autoRunStudy || m_studyController->estimatedSeconds() < 0)
            return;
        m_autoRunStudy = false;
        if (m_studyController->estimatedSeconds() <= 90)
            m_studyController->play();
        else
            showStatus(tr("This study takes about %1 min on this machine: press Run to start "
                          "it (finished jobs are kept)")
                           .arg(std::lround(m_studyController->estimatedSeconds() / 60)));
    });
    connect(m_document, &ExperimentDocument::changed, this, [this](auto change, int) {
        if (change == ExperimentDocument::Change::Study ||
            change == ExperimentDocument::Change::Everything)
            refreshCentral();
    });
    connect(m_networkController, &NetworkRunController::failed, this, &MainWindow::showStatus);

    m_runList = new RunListPanel(m_controller);
    m_editor = new RunEditorPanel(m_controller);
    auto* runsSplit = new QSplitter(Qt::Vertical);
    runsSplit->setObjectName(QStringLiteral("runsSplitter"));
    runsSplit->addWidget(m_runList);
    auto* editorScroll = scrolling(m_editor);
    editorScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    runsSplit->addWidget(editorScroll);
    runsSplit->setStretchFactor(0, 1);
    runsSplit->setStretchFactor(1, 3);
    m_runsDock = new QDockWidget(tr("Runs"), this);
    m_runsDock->setObjectName(QStringLiteral("runsDock"));
    m_runsDock->setWidget(runsSplit);
    addDockWidget(Qt::LeftDockWidgetArea, m_runsDock);

    m_inspector = new InspectorPanel(m_controller);
    m_networkInspector = new NetworkInspector(m_networkController);
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectors = new QStackedWidget;
    // Functions: the inspected step, and the moments over the steps, side by side as tabs.
    m_moments = new MomentsPanel(m_controller);
    m_moments->setPacer(m_pacer);
    auto* functionInspector = new QTabWidget;
    functionInspector->setObjectName(QStringLiteral("inspectorTabs"));
    functionInspector->addTab(scrolling(m_inspector), tr("Step"));
    functionInspector->addTab(scrolling(m_moments), tr("Moments m, v"));
    m_inspectors->addWidget(functionInspector);
    m_inspectors->addWidget(scrolling(m_networkInspector));
    m_inspectorDock->setWidget(m_inspectors);
    addDockWidget(Qt::LeftDockWidgetArea, m_inspectorDock);
    tabifyDockWidget(m_runsDock, m_inspectorDock);
    m_studyDock = new QDockWidget(tr("Study"), this);
    m_studyDock->setObjectName(QStringLiteral("studyDock"));
    auto* studyScroll = scrolling(m_study->settingsWidget());
    studyScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_studyDock->setWidget(studyScroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_studyDock);
    tabifyDockWidget(m_runsDock, m_studyDock);
    m_studyDock->hide(); // shown with a study
    m_runsDock->raise();
    // Docks never shrink below what their forms need (a window shrunk and grown again used to
    // leave them squeezed); View → Reset layout puts everything back.
    fitDocksToFont();
    QTimer::singleShot(0, this, [this]() {
        if (!m_restoredState)
            resizeDocks({m_runsDock}, {380}, Qt::Horizontal);
    });

    m_playBar = new PlayBar(m_controller, m_networkController, this);
    addToolBar(Qt::TopToolBarArea, m_playBar);
    m_exporter = new ExportController(m_controller, m_map, this);
    buildTeaching();
    buildMenus();
    statusBar()->showMessage(tr("Click the map to set the start point · wheel to zoom · "
                                "right-drag to pan"));

    m_mapThrottle->setSingleShot(true);
    m_mapThrottle->setInterval(30);
    // The map's frames and the charts' alternate (FramePacer), so that their repaints never add up.
    connect(m_mapThrottle, &QTimer::timeout, this, [this]() {
        m_pacer->request(this, [this]() {
            refreshMap();
            return true;
        });
    });
    auto mapSoon = [this]() {
        if (!m_mapThrottle->isActive())
            m_mapThrottle->start();
    };
    connect(m_controller, &FunctionRunController::tracksUpdated, this, mapSoon);
    connect(m_controller, &FunctionRunController::experimentChanged, this, mapSoon);
    connect(m_document, &ExperimentDocument::modifiedChanged, this, &MainWindow::refreshTitle);
    connect(m_document, &ExperimentDocument::filePathChanged, this, &MainWindow::refreshTitle);
    connect(m_controller, &FunctionRunController::failed, this,
            [this](const QString& msg) { showStatus(tr("Run failed: %1").arg(msg)); });
    connect(m_map, &FunctionView::startPicked, m_document, &ExperimentDocument::setStart);
    connect(m_map, &FunctionView::contextMenuAt, this, [this](const QPoint& pos) {
        m_exporter->showContextMenu(PlotKind::Trajectories, pos);
    });
    connect(m_charts, &ChartsPanel::contextMenuRequested, m_exporter,
            &ExportController::showContextMenu);
    // The inspected step, marked on the charts and ringed on the map.
    connect(m_inspector, &InspectorPanel::inspectedChanged, this,
            [this](double step, QPointF point) {
                m_charts->setMarkerStep(step);
                std::optional<QPointF> now;
                if (std::isfinite(step))
                    now = point;
                if (now != m_inspected) {
                    m_inspected = now;
                    if (!m_mapThrottle->isActive())
                        m_mapThrottle->start();
                }
            });
    connect(m_exporter, &ExportController::message, this, &MainWindow::showStatus);
    connect(m_runList, &RunListPanel::selectionChanged, this, [this](int config, bool twin) {
        m_editor->setCurrentRun(config);
        m_inspector->setRun(config, twin);
        m_moments->setRun(config, twin);
        m_network->followRun(config, twin);
    });
    connect(m_network, &NetworkView::figureMenuRequested, this, &MainWindow::showNetworkFigureMenu);
    connect(m_network, &NetworkView::tracksUpdated, this, &MainWindow::refreshNetworkStatus);
    connect(m_controller, &FunctionRunController::experimentChanged, this,
            &MainWindow::refreshNetworkStatus);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        // First launch: large, but never larger than the screen (1366×768 included).
        const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1366, 768);
        resize(std::min(1500, avail.width() - 20), std::min(940, avail.height() - 40));
        move(avail.topLeft() + QPoint(10, 10));
    }
    m_restoredState = restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_presentation->restore();
    m_playBar->setSpeedIndex(settings.value(QStringLiteral("play/speed"), 6).toInt());
    refreshRecentMenu();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New (default experiment)"), QKeySequence::New, this, [this]() {
        if (maybeSave())
            setExperiment(Experiment::defaultExperiment(), QString());
    });
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
    file->addSeparator();
    // The Export menu lists what the window shows now: the function plots or the network's.
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->setObjectName(QStringLiteral("exportMenu"));
    connect(exportMenu, &QMenu::aboutToShow, this,
            [this, exportMenu]() { fillExportMenu(exportMenu); });
    fillExportMenu(exportMenu);
    m_animationAction =
        file->addAction(tr("Export &animation…"), m_teaching, &TeachingExports::exportAnimation);
    m_sheetAction = file->addAction(tr("Export figure s&heet…"), m_teaching,
                                    &TeachingExports::exportFigureSheet);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo =
        edit->addAction(tr("&Undo"), QKeySequence::Undo, m_document, &ExperimentDocument::undo);
    QAction* redo =
        edit->addAction(tr("&Redo"), QKeySequence::Redo, m_document, &ExperimentDocument::redo);
    auto refreshUndo = [this, undo, redo]() {
        undo->setEnabled(m_document->canUndo());
        redo->setEnabled(m_document->canRedo());
    };
    connect(m_document, &ExperimentDocument::undoStateChanged, this, refreshUndo);
    refreshUndo();

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_playBar->playAction());
    run->addAction(m_playBar->stepAction());
    run->addAction(m_playBar->resetAction());

    menuBar()->addMenu(m_presets);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_studyAction = view->addAction(tr("&Study (repeats, grid, statistics)"));
    m_studyAction->setCheckable(true);
    m_studyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_studyAction->setToolTip(tr("The study of this experiment, or its explorer"));
    connect(m_studyAction, &QAction::triggered, this, [this](bool on) {
        if (on && !m_document->experiment().study) {
            StudySpec study;
            study.repeats = 3;
            m_document->setStudy(study); // a study of 3 repeats to start from
        }
        showStudy(on);
    });
    view->addSeparator();
    view->addAction(m_runsDock->toggleViewAction());
    view->addAction(m_inspectorDock->toggleViewAction());
    view->addAction(m_playBar->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("Reset map &view"), this,
                    [this]() { m_map->setView(defaultMapView(m_controller->experiment())); });
    view->addAction(m_help->toggleViewAction());
    view->addAction(m_presentation->action());
    view->addSeparator();
    auto* reset = view->addAction(tr("Reset &layout"), this, &MainWindow::resetLayout);
    reset->setObjectName(QStringLiteral("resetLayout"));
    reset->setToolTip(tr("Put the panels back where they start: runs, inspector and study on "
                         "the left, help closed"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Contents"), QKeySequence::HelpContents, this,
                    [this]() { m_help->showPage(QStringLiteral("index.md")); });
    help->addAction(tr("&Adam and the effective learning rate"), this,
                    [this]() { m_help->showPage(QStringLiteral("optimizer-adam.md")); });
    help->addSeparator();
    help->addAction(tr("&Keyboard shortcuts"), this, [this]() {
        QMessageBox::information(
            this, tr("Keyboard shortcuts"),
            tr("Space: play / pause\n→: one step\nR: reset\nCtrl+O / Ctrl+S: open / save\n\n"
               "Map: click or drag to set the start point, wheel to zoom, right or middle drag "
               "(or Shift+drag) to pan, double-click to reset the view, right-click to export."));
    });
    help->addAction(tr("&About OptiScope"), this, [this]() {
        QMessageBox::about(this, tr("About OptiScope"),
                           tr("<b>OptiScope</b><br>Watch gradient-descent optimizers move over 2D "
                              "functions, and see how Adam's effective per-parameter learning "
                              "rate η<sub>t</sub>/(√v̂<sub>t</sub>+ε) evolves with and without "
                              "learning-rate decay.<br><br>"
                              "Optimizers and schedules follow PyTorch 1.13 and Keras step for "
                              "step.<br><br>"
                              "The <i>digits</i> data set is the test part of the UCI “Optical "
                              "Recognition of Handwritten Digits” data set by E. Alpaydin and "
                              "C. Kaynak (1998), licensed CC BY 4.0."));
    });
}

bool MainWindow::showsStudy() const {
    return m_central->currentWidget() == m_study;
}

void MainWindow::showStudy(bool show) {
    const bool network = showsNetwork();
    m_central->setCurrentWidget(show      ? static_cast<QWidget*>(m_study)
                                : network ? static_cast<QWidget*>(m_network)
                                          : m_central->widget(0));
    if (m_studyAction)
        m_studyAction->setChecked(show);
    m_playBar->setEnabled(!show); // its keys would play the explorer behind the study
    if (show) {                   // the study's jobs get the cores
        m_controller->pause();
        m_networkController->pause();
        m_studyDock->show();
        m_studyDock->raise();
        statusBar()->showMessage(tr("Run the study · click a row, a dot or a cell to open that "
                                    "job in a new window · right-click a plot to export"));
    }
}

void MainWindow::refreshCentral() {
    const bool study = m_document->experiment().study.has_value();
    if (!study && showsStudy())
        showStudy(false);
    if (!study)
        m_studyDock->hide();
    if (m_studyAction)
        m_studyAction->setChecked(showsStudy());
}

MainWindow* MainWindow::openInNewWindow(const Experiment& experiment) {
    auto* window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->move(pos() + QPoint(40, 40));
    window->setExperiment(experiment, QString());
    window->show();
    return window;
}

void MainWindow::showStudyFigureMenu(const QString& stem, const QPoint& globalPos) {
    QMenu menu(this);
    for (const Figure& figure : m_study->figures())
        if (figure.stem == stem)
            m_exporter->addFigureActions(&menu, figure.title, figure.stem, [this, stem]() {
                for (Figure& f : m_study->figures())
                    if (f.stem == stem)
                        return f.paint;
                return PaintFunction([](QPainter&, const QRectF&) {});
            });
    menu.addSeparator();
    menu.addAction(tr("Export the tables (CSV, Markdown)…"), this, &MainWindow::exportStudyTables);
    menu.exec(globalPos);
}

void MainWindow::exportStudyTables() {
    const StudyPlan* plan = m_studyController->plan();
    if (!plan)
        return;
    m_exporter->exportFiles(
        tr("study tables"),
        [this, plan](const QString& folder, QStringList* written, QString* error) {
            const auto& records = m_studyController->records();
            const StudyResults& results = m_studyController->results();
            const std::pair<const char*, std::string> files[] = {
                {"summary.csv", summaryCsv(*plan, results)},
                {"comparisons.csv", comparisonsCsv(*plan, results)},
                {"study.csv", studyCsv(*plan, records)},
                {"summary.md", summaryMarkdown(*plan, results)}};
            for (const auto& [name, text] : files) {
                const QString path = QDir(folder).filePath(QString::fromLatin1(name));
                if (!saveFileAtomically(path, QByteArray::fromStdString(text), error))
                    return false;
                *written << path;
            }
            return true;
        },
        tr(" (the jobs done so far)"));
}

bool MainWindow::showsNetwork() const {
    return m_controller->experiment().problemType == Experiment::ProblemType::Network;
}

void MainWindow::fillExportMenu(QMenu* menu) {
    menu->clear();
    if (showsStudy()) {
        for (const Figure& figure : m_study->figures()) {
            QMenu* sub = menu->addMenu(figure.title);
            m_exporter->addFigureActions(sub, figure.title, figure.stem,
                                         [paint = figure.paint]() { return paint; });
        }
        menu->addSeparator();
        menu->addAction(tr("Study &tables (CSV, Markdown)…"), this, &MainWindow::exportStudyTables);
        return;
    }
    if (showsNetwork()) {
        for (const Figure& figure : m_network->figures()) {
            QMenu* sub = menu->addMenu(figure.title);
            addNetworkFigureActions(sub, figure);
        }
        menu->addSeparator();
        menu->addAction(tr("Epoch traces as &CSV…"), this, &MainWindow::exportNetworkTraces);
        return;
    }
    for (PlotKind kind : allPlotKinds()) {
        QMenu* sub = menu->addMenu(plotKindTitle(kind));
        m_exporter->addPlotActions(sub, kind);
    }
    menu->addSeparator();
    menu->addAction(tr("Traces as &CSV…"), m_exporter, &ExportController::exportTraces);
}

void MainWindow::addNetworkFigureActions(QMenu* menu, const Figure& figure) {
    // The figure is drawn as it is when the format is chosen, not when the menu opened.
    m_exporter->addFigureActions(menu, figure.title, figure.stem, [this, stem = figure.stem]() {
        for (Figure& f : m_network->figures())
            if (f.stem == stem)
                return f.paint;
        return PaintFunction([](QPainter&, const QRectF&) {});
    });
}

void MainWindow::showNetworkFigureMenu(const QString& stem, const QPoint& globalPos) {
    QMenu menu(this);
    for (const Figure& figure : m_network->figures())
        if (figure.stem == stem)
            addNetworkFigureActions(&menu, figure);
    menu.addSeparator();
    menu.addAction(tr("Export epoch traces as CSV…"), this, &MainWindow::exportNetworkTraces);
    menu.exec(globalPos);
}

void MainWindow::exportNetworkTraces() {
    m_exporter->exportFiles(
        tr("epoch trace CSV files"),
        [this](const QString& folder, QStringList* written, QString* error) {
            return m_network->writeEpochTraces(folder, written, error);
        },
        tr(" (per-update losses: optiscope-cli run)"));
}

void MainWindow::refreshNetworkStatus() {
    if (!showsNetwork())
        return;
    for (const NetworkTrack& t : m_network->tracks())
        m_runList->setRunStatus(t.instance.configIndex, t.instance.twin, t.statusText(),
                                t.diverged || !t.error.isEmpty());
}

void MainWindow::setExperiment(const Experiment& experiment, const QString& filePath) {
    showPresetPoint(QString(), QString()); // a preset sets its point again after this
    const bool network = experiment.problemType == Experiment::ProblemType::Network;
    if (!network)
        m_networkController->deactivate();
    m_controller->pause();
    m_networkController->pause();
    const QString dataDir =
        filePath.isEmpty() ? QDir::currentPath() : QFileInfo(filePath).absolutePath();
    m_networkController->setBaseDir(dataDir);
    m_studyController->setDataDir(dataDir);
    m_autoRunStudy = false;
    m_document->setFilePath(filePath);
    m_document->setExperiment(experiment);
    m_document->setModified(false);
    if (network && !m_networkController->isActive())
        m_networkController->activate();
    m_central->setCurrentIndex(network ? 1 : 0);
    m_inspectors->setCurrentIndex(network ? 1 : 0);
    // The animation and the figure sheet are of 2-D runs.
    m_animationAction->setEnabled(!network);
    m_sheetAction->setEnabled(!network);
    statusBar()->showMessage(
        network ? tr("Select a run in the Runs list to inspect it and draw its decision boundary · "
                     "right-click a chart to export")
                : tr("Click the map to set the start point · wheel to zoom · right-drag to pan"));
    const bool study = experiment.study.has_value();
    showStudy(study);
    m_map->setHome(defaultMapView(experiment), true);
    m_functionShown = shownFunctionKey(experiment);
    m_runList->select(experiment.runs.empty() ? -1 : 0, false);
    refreshTitle();
    refreshMap();
    if (study) // the explorer waits; the study runs on Run (a preset's when it is short)
        return;
    if (network)
        m_networkController->play();
    else
        m_controller->play();
}

void MainWindow::buildTeaching() {
    m_teaching = new TeachingExports(m_controller, m_map, this);
    connect(m_teaching, &TeachingExports::message, this, &MainWindow::showStatus);

    m_presets = new PresetsMenu(this);
    connect(m_presets, &PresetsMenu::presetChosen, this, [this](const PresetEntry& preset) {
        if (!maybeSave())
            return;
        QString error;
        if (!openPreset(preset, &error))
            QMessageBox::warning(this, tr("Cannot open preset"), error);
    });

    m_help = new HelpDock(this);
    addDockWidget(Qt::RightDockWidgetArea, m_help);
    m_help->hide();
    connect(m_editor, &RunEditorPanel::helpRequested, m_help, &HelpDock::showPage);
    connect(m_inspector, &InspectorPanel::helpRequested, m_help, &HelpDock::showPage);

    m_presentation = new PresentationMode(this);
}

void MainWindow::showPresetPoint(const QString& title, const QString& point) {
    m_banner->setPoint(title, point);
}

QString MainWindow::presetPoint() const {
    return m_banner->point();
}

bool MainWindow::openPreset(const PresetEntry& preset, QString* error) {
    const ExperimentParseResult result = loadPreset(preset);
    if (!result.ok()) {
        if (error)
            *error = QString::fromStdString(result.messages(preset.file.toStdString()));
        return false;
    }
    setExperiment(*result.experiment, QString());
    m_autoRunStudy = result.experiment->study.has_value();
    showPresetPoint(preset.title, preset.point);
    showStatus(preset.point);
    return true;
}

bool MainWindow::openFile(const QString& path, QString* error) {
    const ExperimentParseResult result = loadExperiment(path.toStdString());
    if (!result.ok()) {
        if (error)
            *error =
                QString::fromStdString(result.messages(QFileInfo(path).fileName().toStdString()));
        return false;
    }
    setExperiment(*result.experiment, path);
    addRecent(path);
    return true;
}

QString MainWindow::filePath() const {
    return m_document->filePath();
}

bool MainWindow::saveFile(const QString& path, QString* error) {
    std::string why;
    if (!saveExperiment(m_document->experiment(), path.toStdString(), &why)) {
        if (error)
            *error = QString::fromStdString(why);
        return false;
    }
    m_document->setFilePath(path);
    m_document->setModified(false);
    addRecent(path);
    refreshTitle();
    return true;
}

void MainWindow::open() {
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open experiment"),
        filePath().isEmpty() ? RecentFolders::folder(QStringLiteral("experiments"))
                             : QFileInfo(filePath()).absolutePath(),
        tr("Experiments (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    RecentFolders::remember(QStringLiteral("experiments"), path);
    QString error;
    if (!openFile(path, &error))
        QMessageBox::warning(this, tr("Cannot open the experiment"), error);
}

bool MainWindow::save() {
    if (filePath().isEmpty())
        return saveAs();
    return saveTo(filePath());
}

bool MainWindow::saveTo(const QString& path) {
    QString error;
    if (!saveFile(path, &error)) {
        QMessageBox::warning(this, tr("Cannot save"), error);
        return false;
    }
    showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool MainWindow::saveAs() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save experiment"),
        filePath().isEmpty()
            ? QDir(RecentFolders::folder(QStringLiteral("experiments"))).filePath("experiment.json")
            : filePath(),
        tr("Experiments (*.json)"));
    if (path.isEmpty())
        return false;
    RecentFolders::remember(QStringLiteral("experiments"), path);
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        path += QStringLiteral(".json");
    return saveTo(path);
}

bool MainWindow::maybeSave() {
    if (!m_document->isModified())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"), tr("Save the changes to this experiment first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel)
        return false;
    if (answer == QMessageBox::Save)
        return save();
    return true;
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("files/recent")).toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("files/recent"), recent);
    refreshRecentMenu();
}

void MainWindow::refreshRecentMenu() {
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const QString& path : recent) {
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path]() {
                            if (!maybeSave())
                                return;
                            QString error;
                            if (!openFile(path, &error))
                                QMessageBox::warning(this, tr("Cannot open the experiment"), error);
                        })
            ->setToolTip(path);
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::refreshTitle() {
    const QString path = filePath();
    const QString name = path.isEmpty() ? tr("default experiment") : QFileInfo(path).fileName();
    setWindowTitle(
        QStringLiteral("%1%2 — OptiScope").arg(name, m_document->isModified() ? "*" : ""));
}

void MainWindow::refreshMap() {
    const Experiment& e = m_controller->experiment();
    if (shownFunctionKey(e) != m_functionShown) {
        m_functionShown = shownFunctionKey(e);
        m_map->setHome(defaultMapView(e), true);
    }
    MapScene scene = buildMapScene(e, m_controller->tracks(), m_map->view());
    scene.hasInspected = m_inspected.has_value();
    if (m_inspected)
        scene.inspected = *m_inspected;
    m_map->setScene(scene);
    m_surface->setScene(scene);
    // Repaint at most ~30 times a second, and never more than a third of the GUI thread's time.
    m_mapThrottle->setInterval(int(std::clamp<qint64>(m_map->lastPaintMs() * 3, 30, 400)));
}

void MainWindow::showInspector() {
    m_inspectorDock->show();
    m_inspectorDock->raise();
}

void MainWindow::showStatus(const QString& text) {
    statusBar()->showMessage(text, 8000);
}

void MainWindow::fitDocksToFont() {
    // The forms need about 24 em (presentation mode's larger text included); never less.
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    for (QDockWidget* dock : {m_runsDock, m_inspectorDock, m_studyDock})
        dock->setMinimumWidth(24 * em);
    // The run editor never scrolls sideways: its dock is at least as wide as its form.
    if (m_editor)
        m_runsDock->setMinimumWidth(std::max(
            m_runsDock->minimumWidth(), m_editor->minimumSizeHint().width() +
                                            style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 12));
}

void MainWindow::changeEvent(QEvent* event) {
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::FontChange && m_runsDock)
        fitDocksToFont();
}

void MainWindow::resetLayout() {
    for (QDockWidget* dock : {m_runsDock, m_inspectorDock, m_studyDock}) {
        dock->setFloating(false);
        addDockWidget(Qt::LeftDockWidgetArea, dock);
    }
    tabifyDockWidget(m_runsDock, m_inspectorDock);
    tabifyDockWidget(m_runsDock, m_studyDock);
    m_runsDock->show();
    m_inspectorDock->show();
    m_studyDock->setVisible(m_studyAction->isChecked());
    m_help->setFloating(false);
    addDockWidget(Qt::RightDockWidgetArea, m_help);
    m_help->hide();
    m_playBar->show();
    m_runsDock->raise();
    resizeDocks({m_runsDock}, {std::max(380, m_runsDock->minimumWidth())}, Qt::Horizontal);
    showStatus(tr("Layout reset"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_controller->pause();
    m_networkController->pause();
    m_studyController->cancel(); // finished jobs stay in the folder
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("play/speed"), m_playBar->speedIndex());
    event->accept();
}

} // namespace optiscope
