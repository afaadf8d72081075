// Yogi, as pytorch-optimizer's implementation (jettify/pytorch-optimizer, torch_optimizer/yogi.py),
// with its names and defaults (lr 1e-2, betas (0.9, 0.999), eps 1e-3, initial_accumulator 1e-6,
// bias-corrected). Not part of torch.optim 1.13.
//
// Reference: Zaheer, Reddi, Sachan, Kale & Kumar, 2018, "Adaptive Methods for Nonconvex
// Optimization", NeurIPS.
//
//   g = grad + weight_decay * p                          (coupled L2, only if weight_decay != 0)
//   m = β1 m + (1 - β1) g                                (`exp_avg`, starts at initial_accumulator)
//   v = v - (1 - β2) sign(v - g²) g²                     (`exp_avg_sq`, starts at
//   initial_accumulator:
//                                                         additive, v moves towards g² by at most
//                                                         (1 - β2) g² — Adam's v jumps)
//   p = p - lr/(1 - β1^t) · m / (sqrt(v)/sqrt(1 - β2^t) + eps)
//
// The effective learning rate is lr / denom, the factor on m̂ = m/(1 - β1^t), as for Adam.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class YogiUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        double beta1 = 0.9, beta2 = 0.999; ///< each in [0, 1)
        double eps = 1e-3;                 ///< >= 0
        double initialAccumulator = 1e-6;  ///< start of m and v, >= 0
        double weightDecay = 0.0;          ///< >= 0
    };

    explicit YogiUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

private:
    Hyper m_hyper;
    Vector m_expAvg, m_expAvgSq, m_denom, m_mHat, m_gEff;
    double m_bc1 = 0.0, m_bc2 = 0.0;
};

} // namespace optiscope
