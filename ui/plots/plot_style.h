// Drawing style shared by every plot: a line-width scale, 1 normally and larger in presentation
// mode (View → Presentation mode) so that lines read on a projector. Fonts scale with the
// application font.
#pragma once

namespace optiscope {

/// Factor applied to the width of every data line and marker (1 = normal).
double plotLineScale();
void setPlotLineScale(double scale);

} // namespace optiscope
