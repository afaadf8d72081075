// `one_cycle`: PyTorch 1.13 OneCycleLR (Smith & Topin 2017, "Super-Convergence: Very Fast
// Training of Neural Networks Using Large Learning Rates", arXiv:1708.07120).
#pragma once

#include "core/schedule/lr_schedule.h"

#include <string>
#include <vector>

namespace optiscope {

/// The lr warms up from initial_lr = max_lr/div_factor to max_lr during the first pct_start of
/// total_steps, then anneals to min_lr = initial_lr/final_div_factor. With three_phase it goes
/// back down to initial_lr symmetrically first and only then to min_lr. The momentum (SGD
/// `momentum` or Adam's `betas[0]`) moves the opposite way, max_momentum → base_momentum → back.
///
/// Phases (as in torch, with their odd float ends): end_1 = pct_start·total − 1,
/// [three_phase: end_2 = 2·pct_start·total − 2], last end = total − 1; inside a phase
/// pct = (e − start)/(end − start) and
///   cos:    value = end_v + (start_v − end_v)/2 · (cos(π pct) + 1)
///   linear: value = (end_v − start_v) · pct + start_v.
///
/// As in torch, the optimizer's lr (lr0) and momentum are ignored: the lr starts at
/// max_lr/div_factor and, when cycle_momentum, the momentum starts at max_momentum.
/// torch raises an error when stepped past total_steps; OptiScope then holds the last values
/// (min_lr and max_momentum).
///
/// Parameters (torch names and defaults):
/// - max_lr (required, > 0): the peak lr.
/// - total_steps (none) or epochs (none) × steps_per_epoch (none): the cycle length in steps.
/// - pct_start (0.3, [0, 1]): fraction of the cycle spent increasing the lr.
/// - anneal_strategy ("cos"): "cos" or "linear".
/// - cycle_momentum (true), base_momentum (0.85), max_momentum (0.95), each in [0, 1).
/// - div_factor (25, > 0): initial_lr = max_lr/div_factor.
/// - final_div_factor (1e4, > 0): min_lr = initial_lr/final_div_factor.
/// - three_phase (false): use the symmetric three-phase variant (fast.ai style).
class OneCycleLr : public LrSchedule {
public:
    struct Options {
        double maxLr = 0.0;
        long long totalSteps = 0;
        double pctStart = 0.3;
        bool cosine = true;
        bool cycleMomentum = true;
        double baseMomentum = 0.85;
        double maxMomentum = 0.95;
        double divFactor = 25.0;
        double finalDivFactor = 1e4;
        bool threePhase = false;
    };
    explicit OneCycleLr(const Options& options);

    [[nodiscard]] double lr() const override { return m_lr; }
    [[nodiscard]] std::optional<double> momentum() const override;
    void step(double metric) override;

private:
    struct Phase {
        double endStep;
        double startLr, endLr, startMomentum, endMomentum;
    };
    void compute();
    [[nodiscard]] double anneal(double start, double end, double pct) const;

    Options m_opt;
    std::vector<Phase> m_phases;
    long long m_step = 0;
    double m_lr = 0.0;
    double m_momentum = 0.0;
};

} // namespace optiscope
