// `cyclic`: PyTorch 1.13 CyclicLR (Smith 2017, "Cyclical Learning Rates for Training Neural
// Networks", WACV, arXiv:1506.01186).
#pragma once

#include "core/schedule/lr_schedule.h"

namespace optiscope {

/// The lr moves linearly between base_lr and max_lr: up over step_size_up steps, down over
/// step_size_down steps (default: step_size_up), forever. Closed form, as in torch:
///   cycle = floor(1 + e/(up + down)),  x = 1 + e/(up + down) − cycle,
///   scale = x/ratio if x <= ratio else (x − 1)/(ratio − 1),  ratio = up/(up + down),
///   lr = base_lr + (max_lr − base_lr) · scale · f,
/// with the amplitude factor f = 1 (triangular), 1/2^(cycle−1) (triangular2, halves every cycle)
/// or gamma^e (exp_range, per step). With cycle_momentum the momentum goes the opposite way:
///   momentum = max_momentum − (max_momentum − base_momentum) · scale · f.
///
/// As in torch, the optimizer's lr (lr0) is replaced by base_lr, and with cycle_momentum the
/// optimizer's momentum is replaced by the cycled value. torch 1.13 accepts cycle_momentum only
/// for optimizers with a `momentum` (SGD, RMSprop); torch >= 2.0 cycles Adam's betas[0] too,
/// which is what OptiScope does with momentum() for Adam-like optimizers.
///
/// Parameters (torch names and defaults):
/// - base_lr (required, >= 0), max_lr (required, > base_lr): the two ends of the cycle.
/// - step_size_up (2000, whole >= 1), step_size_down (none = step_size_up, whole >= 0).
/// - mode ("triangular"): "triangular", "triangular2" or "exp_range".
/// - gamma (1.0, (0, 1]): exp_range's per-step amplitude factor.
/// - cycle_momentum (true), base_momentum (0.8), max_momentum (0.9), each in [0, 1).
/// torch's custom scale_fn / scale_mode (Python callables) are not supported.
class CyclicLr : public LrSchedule {
public:
    enum class Mode { Triangular, Triangular2, ExpRange };
    struct Options {
        double baseLr = 0.0;
        double maxLr = 0.0;
        double stepSizeUp = 2000.0;
        double stepSizeDown = 2000.0;
        Mode mode = Mode::Triangular;
        double gamma = 1.0;
        bool cycleMomentum = true;
        double baseMomentum = 0.8;
        double maxMomentum = 0.9;
    };
    explicit CyclicLr(const Options& options);

    [[nodiscard]] double lr() const override { return m_lr; }
    [[nodiscard]] std::optional<double> momentum() const override;
    void step(double metric) override;

private:
    void compute();
    Options m_opt;
    double m_totalSize, m_stepRatio;
    long long m_epoch = 0;
    double m_lr = 0.0;
    double m_momentum = 0.0;
};

} // namespace optiscope
