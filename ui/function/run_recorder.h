// Runs a whole experiment in the calling thread and records it as RunTracks, with the same
// decimation as the app. For offscreen plots (`optiscope-cli run --plots`, tests); the app itself
// runs in RunWorker and never calls this on the GUI thread.
#pragma once

#include "ui/function/run_track.h"

#include <vector>

namespace optiscope {

/// Every run of `experiment` (twins included) driven to its end. Throws what FunctionRun throws.
std::vector<RunTrack> recordExperiment(const Experiment& experiment);

} // namespace optiscope
