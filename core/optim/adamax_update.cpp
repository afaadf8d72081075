#include "core/optim/adamax_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void AdamaxUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expInf = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_clr = 0.0;
}

template <typename Scalar>
void AdamaxUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    m_bc1 = 1.0 - std::pow(m_hyper.beta1, static_cast<double>(this->m_step));
    m_clr = lr / m_bc1;
    // Element-wise, in torch's (or Keras 3 Adamax.update_step's) operation order, in the
    // dispatched instruction set (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::AdamaxArgs<Scalar> a;
    a.n = params.size();
    a.keras = m_hyper.keras;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expInf = m_expInf.data();
    a.mHat = m_mHat.data();
    a.effLr = this->m_effLr.data();
    a.b1 = static_cast<Scalar>(m_hyper.beta1);
    a.b2 = static_cast<Scalar>(m_hyper.beta2);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.negClr = static_cast<Scalar>(-m_clr);
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.lr = static_cast<Scalar>(lr);
    simd::kernels().template of<Scalar>().adamaxUpdate(a);
}

template <typename Scalar> OptimizerState AdamaxUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"clr", m_clr});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_inf", m_expInf.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool AdamaxUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class AdamaxUpdate<float>;
template class AdamaxUpdate<double>;

} // namespace optiscope
