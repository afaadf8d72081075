#include "core/optim/nadam_update.h"

#include "core/optim/update_detail.h"

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
    const Scalar c1 = static_cast<Scalar>(m_coefGrad * -1.0);
    const Scalar c2 = static_cast<Scalar>(m_coefExpAvg * -1.0);
    const Scalar wGrad = static_cast<Scalar>((1.0 - m_mu) / corr1);
    const Scalar wExpAvg = static_cast<Scalar>(m_muNext / corrNext);

    const Scalar b1S = static_cast<Scalar>(b1);
    const Scalar b2S = static_cast<Scalar>(m_hyper.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - b1);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    const Scalar bc2 = static_cast<Scalar>(m_bc2);
    const Scalar bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar lrS = static_cast<Scalar>(lr);
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1S);
        m_expAvgSq[i] = std::fma(oneMinusB2 * g, g, m_expAvgSq[i] * b2S);
        m_denom[i] = std::sqrt(m_expAvgSq[i]) / bc2Sqrt + eps;
        params[i] = params[i] + (c1 * g) / m_denom[i];
        params[i] = params[i] + (c2 * m_expAvg[i]) / m_denom[i];
        m_mHat[i] = wGrad * g + wExpAvg * m_expAvg[i];
        m_vHat[i] = m_expAvgSq[i] / bc2;
        this->m_effLr[i] = lrS / m_denom[i];
    }
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
