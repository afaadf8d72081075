// The line-chart adapter: the only place (with line_chart.cpp) that knows Qt Charts. Panels hand
// it a ChartSpec; it shows it in a widget with hover read-outs, or renders it offscreen. Moving to
// another plotting library means rewriting this file pair only.
#pragma once

#include "ui/plots/plot_types.h"

#include <QWidget>

#include <memory>

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

private:
    void fitLegend();

    struct Impl;
    std::unique_ptr<Impl> d;
    ChartSpec m_spec;
};

} // namespace optiscope
