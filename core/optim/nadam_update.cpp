#include "core/optim/nadam_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void NadamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_muProduct = 1.0;
    m_mHat = Vector::Zero(size);
    m_vHat = Vector::Zero(size);
    m_denom = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc2 = m_mu = m_muNext = m_muProductNext = m_coefGrad = m_coefExpAvg = 0.0;
}

template <typename Scalar>
void NadamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                               double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);

    // Scalar coefficients in double, in the order of torch 1.13's _multi_tensor_nadam.
    const double t = static_cast<double>(this->m_step);
    const double b1 = m_hyper.beta1, psi = m_hyper.momentumDecay;
    const bool bc = m_hyper.biasCorrection;
    m_bc2 = bc ? 1.0 - std::pow(m_hyper.beta2, t) : 1.0;
    m_mu = b1 * (1.0 - 0.5 * std::pow(0.96, t * psi));
    m_muNext = b1 * (1.0 - 0.5 * std::pow(0.96, (t + 1.0) * psi));
    m_muProduct = m_muProduct * m_mu;
    m_muProductNext = m_muProduct * m_muNext;
    const double corr1 = bc ? 1.0 - m_muProduct : 1.0;
    const double corrNext = bc ? 1.0 - m_muProductNext : 1.0;
    m_coefGrad = lr * (1.0 - m_mu) / corr1;
    m_coefExpAvg = lr * m_muNext / corrNext;

    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::NadamArgs<Scalar> a;
    a.n = params.size();
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.mHat = m_mHat.data();
    a.vHat = m_vHat.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.c1 = static_cast<Scalar>(m_coefGrad * -1.0);
    a.c2 = static_cast<Scalar>(m_coefExpAvg * -1.0);
    a.wGrad = static_cast<Scalar>((1.0 - m_mu) / corr1);
    a.wExpAvg = static_cast<Scalar>(m_muNext / corrNext);
    a.b1 = static_cast<Scalar>(b1);
    a.b2 = static_cast<Scalar>(m_hyper.beta2);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - b1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    a.bc2 = static_cast<Scalar>(m_bc2);
    a.bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.lr = static_cast<Scalar>(lr);
    simd::kernels().template of<Scalar>().nadamUpdate(a);
}

template <typename Scalar> OptimizerState NadamUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"mu_product", m_muProduct});
    s.scalars.push_back({"bias_correction2", m_bc2});
    s.scalars.push_back({"mu", m_mu});
    s.scalars.push_back({"mu_next", m_muNext});
    s.scalars.push_back({"mu_product_next", m_muProductNext});
    s.scalars.push_back({"coef_grad", m_coefGrad});
    s.scalars.push_back({"coef_exp_avg", m_coefExpAvg});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"v_hat", m_vHat.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool NadamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class NadamUpdate<float>;
template class NadamUpdate<double>;

} // namespace optiscope
