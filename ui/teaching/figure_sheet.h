// The figure sheet: the function map and the three charts (loss, learning rate, effective
// learning rate) composed on one page under the experiment's title — one file for a slide.
#pragma once

#include "ui/function/run_track.h"

#include <QPalette>
#include <QRectF>

class QPainter;

namespace optiscope {

/// Draw the sheet into `target`: title on top, the map on the left, the charts stacked on the
/// right. `view` is the map's world rectangle (empty: the function's default bounds).
void renderFigureSheet(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                       QPainter& painter, const QRectF& target, const QPalette& palette,
                       const QRectF& view = QRectF());

} // namespace optiscope
