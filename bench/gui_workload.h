// The GUI workload of optiscope-bench (built when the desktop app is).
#pragma once

namespace optiscope::bench {

/// Worst lateness, in ms, of a 1 ms timer on the GUI thread while the main window plays 8 runs
/// of 10^6 steps at full speed for `seconds` (offscreen unless QT_QPA_PLATFORM says otherwise).
double uiEventLoopMaxDelayMs(double seconds);

} // namespace optiscope::bench
