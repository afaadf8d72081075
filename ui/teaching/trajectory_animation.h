// The trajectories on the function map, growing frame by frame, as an animated GIF (giflib) —
// for slides. Each frame shows every run up to the same step, with a step counter.
//
// Colours: GIF frames hold at most 256 colours. Every frame is mapped to one fixed global
// palette, a 6×7×6 RGB cube (252 colours; green gets the extra level because the eye resolves it
// best), with 4×4 ordered (Bayer) dithering. Ordered dithering depends only on the pixel's
// position and colour, so the unchanging background is identical in every frame and does not
// shimmer, as error diffusion would make it.
#pragma once

#include "ui/function/run_track.h"

#include <QImage>
#include <QPalette>
#include <QSize>
#include <QString>

#include <functional>
#include <vector>

namespace optiscope {

struct AnimationOptions {
    QSize size{960, 640}; ///< pixels
    int fps = 15;         ///< frames per second, 1..50
    int frames = 90;      ///< frames in all (the first shows the start, the last the end), >= 2
    bool loop = true;     ///< repeat forever (NETSCAPE2.0 extension)
};

/// Last step reached by any track.
long long lastStepOf(const std::vector<RunTrack>& tracks);

/// The step that frame `frame` of `frames` shows: 0 for the first, `lastStep` for the last,
/// evenly spaced between.
long long animationFrameStep(int frame, int frames, long long lastStep);

/// The tracks as they were at `step` (samples, current point and status cut there).
std::vector<RunTrack> tracksAtStep(const std::vector<RunTrack>& tracks, long long step);

/// Frame `frame` as an image (map, trajectories up to its step, step counter).
QImage renderAnimationFrame(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                            int frame, const AnimationOptions& options, const QPalette& palette);

/// Render every frame and write the GIF atomically. `progress(done, total)` may return false to
/// cancel (nothing is written). False with `error` (naming the file) on failure.
bool exportTrajectoryGif(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                         const QString& path, const AnimationOptions& options,
                         const QPalette& palette, QString* error,
                         const std::function<bool(int, int)>& progress = {});

} // namespace optiscope
