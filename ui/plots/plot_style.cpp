#include "ui/plots/plot_style.h"

#include <algorithm>

namespace optiscope {

namespace {
double g_lineScale = 1.0; // GUI thread only (plots are drawn there or in a single-thread CLI)
} // namespace

double plotLineScale() {
    return g_lineScale;
}

void setPlotLineScale(double scale) {
    g_lineScale = std::clamp(scale, 0.5, 4.0);
}

} // namespace optiscope
