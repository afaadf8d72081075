// The workers compute as fast as they can; the GUI thread must still get the CPU the moment it has
// something to do (an input event, a paint). Called at the start of a worker thread, this lowers
// the calling thread's scheduling priority a little (Linux: its nice value, per thread), so that
// the kernel prefers the GUI thread whenever both want a core. A worker alone still gets the
// whole core: nothing is slower when the window is idle.
#pragma once

namespace optiscope {

/// Lower the calling thread's priority (best effort; no effect where unsupported).
void lowerCurrentThreadPriority();

} // namespace optiscope
