#include "core/optim/adam_update.h"

#include "core/optim/update_detail.h"

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
    m_bc1 = m_bc2 = m_stepSize = 0.0;
}

template <typename Scalar>
void AdamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                              double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    if (m_hyper.decoupledWeightDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        for (Eigen::Index i = 0; i < n; ++i)
            params[i] = params[i] * shrink;
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    }

    const double t = static_cast<double>(this->m_step);
    m_bc1 = 1.0 - std::pow(m_hyper.beta1, t);
    m_bc2 = 1.0 - std::pow(m_hyper.beta2, t);
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
    for (Eigen::Index i = 0; i < n; ++i) {
        const Scalar g = m_gEff[i];
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        m_expAvgSq[i] = std::fma(oneMinusB2 * g, g, m_expAvgSq[i] * b2);
        Scalar v = m_expAvgSq[i];
        if (m_hyper.amsgrad) {
            m_maxExpAvgSq[i] = detail::maxNan(m_maxExpAvgSq[i], v);
            v = m_maxExpAvgSq[i];
        }
        m_denom[i] = std::sqrt(v) / bc2Sqrt + eps;
        params[i] = params[i] + (negStepSize * m_expAvg[i]) / m_denom[i];
        m_mHat[i] = m_expAvg[i] / bc1;
        m_vHat[i] = v / bc2;
        this->m_effLr[i] = lrS / (std::sqrt(m_vHat[i]) + eps);
    }
}

template <typename Scalar> OptimizerState AdamUpdate<Scalar>::state() const {
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
