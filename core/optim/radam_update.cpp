#include "core/optim/radam_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void RadamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_vHat = Vector::Zero(size);
    m_adaptiveLr = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_bc2 = m_rhoInf = m_rhoT = m_rect = 0.0;
    m_rectified = false;
}

template <typename Scalar>
void RadamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                               double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);

    // Python-float arithmetic of torch 1.13's _single_tensor_radam, in its order.
    const double t = static_cast<double>(this->m_step);
    const double b2 = m_hyper.beta2;
    const bool bc = m_hyper.biasCorrection;
    const double trueBc2 = 1.0 - std::pow(b2, t);
    m_bc1 = bc ? 1.0 - std::pow(m_hyper.beta1, t) : 1.0;
    m_bc2 = bc ? trueBc2 : 1.0;
    m_rhoInf = 2.0 / (1.0 - b2) - 1.0;
    m_rhoT = m_rhoInf - 2.0 * t * std::pow(b2, t) / trueBc2;
    m_rectified = m_rhoT > 5.0;
    m_rect = m_rectified ? std::sqrt((m_rhoT - 4.0) * (m_rhoT - 2.0) * m_rhoInf /
                                     ((m_rhoInf - 4.0) * (m_rhoInf - 2.0) * m_rhoT))
                         : 0.0;

    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::RadamArgs<Scalar> a;
    a.n = params.size();
    a.rectified = m_rectified;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.mHat = m_mHat.data();
    a.vHat = m_vHat.data();
    a.adaptiveLr = m_adaptiveLr.data();
    a.effLr = this->m_effLr.data();
    a.b1 = static_cast<Scalar>(m_hyper.beta1);
    a.b2 = static_cast<Scalar>(b2);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - b2);
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.bc2 = static_cast<Scalar>(m_bc2);
    a.bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.lr = static_cast<Scalar>(lr);
    a.rect = static_cast<Scalar>(m_rect);
    simd::kernels().template of<Scalar>().radamUpdate(a);
}

template <typename Scalar> OptimizerState RadamUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"bias_correction2", m_bc2});
    s.scalars.push_back({"rho_inf", m_rhoInf});
    s.scalars.push_back({"rho_t", m_rhoT});
    s.scalars.push_back({"rectified", m_rectified ? 1.0 : 0.0});
    if (m_rectified)
        s.scalars.push_back({"rect", m_rect});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"v_hat", m_vHat.template cast<double>()});
    if (m_rectified)
        s.tensors.push_back({"adaptive_lr", m_adaptiveLr.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool RadamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class RadamUpdate<float>;
template class RadamUpdate<double>;

} // namespace optiscope
