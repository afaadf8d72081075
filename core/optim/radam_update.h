// RAdam (rectified Adam), exactly as torch.optim.RAdam (PyTorch 1.13, single-tensor path).
//
// Reference: Liu, Jiang, He, Chen, Liu, Gao & Han, 2020, "On the Variance of the Adaptive
// Learning Rate and Beyond", ICLR, arXiv:1908.03265.
//
//   t     = t + 1
//   g     = grad + weight_decay * p                    (coupled L2)
//   m, v  as Adam;  m̂ = m / (1 - β1^t)
//   ρ∞    = 2/(1 - β2) - 1;  ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
//   ρ_t > 5 (rectified): r_t = sqrt((ρ_t-4)(ρ_t-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρ_t))
//                        p = p - lr · m̂ · sqrt(1 - β2^t)/(sqrt(v) + eps) · r_t
//   else (warm-up):      p = p - lr · m̂                (SGD with momentum)
//
// eps is added to the raw sqrt(v), unlike Adam. With β2 = 0.999 the rectified update starts at
// step 6. The effective learning rate is lr·r_t·sqrt(1 - β2^t)/(sqrt(v) + eps), else lr.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class RadamUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β1: decay of the gradient mean, default 0.9, in [0, 1).
        double beta1 = 0.9;
        /// β2: decay of the squared-gradient mean, default 0.999, in [0, 1).
        double beta2 = 0.999;
        /// Added to sqrt(v), default 1e-8, >= 0.
        double eps = 1e-8;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
        /// false: m̂ = m and the adaptive lr 1/(sqrt(v) + eps) (no 1 - β^t); ρt keeps
        /// 1 - β2^t, default true.
        bool biasCorrection = true;
    };

    explicit RadamUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_expAvg;   ///< torch `exp_avg` (m)
    Vector m_expAvgSq; ///< torch `exp_avg_sq` (v)
    Vector m_mHat, m_vHat, m_adaptiveLr, m_gEff;
    double m_bc1 = 0.0, m_bc2 = 0.0, m_rhoInf = 0.0, m_rhoT = 0.0, m_rect = 0.0;
    bool m_rectified = false;
};

} // namespace optiscope
