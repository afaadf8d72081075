// NAdam (Adam with Nesterov momentum), with the corrected formula of PyTorch >= 2.0, which is
// also torch 1.13's `foreach=True` path. (torch 1.13's default single-tensor path multiplies one
// μ_t too many into the next momentum product — fixed by PyTorch PR 92699 — and is deliberately
// not reproduced.)
//
// Reference: Dozat, 2016, "Incorporating Nesterov Momentum into Adam", ICLR workshop; the
// momentum schedule μ_t = β1 (1 - ½·0.96^(t·ψ)) follows that paper (ψ = momentum_decay).
//
//   t      = t + 1
//   g      = grad + weight_decay * p                   (coupled L2)
//   μ_t    = β1 (1 - ½·0.96^(t ψ));  μ_{t+1} = β1 (1 - ½·0.96^((t+1) ψ))
//   Π_t    = Π_{t-1} · μ_t                             (torch `mu_product`, Π_0 = 1)
//   m, v   as Adam;  denom = sqrt(v)/sqrt(1 - β2^t) + eps
//   p      = p - lr (1 - μ_t)/(1 - Π_t) · g / denom - lr μ_{t+1}/(1 - Π_t μ_{t+1}) · m / denom
//
// `m_hat` in state() is the Nesterov estimate that multiplies lr/denom:
// (1 - μ_t)/(1 - Π_t) g + μ_{t+1}/(1 - Π_t μ_{t+1}) m; the effective lr is lr / denom.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class NadamUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β1: base momentum / decay of the gradient mean, default 0.9, in [0, 1).
        double beta1 = 0.9;
        /// β2: decay of the squared-gradient mean, default 0.999, in [0, 1).
        double beta2 = 0.999;
        /// Added to sqrt(v̂), default 1e-8, >= 0.
        double eps = 1e-8;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
        /// ψ of the momentum schedule μ_t, default 0.004, >= 0.
        double momentumDecay = 0.004;
        /// false: 1 - β2^t, 1 - Π_t and 1 - Π_t μ_{t+1} are replaced by 1, default true.
        bool biasCorrection = true;
    };

    explicit NadamUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_expAvg;          ///< torch `exp_avg` (m)
    Vector m_expAvgSq;        ///< torch `exp_avg_sq` (v)
    double m_muProduct = 1.0; ///< torch `mu_product`
    Vector m_mHat, m_vHat, m_denom, m_gEff;
    double m_bc2 = 0.0, m_mu = 0.0, m_muNext = 0.0, m_muProductNext = 0.0;
    double m_coefGrad = 0.0, m_coefExpAvg = 0.0;
};

} // namespace optiscope
