// PyTorch 1.13 torch.optim.lr_scheduler schedules (epoch-style, one step() per update).
//
// Argument names and defaults are PyTorch's. PyTorch stores the lr in the optimizer's param group
// and most schedulers compute it *recursively* from the previous value (the "chainable" get_lr);
// the classes here transcribe that recursion operation for operation, so the values are
// bit-identical to torch's in float64 (checked against the reference data). The counter
// `last_epoch` (e below) is 0 after construction and grows by one per step(); the lr after e
// steps is the lr used by update e + 1. lr0 is the optimizer's configured lr ("base_lr").
#pragma once

#include "core/schedule/lr_schedule.h"

#include <map>
#include <vector>

namespace optiscope {

/// Base of the recursive schedulers: holds the current lr and last_epoch.
class ChainableSchedule : public LrSchedule {
public:
    [[nodiscard]] double lr() const override { return m_lr; }
    void step(double /*metric*/) override {
        ++m_epoch;
        m_lr = next(m_lr, m_epoch);
    }

protected:
    explicit ChainableSchedule(double lr0) : m_lr(lr0) {}
    /// torch's get_lr(): the lr at epoch e from the lr at e − 1.
    [[nodiscard]] virtual double next(double lr, long long e) const = 0;
    double m_lr;
    long long m_epoch = 0;
};

/// `step` (StepLR): multiply the lr by gamma every step_size steps.
///   lr_e = lr_{e−1} · gamma if e > 0 and e mod step_size = 0, else lr_{e−1}.
/// - step_size (required, whole >= 1): period of the decay, in scheduler steps.
/// - gamma (0.1, > 0): multiplicative factor.
class StepLr : public ChainableSchedule {
public:
    StepLr(double lr0, long long stepSize, double gamma)
        : ChainableSchedule(lr0), m_stepSize(stepSize), m_gamma(gamma) {}

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    long long m_stepSize;
    double m_gamma;
};

/// `multistep` (MultiStepLR): multiply the lr by gamma at each milestone.
///   lr_e = lr_{e−1} · gamma^count(e), count(e) = how often e appears in milestones.
/// - milestones (required, whole numbers >= 0): steps at which to decay; need not be sorted, a
///   repeated milestone applies gamma as many times (torch uses a Counter). A milestone 0 acts at
///   construction, as in torch.
/// - gamma (0.1, > 0): multiplicative factor.
class MultiStepLr : public ChainableSchedule {
public:
    MultiStepLr(double lr0, const std::vector<double>& milestones, double gamma);

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    std::map<long long, int> m_counts;
    double m_gamma;
};

/// `exponential` (ExponentialLR): lr_e = lr_{e−1} · gamma (e >= 1), i.e. lr0 · gamma^e.
/// - gamma (required, > 0): factor per step.
class ExponentialLr : public ChainableSchedule {
public:
    ExponentialLr(double lr0, double gamma) : ChainableSchedule(lr0), m_gamma(gamma) {}

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    double m_gamma;
};

/// `cosine` (CosineAnnealingLR, Loshchilov & Hutter 2017, SGDR without restarts). Closed form
///   lr_e = eta_min + (lr0 − eta_min) · ½(1 + cos(π e / T_max)),
/// but torch 1.13 evaluates the recursion (and so does this class, bit-exact):
///   lr_e = (1 + cos(π e/T)) / (1 + cos(π (e−1)/T)) · (lr_{e−1} − eta_min) + eta_min,
///   except when (e − 1 − T) mod 2T = 0: lr_e = lr_{e−1} + (lr0 − eta_min)(1 − cos(π/T)) / 2.
/// It does not stop at T_max: past T_max the lr climbs back to lr0 (period 2·T_max).
/// - T_max (required, whole >= 1): half-period, in steps.
/// - eta_min (0, >= 0): the minimum lr.
class CosineAnnealingLr : public ChainableSchedule {
public:
    CosineAnnealingLr(double lr0, long long tMax, double etaMin)
        : ChainableSchedule(lr0), m_lr0(lr0), m_tMax(tMax), m_etaMin(etaMin) {}

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    double m_lr0;
    long long m_tMax;
    double m_etaMin;
};

/// `cosine_warm_restarts` (CosineAnnealingWarmRestarts, SGDR, Loshchilov & Hutter 2017):
///   lr = eta_min + (lr0 − eta_min) · (1 + cos(π T_cur / T_i)) / 2 (closed form, as in torch),
///   T_cur counts steps since the last restart; at T_cur = T_i it restarts with T_i ← T_i · T_mult.
/// - T_0 (required, whole >= 1): length of the first period.
/// - T_mult (1, whole >= 1): growth factor of the period after each restart.
/// - eta_min (0, >= 0): the minimum lr.
class CosineAnnealingWarmRestarts : public LrSchedule {
public:
    CosineAnnealingWarmRestarts(double lr0, long long t0, long long tMult, double etaMin)
        : m_lr0(lr0), m_ti(t0), m_tMult(tMult), m_etaMin(etaMin) {}
    [[nodiscard]] double lr() const override;
    void step(double metric) override;

private:
    double m_lr0;
    long long m_ti, m_tMult;
    double m_etaMin;
    long long m_tCur = 0;
};

/// `linear` (LinearLR): multiply lr0 by a factor going linearly from start_factor to end_factor
/// over total_iters steps, then hold. torch's recursion (used here, bit-exact):
///   lr_0 = lr0 · start_factor;
///   lr_e = lr_{e−1} · (1 + (ef − sf) / (T · sf + (e − 1)(ef − sf))) for 1 <= e <= T.
/// - start_factor (1/3, (0, 1]), end_factor (1.0, [0, 1]), total_iters (5, whole >= 1).
class LinearLr : public ChainableSchedule {
public:
    LinearLr(double lr0, double startFactor, double endFactor, long long totalIters);

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    double m_start, m_end;
    long long m_total;
};

/// `constant_lr` (ConstantLR): lr0 · factor for the first total_iters steps, then lr0.
///   lr_0 = lr0 · factor; lr_e = lr_{e−1} · (1/factor) at e = total_iters.
/// - factor (1/3, (0, 1]), total_iters (5, whole >= 1).
class ConstantLr : public ChainableSchedule {
public:
    ConstantLr(double lr0, double factor, long long totalIters);

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    double m_factor;
    long long m_total;
};

/// `polynomial` (PolynomialLR, torch 1.13): decays to exactly 0 at total_iters, then holds.
///   closed form lr0 · (1 − e/T)^power; torch's recursion (used here):
///   lr_e = lr_{e−1} · ((1 − e/T) / (1 − (e−1)/T))^power for 1 <= e <= T.
/// - total_iters (5, whole >= 1), power (1.0, >= 0).
class PolynomialLr : public ChainableSchedule {
public:
    PolynomialLr(double lr0, long long totalIters, double power)
        : ChainableSchedule(lr0), m_total(totalIters), m_power(power) {}

protected:
    [[nodiscard]] double next(double lr, long long e) const override;

private:
    long long m_total;
    double m_power;
};

} // namespace optiscope
