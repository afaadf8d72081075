// Drawing style shared by every plot: a line-width scale, 1 normally and larger in presentation
// mode (View → Presentation mode) so that lines read on a projector. Fonts scale with the
// application font.
#pragma once

#include <QString>

namespace optiscope {

/// Rich text in which every letter with a combining hat (m̂, v̂, ŝ) is set in a font that places
/// the hat: Qt 6.4 drops U+0302 over DejaVu Sans (Debian's default font), so the legends and
/// notes of the moments charts read "m" where they mean m̂. `html` is already escaped.
QString withVisibleHats(const QString& html);

/// Factor applied to the width of every data line and marker (1 = normal).
double plotLineScale();
void setPlotLineScale(double scale);

} // namespace optiscope
