// `reduce_on_plateau`: divide the lr when a watched metric stops improving, with the exact
// semantics of either Keras' ReduceLROnPlateau callback (flavor "keras", the default) or PyTorch
// 1.13's torch.optim.lr_scheduler.ReduceLROnPlateau (flavor "torch").
#pragma once

#include "core/schedule/lr_schedule.h"

namespace optiscope {

/// step(metric) is called with the metric observed after each update (function problems) or
/// epoch (networks); the lr it leaves is the one the next update uses.
///
/// Differences between the flavors (SCHEMA.md §4 of the reference data), all reproduced:
/// | | torch | keras |
/// | improvement | rel: a < best·(1 − threshold) (max: a > best·(1 + threshold)); abs: a < best −
/// threshold | always absolute: a < best − min_delta (max: a > best + min_delta) | | order | update
/// best / bad count, then if in cooldown: counter −= 1, bad = 0 | if in cooldown: counter −= 1,
/// wait = 0; then compare; bad epochs counted only if still not in cooldown | | reduce when | bad
/// epochs > patience | wait >= patience (one epoch earlier) | | cooldown c | ignores c epochs |
/// ignores c − 1 epochs (cooldown = 1 has no effect) | | new lr | max(lr·factor, min_lr), applied
/// only if old − new > eps | if old > float32(min_lr): max(old·factor, min_lr) |
///
/// torch, rel mode with a negative metric: best·(1 − threshold) lies above best, so a flat
/// negative plateau counts as improving and never reduces (torch's behaviour, kept).
///
/// Keras' float32 lr variable: Keras stores the lr in a float32 variable, so real Keras lrs
/// are float32-rounded (0.10000000149...). OptiScope keeps the lr in float64 like every other
/// schedule (the reference's `lr_after`, not `lr_after_float32_variable`): the optimizers are
/// PyTorch's float64 ones and a float32-rounded lr would make a decayed run differ from its
/// constant twin before any reduction. The comparison `old_lr > float32(min_lr)` is kept
/// literally, as in Keras' source. Its one visible consequence: once the float64 lr has been
/// clamped to min_lr (> 0) it stays above float32(min_lr) whenever float32 rounds min_lr down,
/// so every further plateau still "reduces" (to the same min_lr) and reducedOnLastStep() is
/// true with an unchanged lr; with a float32 variable Keras would stop reducing there. The lr
/// values are identical either way up to float32 rounding.
///
/// reducedOnLastStep(): torch — the lr actually changed (old − new > eps); keras — the reduce
/// branch ran (as the reference's `reduced`).
///
/// Parameters:
/// - flavor ("keras"): "keras" or "torch".
/// - mode ("min"): "min" for a loss, "max" for an accuracy-like metric.
/// - factor (0.1, (0, 1)): new_lr = lr · factor.
/// - patience (10, whole >= 0): bad epochs tolerated before reducing.
/// - min_delta (1e-4, >= 0, keras): absolute improvement needed to reset the patience.
/// - threshold (1e-4, >= 0, torch) and threshold_mode ("rel", torch): "rel" needs a relative
///   improvement by threshold, "abs" an absolute one.
/// - cooldown (0, whole >= 0): epochs to wait after a reduction before counting bad epochs.
/// - min_lr (0, >= 0): lower bound on the lr.
/// - eps (1e-8, >= 0, torch): reductions smaller than eps are skipped.
class ReduceLrOnPlateau : public LrSchedule {
public:
    enum class Flavor { Keras, Torch };
    struct Options {
        Flavor flavor = Flavor::Keras;
        bool maxMode = false;
        double factor = 0.1;
        long long patience = 10;
        double minDelta = 1e-4;   ///< keras
        double threshold = 1e-4;  ///< torch
        bool relThreshold = true; ///< torch threshold_mode "rel"
        long long cooldown = 0;
        double minLr = 0.0;
        double eps = 1e-8; ///< torch
    };
    ReduceLrOnPlateau(double lr0, const Options& options);

    [[nodiscard]] double lr() const override { return m_lr; }
    void step(double metric) override;
    [[nodiscard]] bool reducedOnLastStep() const override { return m_reduced; }

    /// Internal counters, for tests and tooltips: torch num_bad_epochs / keras wait.
    [[nodiscard]] long long badEpochs() const { return m_bad; }
    [[nodiscard]] long long cooldownCounter() const { return m_cooldownCounter; }
    [[nodiscard]] double best() const { return m_best; }

private:
    void stepTorch(double metric);
    void stepKeras(double metric);
    Options m_opt;
    double m_lr;
    double m_best;
    long long m_bad = 0;
    long long m_cooldownCounter = 0;
    bool m_reduced = false;
};

} // namespace optiscope
