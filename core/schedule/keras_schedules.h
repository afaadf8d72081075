// TensorFlow / Keras learning-rate schedules: closed forms of the update counter.
//
// Keras evaluates a LearningRateSchedule at `step = optimizer.iterations`, the number of updates
// already applied, so update k (k = 1, 2, ...) uses step s = k - 1. Each class below is a float64
// transcription of the Keras 3 source (keras/src/optimizers/schedules/learning_rate_schedule.py)
// or, for natural_exp_decay, of tf.compat.v1.train.natural_exp_decay. Real TF casts a Python
// float lr to float32; OptiScope keeps float64 throughout (the reference data's `lr` arrays), so
// values differ from TF's float32 output by float32 rounding only.
//
// Operations are written in the same order as the Keras source so that results match the
// float64 reference transcription to the last bit or within libm's 1-ulp differences for
// pow/exp/cos/log.
#pragma once

#include "core/schedule/lr_schedule.h"

#include <vector>

namespace optiscope {

/// A schedule that is a pure function of the update counter s (0 for the first update).
class IterationSchedule : public LrSchedule {
public:
    [[nodiscard]] double lr() const override { return valueAt(m_step); }
    void step(double /*metric*/) override { ++m_step; }
    /// The lr at counter s (s = number of scheduler steps taken so far).
    [[nodiscard]] virtual double valueAt(long long s) const = 0;

private:
    long long m_step = 0;
};

/// `constant`: no decay, lr = lr0 for every update.
class ConstantSchedule : public IterationSchedule {
public:
    explicit ConstantSchedule(double lr0) : m_lr0(lr0) {}
    [[nodiscard]] double valueAt(long long) const override { return m_lr0; }

private:
    double m_lr0;
};

/// `exponential_decay` (Keras ExponentialDecay, tf.train.exponential_decay):
///   lr(s) = lr0 · decay_rate^p,  p = s / decay_steps  (p = floor(p) when staircase).
/// - decay_steps (> 0, whole): steps over which the lr is multiplied by decay_rate once.
/// - decay_rate (> 0): factor per decay_steps; < 1 decays, 1 is constant.
/// - staircase (false): decay in discrete jumps every decay_steps instead of smoothly.
class ExponentialDecay : public IterationSchedule {
public:
    ExponentialDecay(double lr0, double decaySteps, double decayRate, bool staircase)
        : m_lr0(lr0), m_decaySteps(decaySteps), m_decayRate(decayRate), m_staircase(staircase) {}
    [[nodiscard]] double valueAt(long long s) const override;

protected:
    double m_lr0, m_decaySteps, m_decayRate;
    bool m_staircase;
};

/// `natural_exp_decay` (TF 1.x tf.train.natural_exp_decay):
///   lr(s) = lr0 · exp(-decay_rate · p),  p = s / decay_steps (floor if staircase).
/// TF implements it as ExponentialDecay(lr0, decay_steps, exp(-decay_rate)), i.e. it evaluates
/// lr0 · exp(-decay_rate)^p; this class does the same (identical maths, TF's rounding).
/// Parameters as for exponential_decay; decay_rate (> 0) is the rate of the natural exponent.
class NaturalExpDecay : public ExponentialDecay {
public:
    NaturalExpDecay(double lr0, double decaySteps, double decayRate, bool staircase);
};

/// `inverse_time_decay` (Keras InverseTimeDecay):
///   lr(s) = lr0 / (1 + decay_rate · p),  p = s / decay_steps (floor if staircase).
/// - decay_steps (> 0, whole), decay_rate (> 0), staircase (false): as above.
class InverseTimeDecay : public IterationSchedule {
public:
    InverseTimeDecay(double lr0, double decaySteps, double decayRate, bool staircase)
        : m_lr0(lr0), m_decaySteps(decaySteps), m_decayRate(decayRate), m_staircase(staircase) {}
    [[nodiscard]] double valueAt(long long s) const override;

private:
    double m_lr0, m_decaySteps, m_decayRate;
    bool m_staircase;
};

/// `polynomial_decay` (Keras PolynomialDecay):
///   cycle = false: s' = min(s, decay_steps), D = decay_steps
///   cycle = true:  s' = s, D = decay_steps · ceil(s / decay_steps) (multiplier 1 at s = 0)
///   lr(s) = (lr0 − end_learning_rate) · (1 − s'/D)^power + end_learning_rate
/// - decay_steps (> 0, whole): length of the decay.
/// - end_learning_rate (0.0001, >= 0): the lr reached after decay_steps.
/// - power (1.0, >= 0): 1 is linear, 2 quadratic, ...
/// - cycle (false): restart the decay (over a longer span) after decay_steps.
class PolynomialDecay : public IterationSchedule {
public:
    PolynomialDecay(double lr0, double decaySteps, double endLr, double power, bool cycle)
        : m_lr0(lr0), m_decaySteps(decaySteps), m_endLr(endLr), m_power(power), m_cycle(cycle) {}
    [[nodiscard]] double valueAt(long long s) const override;

private:
    double m_lr0, m_decaySteps, m_endLr, m_power;
    bool m_cycle;
};

/// `cosine_decay` (Keras CosineDecay, Loshchilov & Hutter 2017, "SGDR", without restarts):
///   no warmup: s' = min(s, decay_steps);
///              lr(s) = lr0 · ((1 − alpha) · ½(1 + cos(π s'/decay_steps)) + alpha)
///   warmup (warmup_target set, Keras 3): s' = min(s, decay_steps + warmup_steps);
///              s' < warmup_steps: lr = (warmup_target − lr0) · s'/warmup_steps + lr0
///              else the cosine above from warmup_target, with s' − warmup_steps.
/// - decay_steps (> 0, whole): length of the cosine decay.
/// - alpha (0.0, [0, 1]): floor of the decay as a fraction of the starting lr.
/// - warmup_target (none, >= 0): if set, lr0 ramps linearly to it over warmup_steps first.
/// - warmup_steps (0, >= 0 whole): length of the linear warmup.
class CosineDecay : public IterationSchedule {
public:
    CosineDecay(double lr0, double decaySteps, double alpha, std::optional<double> warmupTarget,
                double warmupSteps)
        : m_lr0(lr0), m_decaySteps(decaySteps), m_alpha(alpha), m_warmupTarget(warmupTarget),
          m_warmupSteps(warmupSteps) {}
    [[nodiscard]] double valueAt(long long s) const override;

private:
    [[nodiscard]] double decay(double s, double from) const;
    double m_lr0, m_decaySteps, m_alpha;
    std::optional<double> m_warmupTarget;
    double m_warmupSteps;
};

/// `cosine_decay_restarts` (Keras CosineDecayRestarts, SGDR: Loshchilov & Hutter 2017):
///   f = s / first_decay_steps;
///   t_mul = 1: i = floor(f), f −= i
///   else:      i = floor(log(1 − f(1 − t_mul)) / log t_mul), f = (f − (1 − t_mul^i)/(1 − t_mul)) /
///   t_mul^i lr(s) = lr0 · ((1 − alpha) · ½ · m_mul^i · (1 + cos(π f)) + alpha)
/// - first_decay_steps (> 0, whole): length of the first period.
/// - t_mul (2.0, >= 1): each period is t_mul times longer than the previous one.
/// - m_mul (1.0, >= 0): each restart starts at m_mul times the previous peak.
/// - alpha (0.0, [0, 1]): floor as a fraction of lr0.
class CosineDecayRestarts : public IterationSchedule {
public:
    CosineDecayRestarts(double lr0, double firstDecaySteps, double tMul, double mMul, double alpha)
        : m_lr0(lr0), m_firstDecaySteps(firstDecaySteps), m_tMul(tMul), m_mMul(mMul),
          m_alpha(alpha) {}
    [[nodiscard]] double valueAt(long long s) const override;

private:
    double m_lr0, m_firstDecaySteps, m_tMul, m_mMul, m_alpha;
};

/// `piecewise_constant` (Keras PiecewiseConstantDecay):
///   lr(s) = values[0] if s <= boundaries[0]; values[i] if boundaries[i-1] < s <= boundaries[i];
///           values[n] if s > boundaries[n-1]. A boundary step belongs to the EARLIER interval.
/// - boundaries (whole numbers, strictly increasing, at least one): the step counts where the lr
///   changes.
/// - values (one more than boundaries, each >= 0): the lr of each interval. NOTE: the values
///   REPLACE the optimizer's lr; the optimizer's configured lr is not used at all.
class PiecewiseConstantDecay : public IterationSchedule {
public:
    PiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values)
        : m_boundaries(std::move(boundaries)), m_values(std::move(values)) {}
    [[nodiscard]] double valueAt(long long s) const override;

private:
    std::vector<double> m_boundaries, m_values;
};

} // namespace optiscope
