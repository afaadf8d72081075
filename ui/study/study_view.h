// The study view: a study's settings and progress, and its results as they come in — the table of
// every configuration (n, mean ± 95 % CI of every metric, the paired decay-vs-no-decay difference
// with its CI and p-value), the mean curves with ±1 std bands, every repeat's final value, and
// for a 2-key numeric grid the sensitivity or basin heatmap. Clicking a row, a dot or a cell
// asks to open that job as an ordinary experiment.
#pragma once

#include "ui/plots/plot_export.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;
class QTimer;

namespace optiscope {

struct Experiment;
class ExperimentDocument;
class HeatmapPlot;
class LineChart;
class StripPlot;
class StudyController;
class StudyPanel;
class StudyTableModel;

class StudyView : public QWidget {
    Q_OBJECT
public:
    StudyView(ExperimentDocument* document, StudyController* controller, QWidget* parent = nullptr);

    [[nodiscard]] StudyController* controller() const { return m_controller; }
    [[nodiscard]] StudyPanel* panel() const { return m_panel; }
    /// The study's settings (repeats, grid, metric) and its results folder: the window puts
    /// them in a dock beside the runs, so the results get the whole central area.
    [[nodiscard]] QWidget* settingsWidget() const { return m_settings; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    [[nodiscard]] QLabel* reading() const { return m_reading; }
    [[nodiscard]] StudyTableModel* tableModel() const { return m_model; }
    [[nodiscard]] StripPlot* stripPlot() const { return m_strip; }
    [[nodiscard]] HeatmapPlot* heatmap() const { return m_heatmap; }
    [[nodiscard]] LineChart* curveChart() const { return m_curves; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }

    /// The table as tab-separated text (header first), as "Copy" puts it on the clipboard.
    [[nodiscard]] QString tableText() const;
    /// Every figure on screen as it is now, for the export menus.
    [[nodiscard]] std::vector<Figure> figures() const;
    /// Open job `jobIndex` (emits openJobRequested).
    void openJob(std::size_t jobIndex);

signals:
    /// Open this job's experiment in the explorer; `label` names the job.
    void openJobRequested(const optiscope::Experiment& experiment, const QString& label);
    /// Right-click on the figure with `stem` (see figures()).
    void figureMenuRequested(const QString& stem, const QPoint& globalPos);
    /// The table's context menu asked to export the tables (summary.csv, comparisons.csv,
    /// summary.md, study.csv) into a folder.
    void exportTablesRequested();

private:
    void onPlanChanged();
    void refreshProgress();
    void refreshResults();
    void refreshTable();
    void refreshCurves();
    void refreshStrip();
    void refreshHeatmap();
    void chooseFolder();
    [[nodiscard]] std::size_t metricIndex(const QComboBox* box) const;

    ExperimentDocument* m_document;
    StudyController* m_controller;
    StudyPanel* m_panel;
    QWidget* m_settings;
    QLabel* m_title;
    QLabel* m_jobs;
    QLabel* m_folder;
    QLabel* m_problem;
    QProgressBar* m_progress;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QLabel* m_eta;
    QTabWidget* m_tabs;
    QTableView* m_table;
    QLabel* m_reading; ///< the comparisons in words, under the table
    StudyTableModel* m_model;
    QSortFilterProxyModel* m_sorted;
    std::vector<std::pair<std::size_t, std::size_t>> m_stripConfigs; ///< (cell, instance) per row
    QComboBox* m_curveColumn;
    QCheckBox* m_curveRepeats;
    LineChart* m_curves;
    QComboBox* m_stripMetric;
    StripPlot* m_strip;
    QComboBox* m_heatMetric;
    HeatmapPlot* m_heatmap;
    QTimer* m_refresh;    ///< results redrawn at most a few times a second
    QTimer* m_curveTimer; ///< curves re-read from disk at most once a second
};

} // namespace optiscope
