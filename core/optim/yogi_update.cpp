#include "core/optim/yogi_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void YogiUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Constant(size, static_cast<Scalar>(m_hyper.initialAccumulator));
    m_expAvgSq = Vector::Constant(size, static_cast<Scalar>(m_hyper.initialAccumulator));
    m_denom = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_bc2 = 0.0;
}

template <typename Scalar>
void YogiUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                              double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    const double t = static_cast<double>(this->m_step);
    m_bc1 = 1.0 - std::pow(m_hyper.beta1, t);
    m_bc2 = 1.0 - std::pow(m_hyper.beta2, t);
    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::YogiArgs<Scalar> a;
    a.n = params.size();
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.denom = m_denom.data();
    a.mHat = m_mHat.data();
    a.effLr = this->m_effLr.data();
    a.b1 = static_cast<Scalar>(m_hyper.beta1);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    a.negOneMinusB2 = static_cast<Scalar>(-(1.0 - m_hyper.beta2));
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.negStepSize = static_cast<Scalar>(-(lr / m_bc1));
    a.lr = static_cast<Scalar>(lr);
    simd::kernels().template of<Scalar>().yogiUpdate(a);
}

template <typename Scalar> OptimizerState YogiUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"bias_correction2", m_bc2});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool YogiUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class YogiUpdate<float>;
template class YogiUpdate<double>;

} // namespace optiscope
