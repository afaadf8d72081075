#include "core/optim/adamax_update.h"

#include "core/optim/update_detail.h"

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
    const Scalar b1 = static_cast<Scalar>(m_hyper.beta1);
    const Scalar b2 = static_cast<Scalar>(m_hyper.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar negClr = static_cast<Scalar>(-m_clr);
    const Scalar bc1 = static_cast<Scalar>(m_bc1);
    const Scalar lrS = static_cast<Scalar>(lr);
    if (m_hyper.keras) {
        // Keras 3 Adamax.update_step (no fused multiply-add); effective lr lr / (u + eps).
        for (Eigen::Index i = 0; i < params.size(); ++i) {
            const Scalar g = m_gEff[i];
            m_expAvg[i] = m_expAvg[i] + (g - m_expAvg[i]) * oneMinusB1;
            m_expInf[i] = detail::maxNan(m_expInf[i] * b2, std::abs(g));
            params[i] = params[i] - (m_expAvg[i] * lrS) / ((m_expInf[i] + eps) * bc1);
            m_mHat[i] = m_expAvg[i] / bc1;
            this->m_effLr[i] = lrS / (m_expInf[i] + eps);
        }
        return;
    }
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        m_expInf[i] = detail::maxNan(m_expInf[i] * b2, std::abs(g) + eps);
        params[i] = params[i] + (negClr * m_expAvg[i]) / m_expInf[i];
        m_mHat[i] = m_expAvg[i] / bc1;
        this->m_effLr[i] = lrS / m_expInf[i];
    }
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
