// `optiscope-cli run --plots/--animate`: the figures written after the traces, rendered offscreen
// with the app's own plot code (ui/), on Qt's offscreen platform (no display needed).
#pragma once

#include "core/nn/datasets.h"
#include "core/nn/network.h"
#include "core/study/study_job.h"
#include "ui/function/run_track.h"
#include "ui/network/network_charts.h"

#include <optional>

#include <string>
#include <vector>

namespace optiscope::cli {

struct FigureRequest {
    std::vector<std::string> formats; ///< png, svg, pdf
    bool surface = false;             ///< "surface" in --plots: DIR/surface.png (functions)
    int width = 1200;
    int height = 800;
    bool sizeGiven = false;
    int dpi = 96;
    bool gif = false; ///< --animate gif
    int fps = 15;
    int frames = 0;       ///< 0: from seconds
    double seconds = 6.0; ///< length of the animation when frames is 0

    [[nodiscard]] bool any() const { return !formats.empty() || gif || surface; }
};

/// If args[i] is --plots, --size or --dpi, reads it and its value (advancing i) into `request`
/// and returns true; a bad value sets `error`. Other arguments: false.
bool parseFigureOption(const std::vector<std::string>& args, std::size_t& i, FigureRequest& request,
                       std::string* error);

/// A fresh track for `instance`, with the colour the app gives it.
RunTrack emptyTrack(const Experiment& experiment, const RunInstance& instance);

/// Writes the plots (and the GIF) of a function experiment into `dir`. Returns the exit status
/// (0, or 1 with a message naming the file on stderr).
int writeFunctionFigures(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                         const std::string& dir, const FigureRequest& request, bool quiet);

/// Writes a finished study's figures (mean_curves, final_metric, heatmap) into `dir`.
int writeStudyFigures(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records,
                      const std::string& dir, const FigureRequest& request, bool quiet);

/// The trained network whose decision boundary is drawn (toy 2-D sets), with its data.
struct BoundarySource {
    const nn::DataSplit* data = nullptr;
    nn::Network<float>* network = nullptr;
    std::string runName;
    long long epoch = 0;
};

/// Writes loss, lr, accuracy and eff_lr of a network experiment into `dir`, and
/// decision_boundary for a toy 2-D data set (when `boundary` has a network).
int writeNetworkFigures(const Experiment& experiment, const std::vector<NetworkTrack>& tracks,
                        const std::string& dir, const FigureRequest& request, bool quiet,
                        const BoundarySource& boundary = {});

} // namespace optiscope::cli
