// RMSprop, exactly as torch.optim.RMSprop (PyTorch 1.13).
//
// Reference: Hinton, Srivastava & Swersky, 2012, "Neural Networks for Machine Learning",
// lecture 6e (Coursera); the centered form: Graves, 2013, "Generating Sequences With Recurrent
// Neural Networks", arXiv:1308.0850.
//
//   g     = grad + weight_decay * p                    (coupled L2)
//   sq    = alpha * sq + (1 - alpha) * g²              (torch `square_avg`)
//   centered: ga = alpha * ga + (1 - alpha) * g;  avg = sqrt(sq - ga²) + eps
//   else:                                         avg = sqrt(sq) + eps   (eps outside the root)
//   momentum > 0: buf = momentum * buf + g / avg;  p = p - lr * buf
//   else:                                          p = p - lr * g / avg
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class RmspropUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// Smoothing constant of the squared-gradient average, default 0.99 (Keras' rho: 0.9),
        /// >= 0.
        double alpha = 0.99;
        /// Added to sqrt(square_avg), default 1e-8, >= 0.
        double eps = 1e-8;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
        /// Momentum factor on the scaled step, default 0, >= 0.
        double momentum = 0.0;
        /// Normalize by the variance estimate (subtract the squared mean gradient), default false.
        bool centered = false;
    };

    explicit RmspropUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_squareAvg;      ///< torch `square_avg`
    Vector m_gradAvg;        ///< torch `grad_avg` (centered)
    Vector m_momentumBuffer; ///< torch `momentum_buffer` (momentum > 0)
    Vector m_denom;          ///< avg of the last step (eps included)
    Vector m_gEff;
};

} // namespace optiscope
