// What the GUI keeps of a run: value snapshots sent by the worker, decimated so that a run of any
// length stays bounded in memory, plus its status. Plain data, shared by the controller, the
// panels and offscreen rendering (the CLI can fill a RunTrack from a FunctionRun too).
#pragma once

#include "core/experiment/experiment.h"
#include "core/optim/update_rule.h"
#include "core/run/function_run.h"

#include <QColor>
#include <QMetaType>
#include <QString>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace optiscope {

/// Names of the optimizer state flattened into RunSample::state: scalars first, then each
/// tensor's values.
struct RunStateLayout {
    std::vector<std::string> scalars;
    std::vector<std::pair<std::string, int>> tensors; ///< name, number of values
    bool operator==(const RunStateLayout&) const = default;

    static RunStateLayout of(const OptimizerState& state);
    static std::vector<double> flatten(const OptimizerState& state);
    [[nodiscard]] OptimizerState unflatten(const std::vector<double>& values) const;
};

/// One row of a trace (SPEC §3) with the optimizer state after that update.
struct RunSample {
    long long step = 0;
    double x = 0, y = 0, loss = 0, gradX = 0, gradY = 0;
    double lr = 0, effLrX = 0, effLrY = 0; ///< NaN in row 0
    bool lrReduced = false;
    std::vector<double> state; ///< flattened per RunStateLayout (empty for row 0)

    /// The trace row of `step`, without optimizer state.
    static RunSample fromStep(const FunctionStep& step);
};

/// Progress of one run in one batch from the worker.
struct RunProgress {
    std::uint64_t generation = 0;
    RunStateLayout layout;
    std::vector<RunSample> samples; ///< rows on the display stride (and the last row)
    RunSample latest;               ///< the run's current row (the marker on the map)
    bool finished = false;
    bool diverged = false;
    long long divergedAt = 0;
    QString error; ///< non-empty: the run threw and was stopped
};

struct RunBatch {
    std::vector<RunProgress> runs;
};

/// A run as the GUI shows it.
struct RunTrack {
    RunInstance instance;
    std::uint64_t generation = 0;
    QColor color;
    bool visible = true;
    RunStateLayout layout;
    std::vector<RunSample> samples; ///< decimated history, ascending steps
    RunSample latest;
    bool hasLatest = false;
    bool finished = false;
    bool diverged = false;
    long long divergedAt = 0;
    QString error;

    /// "step 1500 · loss 0.0123", "diverged at step 312", "error: ..."
    [[nodiscard]] QString statusText() const;
};

/// Rows kept for display: every `stride`-th step, with the stride a power of two chosen so that a
/// run of `budget` steps keeps at most `cap` rows.
long long displayStride(long long budget, long long cap = 8192);
/// Whether the row of `step` is kept for display (the one rule every recorder applies): every
/// `stride`-th step, a step where a plateau schedule cut the lr (its chart marker), and the last
/// row of a run.
inline bool keptRow(long long step, long long stride, bool lrReduced, bool last) {
    return step % stride == 0 || lrReduced || last;
}

/// Colours of the runs, in order: 14 distinct ones, the first 8 colour-blind safe (Okabe–Ito).
QColor runColor(int index);
/// The colour of run `configIndex` of `experiment`: its `color` if it has a valid one, else
/// runColor(configIndex). Twins share their run's colour (charts draw them in twinShade()).
QColor runColorOf(const Experiment& experiment, int configIndex);
/// The colour of a run's no-decay twin: a pale, greyed shade of the run's colour (its "ghost").
QColor twinShade(const QColor& runColor);

} // namespace optiscope

Q_DECLARE_METATYPE(optiscope::RunBatch)
