// Adagrad, exactly as torch.optim.Adagrad (PyTorch 1.13).
//
// Reference: Duchi, Hazan & Singer, 2011, "Adaptive Subgradient Methods for Online Learning and
// Stochastic Optimization", JMLR 12.
//
//   t   = t + 1
//   g   = grad + weight_decay * p                      (coupled L2)
//   clr = lr / (1 + (t - 1) * lr_decay)
//   sum = sum + g²                                     (sum starts at initial_accumulator_value)
//   p   = p - clr * g / (sqrt(sum) + eps)
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class AdagradUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// Learning-rate decay per step: clr = lr / (1 + (t-1)·lr_decay); default 0, >= 0.
        double lrDecay = 0.0;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
        /// Start value of the squared-gradient sum, default 0 (Keras: 0.1), >= 0.
        double initialAccumulatorValue = 0.0;
        /// Added to sqrt(sum) to avoid dividing by 0; default 1e-10, >= 0.
        double eps = 1e-10;
    };

    explicit AdagradUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_sum;   ///< torch `sum`
    Vector m_denom; ///< sqrt(sum) + eps of the last step
    Vector m_gEff;
    double m_clr = 0.0;
};

} // namespace optiscope
