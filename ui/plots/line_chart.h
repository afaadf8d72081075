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

    /// Draw `spec` into `target` on any paint device (image, SVG, PDF), without a window.
    static void render(const ChartSpec& spec, QPainter& painter, const QRectF& target,
                       const QPalette& palette);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
    ChartSpec m_spec;
};

} // namespace optiscope
