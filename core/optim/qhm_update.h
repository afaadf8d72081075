// QHM (quasi-hyperbolic momentum), as the authors' reference PyTorch code
// (facebookresearch/qhoptim, qhoptim/pyt/qhm.py), with its names. Not part of torch.optim 1.13.
//
// Reference: Ma & Yarats, 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR,
// arXiv:1810.06801.
//
//   weight_decay_type "grad":   g = grad + weight_decay * p     (only if weight_decay != 0)
//   weight_decay_type "direct": p = p * (1 - lr * weight_decay) (only if weight_decay != 0)
//   buf = β buf + (1 - β) g                              (`momentum_buffer`, dampened momentum)
//   p   = p - lr ν buf - lr (1 - ν) g                    (a ν-weighted average of momentum and SGD)
//
// qhoptim requires lr, momentum and nu; the defaults here are its documented recommendation
// (ν = 0.7, β = 0.999) and lr 0.1 = SGD's 0.01 / (1 - 0.9), the rescaling qhoptim asks for
// because the momentum is dampened. The effective learning rate is lr, the factor on the
// direction (1 - ν) g + ν buf.
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class QhmUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β: momentum factor, default 0.999, >= 0.
        double momentum = 0.999;
        /// ν: immediate discount factor (0 = SGD, 1 = dampened momentum), default 0.7.
        double nu = 0.7;
        /// Weight decay λ, default 0, >= 0.
        double weightDecay = 0.0;
        /// true: "direct" (p *= 1 - lr·λ); false: "grad" (g += λ p).
        bool directDecay = false;
    };

    explicit QhmUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

private:
    Hyper m_hyper;
    Vector m_buffer; ///< `momentum_buffer`
    Vector m_gEff;
};

} // namespace optiscope
