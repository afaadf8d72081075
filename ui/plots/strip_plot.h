// The strip plot of a study: one row per configuration, a dot per repeat's value, the mean with
// its 95 % confidence interval. Painted with QPainter (no chart library), on screen or into any
// paint device for export.
#pragma once

#include "ui/plots/plot_types.h"

#include <QPalette>
#include <QWidget>

class QPainter;

namespace optiscope {

class StripPlot : public QWidget {
    Q_OBJECT
public:
    explicit StripPlot(QWidget* parent = nullptr);

    void setSpec(const StripPlotSpec& spec);
    [[nodiscard]] const StripPlotSpec& spec() const { return m_spec; }

    /// Draw `spec` into `target` with the painter's font.
    static void render(const StripPlotSpec& spec, QPainter& painter, const QRectF& target,
                       const QPalette& palette);
    /// The row under `pos` in a plot drawn into `target` with `font`, or -1.
    static int rowAt(const StripPlotSpec& spec, const QRectF& target, const QFont& font,
                     const QPointF& pos);
    /// The height the plot needs to give each row a line of text.
    static int preferredHeight(const StripPlotSpec& spec, const QFont& font);

    [[nodiscard]] QSize sizeHint() const override;

signals:
    /// A row was clicked: `row` and the repeat whose dot is nearest (-1 if none is close).
    void rowClicked(int row, int repeat);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    StripPlotSpec m_spec;
};

} // namespace optiscope
