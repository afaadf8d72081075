#include "core/optim/adam_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void AdamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_maxExpAvgSq = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_vHat = Vector::Zero(size);
    m_denom = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_bc2 = m_stepSize = m_lr = 0.0;
    this->m_derivedStale = false;
    m_biasCorrection1.reset();
    m_biasCorrection2.reset();
}

template <typename Scalar>
void AdamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                              double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    // g_eff is the gradient itself unless Adam adds its L2 term: then the update loop copies it
    // into m_gEff as it reads it.
    const bool gradIsGEff = m_hyper.decoupledWeightDecay || m_hyper.weightDecay == 0.0;
    if (m_hyper.decoupledWeightDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        simd::kernels().template of<Scalar>().scaleInPlace(n, shrink, params.data());
    } else if (!gradIsGEff) {
        detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    }

    const double t = static_cast<double>(this->m_step);
    if (m_hyper.biasCorrection) {
        m_bc1 = m_biasCorrection1(m_hyper.beta1, t); // 1 - beta1^t
        m_bc2 = m_biasCorrection2(m_hyper.beta2, t);
    } else {
        m_bc1 = m_bc2 = 1.0; // the same operations with 1: x / 1 and sqrt(1) are exact
    }
    if (m_hyper.keras) {
        if (gradIsGEff)
            m_gEff = grad;
        kerasStep(params, lr);
        return;
    }
    m_stepSize = lr / m_bc1;
    const Scalar b1 = static_cast<Scalar>(m_hyper.beta1);
    const Scalar b2 = static_cast<Scalar>(m_hyper.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    const Scalar bc1 = static_cast<Scalar>(m_bc1);
    const Scalar bc2 = static_cast<Scalar>(m_bc2);
    const Scalar bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar negStepSize = static_cast<Scalar>(-m_stepSize);
    const Scalar lrS = static_cast<Scalar>(lr);
    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): the same IEEE operations per element at every level, so
    // the results are bit-identical to the scalar loop.
    optim::AdamArgs<Scalar>& a = m_args;
    a.n = n;
    a.amsgrad = m_hyper.amsgrad;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.grad = gradIsGEff ? grad.data() : nullptr;
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.maxExpAvgSq = m_maxExpAvgSq.data();
    a.mHat = m_mHat.data();
    a.vHat = m_vHat.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.b1 = b1;
    a.b2 = b2;
    a.oneMinusB1 = oneMinusB1;
    a.oneMinusB2 = oneMinusB2;
    a.bc1 = bc1;
    a.bc2 = bc2;
    a.bc2Sqrt = bc2Sqrt;
    a.eps = eps;
    a.negStepSize = negStepSize;
    a.lr = lrS;
    // The denominator, m̂, v̂ and the effective lr when read (computeDerived()), except for a
    // few parameters (a 2-D function, whose run reads them every step): a second call would
    // cost more than computing them.
    a.derived = n <= 64;
    simd::kernels().template of<Scalar>().adamUpdate(a);
    m_lr = lr;
    this->m_derivedStale = !a.derived;
}

template <typename Scalar>
void AdamUpdate<Scalar>::kerasStep(Eigen::Ref<Vector> params, double lr) {
    // Keras 3 Adam.update_step, element-wise in Scalar, scalars in double.
    const double alpha = lr * std::sqrt(m_bc2) / m_bc1;
    m_stepSize = alpha;
    m_lr = lr;
    // In the dispatched instruction set (core/optim/update_kernels.cpp).
    optim::AdamArgs<Scalar> a;
    a.n = params.size();
    a.amsgrad = m_hyper.amsgrad;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.maxExpAvgSq = m_maxExpAvgSq.data();
    a.mHat = m_mHat.data();
    a.vHat = m_vHat.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    a.alpha = static_cast<Scalar>(alpha);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.bc2 = static_cast<Scalar>(m_bc2);
    a.effNum = static_cast<Scalar>(lr * std::sqrt(m_bc2));
    simd::kernels().template of<Scalar>().adamKeras(a);
    this->m_derivedStale = false;
}

template <typename Scalar> void AdamUpdate<Scalar>::computeDerived() const {
    optim::AdamArgs<Scalar> a;
    a.n = this->m_effLr.size();
    a.amsgrad = m_hyper.amsgrad;
    // Read only (adamDerived writes the denominator, m̂, v̂ and the effective lr).
    a.expAvg = const_cast<Scalar*>(m_expAvg.data());
    a.expAvgSq = const_cast<Scalar*>(m_expAvgSq.data());
    a.maxExpAvgSq = const_cast<Scalar*>(m_maxExpAvgSq.data());
    a.denom = m_denom.data();
    a.mHat = m_mHat.data();
    a.vHat = m_vHat.data();
    a.effLr = this->m_effLr.data();
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.bc2 = static_cast<Scalar>(m_bc2);
    a.bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2)); // as step() casts it
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.lr = static_cast<Scalar>(m_lr);
    simd::kernels().template of<Scalar>().adamDerived(a);
}

template <typename Scalar> OptimizerState AdamUpdate<Scalar>::state() const {
    this->refreshDerived();
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"bias_correction2", m_bc2});
    s.scalars.push_back({"step_size", m_stepSize});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    if (m_hyper.amsgrad)
        s.tensors.push_back({"max_exp_avg_sq", m_maxExpAvgSq.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"v_hat", m_vHat.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool AdamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class AdamUpdate<float>;
template class AdamUpdate<double>;

} // namespace optiscope
