// QHAdam (quasi-hyperbolic Adam), as the authors' reference PyTorch code
// (facebookresearch/qhoptim, qhoptim/pyt/qhadam.py), with its names and defaults. Not part of
// torch.optim 1.13.
//
// Reference: Ma & Yarats, 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR,
// arXiv:1810.06801.
//
//   g     = grad + weight_decay * p, or p *= 1 - lr * weight_decay (decouple_weight_decay)
//   w1    = 1 + β1 w1;  w2 = 1 + β2 w2                   (`beta1_weight`, `beta2_weight`, from 0)
//   b1    = 1 - 1/w1;   b2 = 1 - 1/w2                    (bias correction folded into the decay)
//   m     = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²   (already bias-corrected averages)
//   avg   = ν1 m + (1 - ν1) g                            (`avg_grad`)
//   rms   = sqrt(ν2 v + (1 - ν2) g²) + eps               (`avg_grad_rms`)
//   p     = p - lr avg / rms
//
// bias_correction = false uses b1 = β1, b2 = β2: plain moving averages started at zero, so the
// first steps are large (as Adam without its correction). ν1 = ν2 = 1 (the defaults) is Adam.
// The effective learning rate is lr / rms, the factor on avg_grad.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class QhadamUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        double beta1 = 0.9, beta2 = 0.999; ///< decays of m and v, each in [0, 1)
        double nu1 = 1.0, nu2 = 1.0;       ///< immediate discount factors, each in [0, 1]
        double weightDecay = 0.0;          ///< λ, >= 0
        bool decoupleWeightDecay = false;  ///< true: p *= 1 - lr·λ; false: g += λ p
        double eps = 1e-8;                 ///< added to the root, >= 0
        bool biasCorrection = true;        ///< false: b1 = β1, b2 = β2
    };

    explicit QhadamUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

private:
    Hyper m_hyper;
    double m_beta1Weight = 0.0, m_beta2Weight = 0.0, m_beta1Adj = 0.0, m_beta2Adj = 0.0;
    Vector m_expAvg, m_expAvgSq, m_avgGrad, m_avgGradRms, m_gEff;
};

} // namespace optiscope
