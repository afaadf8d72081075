// Adamax, exactly as torch.optim.Adamax (PyTorch 1.13).
//
// Reference: Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", ICLR,
// arXiv:1412.6980, section 7.1 (the infinity-norm variant of Adam).
//
//   t = t + 1
//   g = grad + weight_decay * p                        (coupled L2)
//   m = β1 m + (1 - β1) g                              (torch `exp_avg`)
//   u = max(β2 u, |g| + eps)                           (torch `exp_inf`; eps inside the max)
//   p = p - lr/(1 - β1^t) · m / u
//
// The effective learning rate is lr / u, the factor on m̂ = m / (1 - β1^t), as for Adam.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class AdamaxUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β1: decay of the gradient mean, default 0.9, in [0, 1).
        double beta1 = 0.9;
        /// β2: decay of the infinity norm, default 0.999, in [0, 1).
        double beta2 = 0.999;
        /// Added to |g| inside the max, default 1e-8, >= 0.
        double eps = 1e-8;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
        /// true: tf.keras's formula (Keras 3 optimizers/adamax.py): m = m + (g - m)(1 - β1),
        /// u = max(β2 u, |g|), p = p - lr m / ((1 - β1^t)(u + ε̂)) — eps outside the max.
        bool keras = false;
    };

    explicit AdamaxUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_expAvg; ///< torch `exp_avg` (m)
    Vector m_expInf; ///< torch `exp_inf` (u)
    Vector m_mHat;
    Vector m_gEff;
    double m_bc1 = 0.0, m_clr = 0.0;
};

} // namespace optiscope
