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
};

} // namespace optiscope
