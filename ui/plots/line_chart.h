// The line-chart adapter: the only place (with line_chart.cpp) that knows Qt Charts. Panels hand
// it a ChartSpec; it shows it in a widget with hover read-outs, or renders it offscreen. Moving to
// another plotting library means rewriting this file pair only.
#pragma once

#include "ui/plots/plot_types.h"

#include <QWidget>

#include <memory>

class QAction;
class QPainter;

namespace optiscope {

class LineChart : public QWidget {
    Q_OBJECT
public:
    explicit LineChart(QWidget* parent = nullptr);
    ~LineChart() override;

    /// Show `spec`; series are updated in place when only their points changed.
    void setSpec(const ChartSpec& spec);
    [[nodiscard]] const ChartSpec& spec() const { return m_spec; }

    // Reading a chart off, as in TensorBoard: the wheel zooms around the cursor, a left drag
    // pans, a double-click (or "Reset zoom") fits the data again — a zoomed chart keeps its
    // view while the runs go on. Hovering shows a crosshair with every line's value at that x.

    /// Exponential moving average of every line over x (0: raw; up to 0.99), the raw line faint
    /// behind it; in log space on a log y axis. As TensorBoard's, debiased at the start.
    void setSmoothing(double weight);
    [[nodiscard]] double smoothing() const;
    /// A dashed vertical line at x (the inspected step); NaN: none.
    void setMarkerX(double x);
    /// True while the user's zoom or pan holds the view.
    [[nodiscard]] bool isZoomed() const;
    void resetZoom();
    /// Zoom by `factor` (< 1: in) around the point at `fraction` (0..1, 0..1) of the plot area.
    void zoomAround(QPointF fraction, double factor);
    /// The crosshair's read-out at plot x `x` (as hovering there shows it): "step 500" and a
    /// line per series with its value at the nearest point.
    [[nodiscard]] QStringList readOut(double x) const;
    /// Context-menu actions: Reset zoom, Log scale x, Log scale y (checkable, per chart).
    [[nodiscard]] QList<QAction*> viewActions() const;
    /// The axes as drawn: log or linear, after the user's toggles.
    [[nodiscard]] bool logX() const;
    [[nodiscard]] bool logY() const;
    /// The y range shown (for tests of zoom): lower, upper.
    [[nodiscard]] std::pair<double, double> yRange() const;
    [[nodiscard]] std::pair<double, double> xRange() const;

    /// The texts the chart draws that Qt Charts shortened with "…" for lack of room (axis titles
    /// and tick labels); empty when everything is whole. The title and the legend are wrapping
    /// labels above and under the chart, so they are never shortened.
    [[nodiscard]] QStringList elidedTexts() const;
    /// Show the legend under the chart (default) or not — e.g. when the chart below it on the
    /// same page shows the same runs.
    void setLegendShown(bool shown);
    /// The legend under the chart (rich text, wraps): one entry per series shown in it.
    [[nodiscard]] QString legendText() const;

    /// Draw `spec` into `target` on any paint device (image, SVG, PDF), without a window.
    static void render(const ChartSpec& spec, QPainter& painter, const QRectF& target,
                       const QPalette& palette);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fitLegend();
    [[nodiscard]] int screenBuckets() const;
    /// The shown spec's points into the existing series, decimated for the x range in view
    /// (after new data, a zoom or a pan), and the axes fitted unless the user holds the view.
    void replacePoints();
    void rebuild();
    void placeMarker();
    void showCrosshair(const QPointF& scenePos);

    struct Impl;
    std::unique_ptr<Impl> d;
    ChartSpec m_spec;
};

} // namespace optiscope
