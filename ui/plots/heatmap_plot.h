// The heatmap of a study over two numeric grid keys, one panel per run: a sensitivity map (cells
// coloured by the mean metric, diverged cells crossed out) or a basin map (cells coloured by the
// minimum most repeats reached, paler where the final loss is higher, over the function's
// contours). Painted with QPainter, on screen or into any paint device for export.
#pragma once

#include "ui/plots/plot_types.h"

#include <QPalette>
#include <QWidget>

#include <memory>

class QPainter;

namespace optiscope {

class HeatmapPlot : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapPlot(QWidget* parent = nullptr);
    ~HeatmapPlot() override;

    void setSpec(const HeatmapSpec& spec);
    [[nodiscard]] const HeatmapSpec& spec() const { return m_spec; }

    static void render(const HeatmapSpec& spec, QPainter& painter, const QRectF& target,
                       const QPalette& palette);
    /// The panel and cell (row-major, y × xs.size() + x) under `pos`, or {-1, -1}.
    static std::pair<int, int> cellAt(const HeatmapSpec& spec, const QRectF& target,
                                      const QFont& font, const QPointF& pos);

signals:
    void cellClicked(int panel, int cell);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    HeatmapSpec m_spec;
};

} // namespace optiscope
