// The main window: wires the run controller to the panels, menus and docks, and handles files and
// settings. The work lives in the panels and the controller; this class stays thin.
#pragma once

#include <QMainWindow>
#include <QPointF>
#include <QStringList>

#include <optional>

class QAction;
class QDockWidget;
class QPoint;
class QLabel;
class QMenu;
class QStackedWidget;
class QTimer;
class QToolBar;

namespace optiscope {

struct Experiment;
struct Figure;
class ChartsPanel;
class ExportController;
class FramePacer;
class FunctionView;
class SurfaceView;
class HelpDock;
class PresentationMode;
class PresetsMenu;
struct PresetEntry;
class TeachingExports;
class InspectorPanel;
class MomentsPanel;
class NetworkInspector;
class NetworkView;
class PlayBar;
class PointBanner;
class ExperimentDocument;
class FunctionRunController;
class NetworkRunController;
class StudyController;
class StudyView;
class RunEditorPanel;
class RunListPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// What the user edits; every panel edits through it.
    [[nodiscard]] ExperimentDocument* document() const { return m_document; }
    /// The runs of a function problem.
    [[nodiscard]] FunctionRunController* controller() const { return m_controller; }
    /// The runs of a network problem.
    [[nodiscard]] NetworkRunController* networkController() const { return m_networkController; }
    /// The study of the experiment (its jobs run in the background).
    [[nodiscard]] StudyController* studyController() const { return m_studyController; }
    /// The view shown for an experiment with a study: its table, curves, strip plot, heatmap.
    [[nodiscard]] StudyView* studyView() const { return m_study; }
    /// Show the study view (true) or the explorer of the base experiment (false).
    void showStudy(bool show);
    /// View → Reset layout: docks back on the left (tabbed), help closed, default widths.
    void resetLayout();

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitDocksToFont();

public:
    [[nodiscard]] bool showsStudy() const;
    /// Open `experiment` in a new window (a study's job); returns it.
    MainWindow* openInNewWindow(const Experiment& experiment);
    [[nodiscard]] ExportController* exporter() const { return m_exporter; }
    [[nodiscard]] FunctionView* functionView() const { return m_map; }
    [[nodiscard]] SurfaceView* surfaceView() const { return m_surface; }
    /// The view shown in place of the map and charts for network problems.
    [[nodiscard]] NetworkView* networkView() const { return m_network; }

    /// Show `experiment` and play it.
    void setExperiment(const Experiment& experiment, const QString& filePath);
    /// Open an experiment file; false with `error` (every issue, with JSON paths) on failure.
    bool openFile(const QString& path, QString* error);
    /// Save the current experiment; false with `error` on failure.
    bool saveFile(const QString& path, QString* error);
    [[nodiscard]] QString filePath() const;
    /// Bring the inspector's tab to the front.
    void showInspector();
    [[nodiscard]] InspectorPanel* inspector() const { return m_inspector; }
    [[nodiscard]] MomentsPanel* moments() const { return m_moments; }
    [[nodiscard]] NetworkInspector* networkInspector() const { return m_networkInspector; }

    // Teaching: presets, help pane, figure sheet and animation export, presentation mode.
    /// Load a preset from the resources and show its point above the map; false with `error`.
    bool openPreset(const PresetEntry& preset, QString* error);
    /// The sentence of the preset shown ("" when the experiment is not a preset).
    [[nodiscard]] QString presetPoint() const;
    [[nodiscard]] PresetsMenu* presetsMenu() const { return m_presets; }
    [[nodiscard]] HelpDock* helpDock() const { return m_help; }
    [[nodiscard]] TeachingExports* teachingExports() const { return m_teaching; }
    [[nodiscard]] PresentationMode* presentationMode() const { return m_presentation; }
    [[nodiscard]] ChartsPanel* chartsPanel() const { return m_charts; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    [[nodiscard]] bool showsNetwork() const;
    void fillExportMenu(QMenu* menu);
    void addNetworkFigureActions(QMenu* menu, const Figure& figure);
    void showNetworkFigureMenu(const QString& stem, const QPoint& globalPos);
    void exportNetworkTraces();
    void showStudyFigureMenu(const QString& stem, const QPoint& globalPos);
    void exportStudyTables();
    void refreshCentral();
    void refreshNetworkStatus();
    void open();
    bool save();
    bool saveAs();
    bool saveTo(const QString& path);
    bool maybeSave();
    void addRecent(const QString& path);
    void refreshRecentMenu();
    void refreshTitle();
    void refreshMap();
    void showStatus(const QString& text);
    void buildTeaching();
    void showPresetPoint(const QString& title, const QString& point);

    ExperimentDocument* m_document;
    FunctionRunController* m_controller;
    NetworkRunController* m_networkController;
    StudyController* m_studyController;
    StudyView* m_study;
    QAction* m_studyAction = nullptr;
    bool m_autoRunStudy = false; ///< a preset's study: run it once its estimate says it is short
    FunctionView* m_map;
    SurfaceView* m_surface;
    NetworkView* m_network;
    QStackedWidget* m_central;
    ChartsPanel* m_charts;
    RunListPanel* m_runList;
    RunEditorPanel* m_editor = nullptr;
    InspectorPanel* m_inspector;
    MomentsPanel* m_moments;
    NetworkInspector* m_networkInspector;
    QStackedWidget* m_inspectors;
    PlayBar* m_playBar;
    ExportController* m_exporter;
    QDockWidget* m_runsDock = nullptr;
    QDockWidget* m_inspectorDock;
    QDockWidget* m_studyDock;
    QMenu* m_recentMenu = nullptr;
    QAction* m_animationAction = nullptr;
    QAction* m_sheetAction = nullptr;
    TeachingExports* m_teaching = nullptr;
    PresetsMenu* m_presets = nullptr;
    HelpDock* m_help = nullptr;
    PresentationMode* m_presentation = nullptr;
    PointBanner* m_banner = nullptr;
    FramePacer* m_pacer = nullptr;
    QTimer* m_mapThrottle;
    std::string m_functionShown;
    bool m_restoredState = false;
    std::optional<QPointF> m_inspected; ///< the inspector's chosen step's point, ringed on the map
};

} // namespace optiscope
