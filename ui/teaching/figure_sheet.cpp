#include "ui/teaching/figure_sheet.h"

#include "ui/function/plot_builders.h"

#include <QPainter>

#include <algorithm>

namespace optiscope {

void renderFigureSheet(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                       QPainter& painter, const QRectF& target, const QPalette& palette,
                       const QRectF& view) {
    painter.save();
    painter.fillRect(target, palette.color(QPalette::Window));
    QFont font = painter.font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(palette.color(QPalette::WindowText));
    const double titleHeight = std::max(28.0, target.height() * 0.06);
    const QRectF titleRect(target.left(), target.top(), target.width(), titleHeight);
    const QString title = experiment.title.empty() ? QStringLiteral("OptiScope experiment")
                                                   : QString::fromStdString(experiment.title);
    painter.drawText(titleRect, Qt::AlignCenter, title);
    painter.restore();

    const QRectF body(target.left(), target.top() + titleHeight, target.width(),
                      target.height() - titleHeight);
    // The map takes the left part, as close to square as the page allows; the charts share the
    // rest of the width in three rows.
    const double mapWidth = std::clamp(body.height(), body.width() * 0.4, body.width() * 0.55);
    const QRectF mapRect(body.topLeft(), QSizeF(mapWidth, body.height()));
    renderPlot(PlotKind::Trajectories, experiment, tracks, painter, mapRect, palette, view);
    const QRectF right(mapRect.topRight(), QSizeF(body.width() - mapWidth, body.height()));
    const PlotKind kinds[] = {PlotKind::Loss, PlotKind::Lr, PlotKind::EffLr};
    const double rowHeight = right.height() / 3.0;
    for (int i = 0; i < 3; ++i) {
        const QRectF cell(right.left(), right.top() + i * rowHeight, right.width(), rowHeight);
        renderPlot(kinds[i], experiment, tracks, painter, cell, palette, view);
    }
}

} // namespace optiscope
