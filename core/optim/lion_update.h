// Lion (EvoLved Sign Momentum), as the authors' reference PyTorch code (lucidrains/lion-pytorch,
// the implementation the paper points to). Not part of torch.optim 1.13; the names and defaults
// are that implementation's.
//
// Reference: Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu & Le, 2023, "Symbolic
// Discovery of Optimization Algorithms", NeurIPS, arXiv:2302.06675.
//
//   p = p * (1 - lr * weight_decay)                    (decoupled, as AdamW; only if wd != 0)
//   c = β1 m + (1 - β1) g                              (interpolation used for the step)
//   p = p - lr * sign(c)                               (every coordinate moves by exactly lr)
//   m = β2 m + (1 - β2) g                              (`exp_avg`, updated after the step)
//
// Because the step has a fixed size per coordinate, Lion wants a 3-10x smaller lr than AdamW.
// The effective learning rate is lr, the factor on the direction sign(c).
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class LionUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β1: weight of the old momentum in the step direction, default 0.9, in [0, 1).
        double beta1 = 0.9;
        /// β2: decay of the momentum that is carried over, default 0.99, in [0, 1).
        double beta2 = 0.99;
        /// Decoupled weight decay λ (p *= 1 - lr·λ), default 0, >= 0.
        double weightDecay = 0.0;
    };

    explicit LionUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_expAvg;    ///< `exp_avg` (m)
    Vector m_direction; ///< sign(c) of the last step
    Vector m_gEff;
};

} // namespace optiscope
