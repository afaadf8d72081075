#include "ui/plots/color_map.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace optiscope {

namespace {

// Viridis at t = 0, 0.1, ..., 1 (from matplotlib's table); piecewise-linear in between, which
// keeps the map perceptually uniform to well under a just-noticeable difference.
constexpr double kStops[11][3] = {
    {0.267004, 0.004874, 0.329415}, {0.282623, 0.140926, 0.457517}, {0.253935, 0.265254, 0.529983},
    {0.206756, 0.371758, 0.553117}, {0.163625, 0.471133, 0.558148}, {0.127568, 0.566949, 0.550556},
    {0.134692, 0.658636, 0.517649}, {0.266941, 0.748751, 0.440573}, {0.477504, 0.821444, 0.318195},
    {0.741388, 0.873449, 0.149561}, {0.993248, 0.906157, 0.143936}};

std::array<QRgb, 256> buildTable() {
    std::array<QRgb, 256> table{};
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0 * 10.0;
        const int k = std::min(9, static_cast<int>(t));
        const double f = t - k;
        int rgb[3];
        for (int c = 0; c < 3; ++c)
            rgb[c] = static_cast<int>(
                std::lround(255.0 * (kStops[k][c] * (1 - f) + kStops[k + 1][c] * f)));
        table[i] = qRgb(rgb[0], rgb[1], rgb[2]);
    }
    return table;
}

} // namespace

QRgb viridis(double t) {
    static const std::array<QRgb, 256> table = buildTable();
    if (!(t > 0))
        return table[0];
    if (t >= 1)
        return table[255];
    return table[static_cast<int>(t * 255.0 + 0.5)];
}

} // namespace optiscope
