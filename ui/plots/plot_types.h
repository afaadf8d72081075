// Plain descriptions of what a plot shows, independent of the library that draws it. Panels and
// the CLI build these; the adapters in this folder turn them into pixels, on screen or offscreen.
#pragma once

#include "core/experiment/experiment.h"

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>

#include <limits>
#include <vector>

namespace optiscope {

struct ChartSeries {
    QString name;
    QColor color;
    Qt::PenStyle style = Qt::SolidLine;
    qreal width = 2.0;
    bool scatter = false; ///< markers only (e.g. plateau reductions)
    bool inLegend = true;
    QVector<QPointF> points; ///< non-finite points and, on log axes, points <= 0 are skipped
};

/// A filled band between two curves (e.g. the p05–p95 range of a quantity), drawn under the lines.
struct ChartBand {
    QString name;
    QColor color; ///< drawn translucent
    QVector<QPointF> lower;
    QVector<QPointF> upper; ///< same x values as `lower`
};

struct ChartSpec {
    QString title;
    QString xTitle;
    QString yTitle;
    bool logX = false;
    bool logY = false;
    std::vector<ChartSeries> series;
    std::vector<ChartBand> bands; ///< drawn after (above the grid, translucent) the series
    QString emptyText;            ///< shown when there is nothing to draw
    /// Fixed axis ends (NaN: fit the data), e.g. x up to the step budget, lr from 0.
    double xMin = std::numeric_limits<double>::quiet_NaN();
    double xMax = std::numeric_limits<double>::quiet_NaN();
    double yMin = std::numeric_limits<double>::quiet_NaN();
    /// The y axis never goes beyond this (NaN: no cap), e.g. 100 for an accuracy in percent.
    double yMax = std::numeric_limits<double>::quiet_NaN();
};

/// One run's path on the function map.
struct MapTrace {
    QString label;
    QColor color;
    bool dashed = false;
    QVector<QPointF> path;
    bool hasCurrent = false;
    QPointF current;
    QString status; ///< e.g. "diverged at step 312", drawn beside the current point
};

struct MapScene {
    FunctionProblem problem;
    QRectF view; ///< world rectangle shown (x right, y up)
    std::vector<MapTrace> traces;
    bool showStart = true;
    /// A small multiple: no title and no colour bar, so the map gets the width (basin maps).
    bool compact = false;
    /// The inspected step's point, ringed (the inspector's choice; none while it follows).
    bool hasInspected = false;
    QPointF inspected;
};

/// One row of a strip plot: a configuration's values, one per repeat, with their mean and CI.
struct StripRow {
    QString label; ///< "lr=0.001 · Adam (no decay)"
    QColor color;
    bool hollow = false;    ///< open markers (a no-decay twin)
    QVector<double> values; ///< one per repeat that did not diverge
    QVector<int> repeats;   ///< the repeat each value comes from
    double mean = std::numeric_limits<double>::quiet_NaN();
    double ciLow = std::numeric_limits<double>::quiet_NaN();
    double ciHigh = std::numeric_limits<double>::quiet_NaN();
    int diverged = 0; ///< repeats left out
};

/// Every repeat's final value per configuration, one row each (labels on the left, so long
/// names stay whole), with the mean and its 95 % confidence interval.
struct StripPlotSpec {
    QString title;
    QString valueTitle; ///< the x axis: "test_acc"
    bool logValue = false;
    std::vector<StripRow> rows;
    QString note; ///< under the title, e.g. "best 30 of 120 configurations"
};

/// A grid of cells coloured by a value: a sensitivity map (lr × decay_rate → mean loss) or,
/// with `basin`, which minimum each start reaches, drawn over the function's map.
struct HeatmapCell {
    double value = std::numeric_limits<double>::quiet_NaN(); ///< NaN: no value (all diverged)
    int diverged = 0;                                        ///< repeats that diverged
    int total = 0;                                           ///< repeats done
    int category = -1; ///< basin maps: the minimum most repeats reached (-1: none)
};

struct HeatmapPanel {
    QString title;                  ///< the run
    std::vector<HeatmapCell> cells; ///< row-major: y index × x count + x index (y up)
};

struct HeatmapSpec {
    QString title;
    QString xTitle, yTitle, valueTitle;
    QVector<double> xs, ys; ///< the grid values (x: first key, y: second)
    bool logX = false, logY = false;
    bool logValue = false; ///< colour by log10(value)
    bool lowIsGood = true; ///< losses: low values in the bright colour
    std::vector<HeatmapPanel> panels;
    /// Basin map: cells coloured by `category` (shade = value), over the function's map.
    bool basin = false;
    FunctionProblem function;
    QStringList categoryNames; ///< "(3, 2)", ...
    QVector<QColor> categoryColors;
};

} // namespace optiscope
