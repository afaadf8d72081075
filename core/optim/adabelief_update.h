// AdaBelief, as the authors' reference PyTorch code (juntang-zhuang/Adabelief-Optimizer,
// adabelief-pytorch 0.2.0), with its names and defaults (eps 1e-16, weight_decouple and rectify
// on). Not part of torch.optim 1.13.
//
// Reference: Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris & Duncan, 2020, "AdaBelief
// Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS, arXiv:2010.07468.
//
//   weight_decouple: p *= 1 - lr·wd (fixed_decay: 1 - wd); else g = grad + wd·p (if wd != 0)
//   m  = β1 m + (1 - β1) g                               (`exp_avg`)
//   s  = β2 s + (1 - β2) (g - m)² + eps                  (`exp_avg_var`: the belief; the code adds
//                                                         eps to the stored s every step)
//   amsgrad: smax = max(smax, s), used below instead of s (`max_exp_avg_var`)
//   rectify off:  p = p - lr/(1 - β1^t) · m / (sqrt(s)/sqrt(1 - β2^t) + eps)
//   rectify on (RAdam's rule, ρ∞ = 2/(1 - β2) - 1, ρt = ρ∞ - 2t β2^t/(1 - β2^t)):
//     ρt >= 5: p = p - lr·r_t·sqrt(1 - β2^t)/(1 - β1^t) · m / (sqrt(s) + eps)
//     else:    p = p - lr/(1 - β1^t) · m (degenerated_to_sgd) or no step
//
// bias_correction = false replaces 1 - β1^t and 1 - β2^t by 1 in the step (ρt keeps them).
// The effective learning rate is the factor on m̂ = m/(1 - β1^t): lr / denom without
// rectification, lr·r_t·sqrt(1 - β2^t) / (sqrt(s) + eps) when rectified, lr (SGD) or 0 before.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class AdabeliefUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        double beta1 = 0.9, beta2 = 0.999; ///< each in [0, 1)
        double eps = 1e-16;                ///< >= 0
        double weightDecay = 0.0;          ///< >= 0
        bool amsgrad = false;
        bool weightDecouple = true;
        bool fixedDecay = false;
        bool rectify = true;
        bool degeneratedToSgd = true;
        bool biasCorrection = true;
    };

    explicit AdabeliefUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

private:
    Hyper m_hyper;
    Vector m_expAvg, m_expAvgVar, m_maxExpAvgVar, m_denom, m_mHat, m_gEff;
    double m_bc1 = 0.0, m_bc2 = 0.0, m_rhoInf = 0.0, m_rhoT = 0.0, m_stepSize = 0.0;
    bool m_rectified = false;
};

} // namespace optiscope
