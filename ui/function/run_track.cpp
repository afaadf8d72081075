#include "ui/function/run_track.h"

#include "core/functions/test_function.h"

#include <algorithm>
#include <bit>

#include <algorithm>

#include <cmath>

namespace optiscope {

RunStateLayout RunStateLayout::of(const OptimizerState& state) {
    RunStateLayout layout;
    for (const auto& s : state.scalars)
        layout.scalars.push_back(s.name);
    for (const auto& t : state.tensors)
        layout.tensors.emplace_back(t.name, static_cast<int>(t.values.size()));
    return layout;
}

std::vector<double> RunStateLayout::flatten(const OptimizerState& state) {
    std::vector<double> out;
    for (const auto& s : state.scalars)
        out.push_back(s.value);
    for (const auto& t : state.tensors)
        for (Eigen::Index i = 0; i < t.values.size(); ++i)
            out.push_back(t.values[i]);
    return out;
}

OptimizerState RunStateLayout::unflatten(const std::vector<double>& values) const {
    OptimizerState state;
    size_t at = 0;
    auto next = [&]() { return at < values.size() ? values[at++] : std::nan(""); };
    for (const auto& name : scalars)
        state.scalars.push_back({name, next()});
    for (const auto& [name, count] : tensors) {
        StateTensor t{name, Eigen::VectorXd(count)};
        for (int i = 0; i < count; ++i)
            t.values[i] = next();
        state.tensors.push_back(std::move(t));
    }
    return state;
}

QString RunTrack::statusText() const {
    if (!error.isEmpty())
        return QStringLiteral("error: %1").arg(error);
    if (diverged)
        return QStringLiteral("diverged at step %1").arg(divergedAt);
    if (!hasLatest)
        return QStringLiteral("waiting");
    // The state first: a narrow column cuts the end, and "done" is what a class looks for.
    return QStringLiteral("%1 %2 · loss %3")
        .arg(finished ? QStringLiteral("done at step") : QStringLiteral("step"))
        .arg(latest.step)
        .arg(latest.loss, 0, 'g', 4);
}

QColor runColorOf(const Experiment& experiment, int configIndex) {
    const QColor configured(
        QString::fromStdString(experiment.runs.at(std::size_t(configIndex)).color));
    return configured.isValid() ? configured : runColor(configIndex);
}

namespace {
constexpr long long kDenseSteps = 4096;   ///< every row below this step
constexpr int kRowsPerOctaveLog2 = 10;    ///< 1,024 rows per doubling above it
constexpr int kExtraRowsPerOctave = 2048; ///< at most, kept for distance (DisplayRows)

long long strideAt(long long step) {
    if (step < kDenseSteps)
        return 1;
    const int octave = 63 - std::countl_zero(static_cast<unsigned long long>(step));
    return 1LL << (octave - kRowsPerOctaveLog2);
}
} // namespace

bool isDisplayRow(long long step) {
    return step >= 0 && step % strideAt(step) == 0;
}

DisplayRows::DisplayRows(double tolerance, const Eigen::Vector2d& start)
    : m_tolerance2(tolerance * tolerance), m_last(start) {}

bool DisplayRows::keep(long long step, const Eigen::Vector2d& point, bool force) {
    bool kept = force || isDisplayRow(step);
    if (!kept && step >= kDenseSteps && (point - m_last).squaredNorm() > m_tolerance2) {
        const int octave = 63 - std::countl_zero(static_cast<unsigned long long>(step));
        if (octave != m_octave) {
            m_octave = octave;
            m_extra = 0;
        }
        if (m_extra < kExtraRowsPerOctave) {
            ++m_extra;
            kept = true;
        }
    }
    if (kept)
        m_last = point;
    return kept;
}

double displayTolerance(const Experiment& experiment) {
    const FunctionInfo* f = functionInfo(experiment.function); // typed functions too
    if (!f)
        return 1e-3;
    const PlotBounds& b = f->bounds;
    return std::max(b.xMax - b.xMin, b.yMax - b.yMin) / 2000.0;
}

long long displayRowCount(long long steps) {
    if (steps < 0)
        return 0;
    if (steps < kDenseSteps)
        return steps + 1;
    long long count = kDenseSteps;
    for (long long lo = kDenseSteps; lo <= steps; lo *= 2) {
        const long long hi = std::min(steps, 2 * lo - 1); // this octave: [lo, 2 lo)
        const long long stride = strideAt(lo);
        count += (hi - lo) / stride + 1; // lo is a multiple of the stride
        if (lo > steps / 2)
            break;
    }
    return count;
}

RunSample RunSample::fromStep(const FunctionStep& row) {
    RunSample s;
    s.step = row.step;
    s.x = row.point.x();
    s.y = row.point.y();
    s.loss = row.loss;
    s.gradX = row.grad.x();
    s.gradY = row.grad.y();
    s.lr = row.lr;
    s.effLrX = row.effLr.x();
    s.effLrY = row.effLr.y();
    s.lrReduced = row.lrReduced;
    return s;
}

QColor twinShade(const QColor& color) {
    const QColor hsl = color.toHsl();
    return QColor::fromHslF(hsl.hslHueF(), hsl.hslSaturationF() * 0.35,
                            std::min(0.72, hsl.lightnessF() + 0.22));
}

QColor runColor(int index) {
    // Okabe & Ito's colour-blind-safe eight (orange, sky blue, vermillion, bluish green, reddish
    // purple, blue, grey, yellow), then six more from Tableau's and beyond, chosen to stay at
    // least ΔE 24 (CIELAB) from every other: 14 runs before a colour repeats.
    static const char* const colors[] = {"#e69f00", "#56b4e9", "#d55e00", "#009e73", "#cc79a7",
                                         "#0072b2", "#999999", "#f0e442", "#e15759", "#8cd17d",
                                         "#6b3fa0", "#9c755f", "#ff9da7", "#1b3a6b"};
    constexpr int n = int(sizeof colors / sizeof colors[0]);
    return QColor(colors[((index % n) + n) % n]);
}

} // namespace optiscope
