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

/// Whether the GUI keeps the row of `step` for display (besides a run's last row and the rows where
/// ReduceLROnPlateau cut the lr): every step up to 4,096, then 1,024 evenly spaced rows per
/// doubling of the step — every 4th step up to 8,192, every 8th up to 16,384, and so on. The rule
/// depends on the step alone: a run of any budget keeps its shape (10^8 steps: about 20,000 rows,
/// densest where a run moves most), zooming into a chart finds the rows it needs, and a larger
/// budget never re-thins what is stored.
bool isDisplayRow(long long step);
/// How many steps in [0, steps] isDisplayRow() keeps.
long long displayRowCount(long long steps);

/// The rows a run keeps for display, step by step: isDisplayRow()'s, and between them any row
/// whose point is farther than `tolerance` (map units) from the last row kept — so a late burst
/// (Adam leaving the Rosenbrock valley after 10^6 steps) is drawn as it went, not cut across.
/// Those extra rows are capped at 2,048 per doubling of the step, so memory stays bounded
/// (10^8 steps: under 80,000 rows) even for a run that never settles.
class DisplayRows {
public:
    /// `tolerance`: e.g. displayTolerance(); `start`: row 0's point (always kept).
    DisplayRows(double tolerance, const Eigen::Vector2d& start);
    /// Whether to keep the row of `step` at `point`; `force` keeps it (last row, lr cut).
    bool keep(long long step, const Eigen::Vector2d& point, bool force = false);

private:
    double m_tolerance2;
    Eigen::Vector2d m_last;
    int m_octave = -1;
    int m_extra = 0; ///< rows kept for distance in this octave
};

/// Half a pixel of a 1,000-pixel map of `experiment`'s function plot bounds.
double displayTolerance(const Experiment& experiment);

/// Colours of the runs, in order: 14 distinct ones, the first 8 colour-blind safe (Okabe–Ito).
QColor runColor(int index);
/// The colour of run `configIndex` of `experiment`: its `color` if it has a valid one, else
/// runColor(configIndex). Twins share their run's colour (charts draw them in twinShade()).
QColor runColorOf(const Experiment& experiment, int configIndex);
/// The colour of a run's no-decay twin: a pale, greyed shade of the run's colour (its "ghost").
QColor twinShade(const QColor& runColor);

} // namespace optiscope

Q_DECLARE_METATYPE(optiscope::RunBatch)
