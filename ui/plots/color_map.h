// Perceptual colour map (matplotlib's viridis, by van der Walt & Smith), sampled at 256 entries.
#pragma once

#include <QRgb>

namespace optiscope {

/// Colour of `t` in [0, 1] (clamped).
QRgb viridis(double t);

} // namespace optiscope
