// The figures of a study, as plain specs the adapters in ui/plots draw: mean curves with a ±1 std
// band per configuration, every repeat's final value (strip plot), and the heatmap of a 2-key
// numeric grid (sensitivity or basin map). The study view and `optiscope-cli study --plots` use
// the same builders, so the files show what the window shows.
#pragma once

#include "core/study/study_curves.h"
#include "core/study/study_results.h"
#include "ui/plots/plot_export.h"
#include "ui/plots/plot_types.h"

#include <QColor>
#include <QPalette>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

class QPainter;

namespace optiscope {

/// A configuration shown in a figure: a cell and a run (or its twin).
struct StudyConfig {
    std::size_t cell = 0;
    std::size_t instance = 0;
};

/// "lr=0.001 · Adam (no decay)": short grid key names (the last part of the path) and the run.
QString studyConfigLabel(const StudyPlan& plan, std::size_t cell, std::size_t instance);

/// The colour of a configuration: one per (cell, run); a twin shares its run's colour.
QColor studyConfigColor(const StudyPlan& plan, std::size_t cell, std::size_t instance);

/// The configurations to draw curves for: all of them when there are at most `max`, else the
/// `max` best by `metric` (each with its twin). `note` says which.
std::vector<StudyConfig> studyCurveConfigs(const StudyPlan& plan, const StudyResults& results,
                                           std::size_t metric, std::size_t max, QString* note);

/// The curves a study's mean-curve figure shows, in order: function problems loss, lr and the
/// effective lr of x; networks loss, accuracy (classification), lr, and the p50 effective lr of
/// `tensor` (default: the first tensor).
std::vector<std::string> studyCurveColumns(const StudyPlan& plan, const std::string& tensor = {});

/// One chart: `column` of every configuration in `curves`, mean line with a ±1 std band (twins
/// dashed), and each repeat faint when `repeats`.
ChartSpec studyCurveChart(const StudyPlan& plan, const std::vector<ConfigCurves>& curves,
                          const std::string& column, bool repeats = false);

/// The mean-curve figure: its charts side by side under one title, one legend for all.
struct StudyCurveFigure {
    QString title;
    QString note;
    std::vector<ChartSpec> charts;
    struct LegendItem {
        QString label;
        QColor color;
        bool dashed = false;
    };
    std::vector<LegendItem> legend;
};
StudyCurveFigure studyCurveFigure(const StudyPlan& plan, const std::vector<ConfigCurves>& curves,
                                  const QString& note, bool repeats = false);
void paintStudyCurveFigure(const StudyCurveFigure& figure, QPainter& painter, const QRectF& target,
                           const QPalette& palette);

/// Grid key `key`'s value in `cell` as a label: numbers to 4 significant digits.
QString studyValueLabel(const StudyPlan& plan, std::size_t cell, std::size_t key);

/// Every repeat's value of metric `metric` per configuration (at most `maxRows` rows: the best);
/// `configs` receives the configuration of each row.
StripPlotSpec studyFinalMetricSpec(const StudyPlan& plan, const StudyResults& results,
                                   const std::vector<std::optional<JobRecord>>& records,
                                   std::size_t metric, std::size_t maxRows = 40,
                                   std::vector<StudyConfig>* configs = nullptr);

/// The heatmap of `metric` when the grid has exactly two numeric keys (nullopt otherwise); a
/// basin map when they are problem.start[0] and problem.start[1] of a function problem.
std::optional<HeatmapSpec> studyHeatmapSpec(const StudyPlan& plan, const StudyResults& results,
                                            const std::vector<std::optional<JobRecord>>& records,
                                            std::size_t metric);

/// Writes DIR/mean_curves, final_metric and (for a 2-key numeric grid) heatmap in each format,
/// atomically. False with `error` naming the file at the first failure.
bool writeStudyPlots(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records,
                     const QString& dir, const std::vector<ImageFormat>& formats,
                     const ExportOptions& image, QStringList* written, QString* error);

} // namespace optiscope
