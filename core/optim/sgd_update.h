// Stochastic gradient descent with optional momentum, dampening, L2 weight decay and Nesterov
// momentum, exactly as torch.optim.SGD (PyTorch 1.13).
//
// References: Robbins & Monro, 1951, "A Stochastic Approximation Method"; momentum: Polyak,
// 1964; Nesterov momentum in the form of Sutskever, Martens, Dahl & Hinton, 2013, "On the
// importance of initialization and momentum in deep learning" (ICML).
//
//   g   = grad + weight_decay * p                      (coupled L2, only if weight_decay != 0)
//   buf = g                                            (first step: no dampening)
//   buf = momentum * buf + (1 - dampening) * g         (later steps)
//   d   = nesterov ? g + momentum * buf : buf          (d = g when momentum == 0)
//   p   = p - lr * d
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class SgdUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    /// Hyper-parameters, fixed for a run (the lr comes with each step from the schedule).
    struct Hyper {
        /// Momentum factor μ, default 0 (plain SGD), range >= 0; typical 0.9.
        double momentum = 0.0;
        /// Dampening τ of the gradient added to the buffer, default 0; torch does not bound it.
        double dampening = 0.0;
        /// L2 penalty λ added to the gradient (λ·p), default 0, range >= 0.
        double weightDecay = 0.0;
        /// Nesterov momentum, default false; needs momentum > 0 and dampening == 0.
        bool nesterov = false;
    };

    explicit SgdUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    // Per-run state.
    Vector m_momentumBuffer; ///< torch `momentum_buffer`; empty until the first momentum step
    Vector m_gEff;           ///< gradient used by the last step (after L2)
    Vector m_nesterov;       ///< Nesterov's step direction (scratch)
};

} // namespace optiscope
