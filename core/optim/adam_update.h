// Adam and AdamW (with optional AMSGrad), exactly as torch.optim.Adam / torch.optim.AdamW
// (PyTorch 1.13, single-tensor path).
//
// References: Kingma & Ba, 2015, "Adam: A Method for Stochastic Optimization", ICLR,
// arXiv:1412.6980; AMSGrad: Reddi, Kale & Kumar, 2018, "On the Convergence of Adam and Beyond",
// ICLR; AdamW: Loshchilov & Hutter, 2019, "Decoupled Weight Decay Regularization", ICLR,
// arXiv:1711.05101.
//
//   t   = t + 1
//   AdamW: p = p * (1 - lr * weight_decay)             (decoupled, plain lr)
//   Adam:  g = grad + weight_decay * p                  (coupled L2)
//   m   = β1 m + (1 - β1) g                             (torch `exp_avg`)
//   v   = β2 v + (1 - β2) g²                            (torch `exp_avg_sq`)
//   amsgrad: vmax = max(vmax, v) on the raw v, and v := vmax below (`max_exp_avg_sq`)
//   p   = p - lr/(1 - β1^t) · m / (sqrt(v)/sqrt(1 - β2^t) + eps)
//
// eps is added to the bias-corrected root (Keras adds it to the raw root). The effective
// learning rate is lr / (sqrt(v̂) + eps), v̂ = v / (1 - β2^t): the factor on m̂ = m / (1 - β1^t).
//
// bias_correction = false (Adam, AdamW): both corrections are 1, as apex's
// FusedAdam(bias_correction=False): p = p - lr · m / (sqrt(v) + eps); the first steps are
// huge (m is ~(1-β1)g and v ~(1-β2)g², so the step is ~lr (1-β1)/sqrt(1-β2) ≈ 3.2 lr per unit g).
//
// convention "keras" (Adam only): tf.keras's update (Keras 3 optimizers/adam.py):
//   m   = m + (g - m)(1 - β1);  v = v + (g² - v)(1 - β2)   (no fused multiply-add)
//   lr_t = lr · sqrt(1 - β2^t) / (1 - β1^t)
//   p   = p - m · lr_t / (sqrt(v) + ε̂)                   (ε̂ on the raw root, default 1e-7)
// Its effective learning rate is the factor on m̂: lr · sqrt(1 - β2^t) / (sqrt(v) + ε̂)
// = lr / (sqrt(v̂) + ε̂/sqrt(1 - β2^t)). The scalars (lr_t) are computed in double.
#pragma once

#include "core/optim/update_detail.h"
#include "core/optim/update_kernels.h"
#include "core/optim/update_rule.h"

namespace optiscope {

template <typename Scalar> class AdamUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;

    struct Hyper {
        /// β1: decay of the gradient mean m, default 0.9, in [0, 1).
        double beta1 = 0.9;
        /// β2: decay of the squared-gradient mean v, default 0.999, in [0, 1).
        double beta2 = 0.999;
        /// Added to sqrt(v̂) for stability, default 1e-8, >= 0.
        double eps = 1e-8;
        /// Weight decay λ, >= 0: coupled L2 for Adam (default 0), decoupled for AdamW
        /// (default 0.01).
        double weightDecay = 0.0;
        /// Use the running maximum of v (AMSGrad), default false.
        bool amsgrad = false;
        /// true: AdamW's decoupled decay p *= 1 - lr·λ; false: Adam's L2 gradient term.
        bool decoupledWeightDecay = false;
        /// false: no bias correction (both corrections 1), default true.
        bool biasCorrection = true;
        /// true: tf.keras's formula (Adam only).
        bool keras = false;
    };

    explicit AdamUpdate(const Hyper& hyper) : m_hyper(hyper) {}

    void reset(Eigen::Index size) override;
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override;
    [[nodiscard]] OptimizerState state() const override;
    bool setMomentum(double value) override;

    [[nodiscard]] const Hyper& hyper() const { return m_hyper; }

protected:
    /// The denominator, m̂, v̂ and the effective lr of the last step: only inspection reads
    /// them, so the step leaves them to this (the same operations on the same m and v:
    /// bit-identical).
    void computeDerived() const override;

private:
    Hyper m_hyper;
    Vector m_expAvg;        ///< torch `exp_avg` (m)
    Vector m_expAvgSq;      ///< torch `exp_avg_sq` (v)
    Vector m_maxExpAvgSq;   ///< torch `max_exp_avg_sq` (amsgrad)
    mutable Vector m_mHat;  ///< m / bc1 of the last step (computed when read)
    mutable Vector m_vHat;  ///< v / bc2 of the last step (the max with amsgrad; when read)
    mutable Vector m_denom; ///< sqrt(v)/sqrt(bc2) + eps of the last step (when read)
    Vector m_gEff;
    void kerasStep(Eigen::Ref<Vector> params, double lr);
    double m_bc1 = 0.0, m_bc2 = 0.0, m_stepSize = 0.0, m_lr = 0.0;
    /// The step's kernel arguments, every field set by each step(). A member: a struct built
    /// afresh on the stack each step (zeroed, then filled) cost a 2-D run a sixth of its speed
    /// (32 → 38 M steps/s at AVX2 on an AMD EPYC; the other rules' steps showed no such effect).
    optim::AdamArgs<Scalar> m_args;
    detail::BiasCorrection m_biasCorrection1, m_biasCorrection2;
};

} // namespace optiscope
