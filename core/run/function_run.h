// One run of an optimizer on a 2D function, advanced one update at a time. The CLI drives it to
// the end; the GUI's worker drives it in slices and snapshots what it needs.
#pragma once

#include "core/experiment/experiment.h"
#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <Eigen/Core>

#include <limits>
#include <memory>

namespace optiscope {

/// Row k of a trace (SPEC §3): the state after update k. `lr` and `effLr` are those update k
/// used (NaN in row 0); `grad` is the gradient the optimizer is given at this point (noise
/// included), i.e. the one that feeds update k+1; `loss` is the true f.
struct FunctionStep {
    long long step = 0;
    Eigen::Vector2d point{0, 0};
    double loss = 0.0;
    Eigen::Vector2d grad{0, 0};
    double lr = std::numeric_limits<double>::quiet_NaN();
    Eigen::Vector2d effLr{std::numeric_limits<double>::quiet_NaN(),
                          std::numeric_limits<double>::quiet_NaN()};
    bool lrReduced = false; ///< a plateau schedule reduced the lr after this update
};

class FunctionRun {
public:
    /// `experiment` must be valid and a function problem; `instance` one of expandRuns().
    FunctionRun(const Experiment& experiment, const RunInstance& instance);
    ~FunctionRun();
    FunctionRun(FunctionRun&&) noexcept;
    FunctionRun& operator=(FunctionRun&&) noexcept;

    /// The latest state (row 0 until the first advance()).
    [[nodiscard]] const FunctionStep& current() const { return m_current; }
    /// Perform one update. Returns false, doing nothing, once the run has diverged or reached
    /// `maxSteps`. A non-finite parameter, loss or gradient marks the run diverged at that step
    /// and keeps the last finite state as current().
    bool advance();

    [[nodiscard]] bool diverged() const { return m_diverged; }
    /// The update that produced a non-finite value (0 if not diverged).
    [[nodiscard]] long long divergedAt() const { return m_divergedAt; }
    [[nodiscard]] bool finished() const { return m_diverged || m_current.step >= m_maxSteps; }
    [[nodiscard]] long long maxSteps() const { return m_maxSteps; }
    void setMaxSteps(long long steps) { m_maxSteps = steps; }

    [[nodiscard]] const RunInstance& instance() const { return m_instance; }
    [[nodiscard]] const TestFunction& function() const { return *m_function; }
    [[nodiscard]] const UpdateRule<double>& rule() const { return *m_rule; }
    [[nodiscard]] const LrSchedule* schedule() const { return m_schedule.get(); }

private:
    RunInstance m_instance;
    std::unique_ptr<TestFunction> m_function;
    std::unique_ptr<UpdateRule<double>> m_rule;
    std::unique_ptr<LrSchedule> m_schedule; ///< null: constant lr
    std::unique_ptr<GradientNoise> m_noise; ///< null: exact gradients
    double m_lr0 = 0.0;
    long long m_maxSteps = 0;
    bool m_diverged = false;
    long long m_divergedAt = 0;
    Eigen::VectorXd m_params;
    FunctionStep m_current;
};

} // namespace optiscope
