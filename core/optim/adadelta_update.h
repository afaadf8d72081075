// Adadelta, exactly as torch.optim.Adadelta (PyTorch 1.13).
//
// Reference: Zeiler, 2012, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701.
//
//   g     = grad + weight_decay * p                    (coupled L2)
//   sq    = rho * sq + (1 - rho) * g²                  (torch `square_avg`)
//   delta = sqrt(acc + eps) / sqrt(sq + eps) * g       (eps inside both roots; acc before update)
//   acc   = rho * acc + (1 - rho) * delta²             (torch `acc_delta`)
//   p     = p - lr * delta                             (lr default 1.0)
#pragma once

#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class AdadeltaUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// Decay of both running averages, default 0.9, in [0, 1].
        double rho = 0.9;
        /// Added inside both square roots, default 1e-6, >= 0.
        double eps = 1e-6;
        /// L2 penalty λ added to the gradient, default 0, >= 0.
        double weightDecay = 0.0;
    };

    explicit AdadeltaUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

private:
    Hyper m_hyper;
    Vector m_squareAvg;    ///< torch `square_avg`
    Vector m_accDelta;     ///< torch `acc_delta`
    Vector m_std;          ///< sqrt(square_avg + eps) of the last step
    Vector m_rmsDeltaPrev; ///< sqrt(acc_delta + eps) before the last step's update
    Vector m_gEff;
};

} // namespace optiscope
