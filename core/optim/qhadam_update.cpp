#include "core/optim/qhadam_update.h"

#include "core/optim/update_detail.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void QhadamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_beta1Weight = m_beta2Weight = m_beta1Adj = m_beta2Adj = 0.0;
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_avgGrad = Vector::Zero(size);
    m_avgGradRms = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void QhadamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    if (m_hyper.weightDecay != 0.0 && m_hyper.decoupleWeightDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        for (Eigen::Index i = 0; i < n; ++i)
            params[i] = params[i] * shrink;
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad,
                          m_hyper.decoupleWeightDecay ? 0.0 : m_hyper.weightDecay);
    }
    // Python-float arithmetic of qhadam.py, in its order.
    m_beta1Weight = 1.0 + m_hyper.beta1 * m_beta1Weight;
    m_beta2Weight = 1.0 + m_hyper.beta2 * m_beta2Weight;
    m_beta1Adj = m_hyper.biasCorrection ? 1.0 - (1.0 / m_beta1Weight) : m_hyper.beta1;
    m_beta2Adj = m_hyper.biasCorrection ? 1.0 - (1.0 / m_beta2Weight) : m_hyper.beta2;
    const Scalar b1 = static_cast<Scalar>(m_beta1Adj);
    const Scalar b2 = static_cast<Scalar>(m_beta2Adj);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_beta1Adj);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - m_beta2Adj);
    const Scalar nu1 = static_cast<Scalar>(m_hyper.nu1);
    const Scalar nu2 = static_cast<Scalar>(m_hyper.nu2);
    const Scalar oneMinusNu1 = static_cast<Scalar>(1.0 - m_hyper.nu1);
    const Scalar oneMinusNu2 = static_cast<Scalar>(1.0 - m_hyper.nu2);
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar negLr = static_cast<Scalar>(-lr);
    const Scalar lrS = static_cast<Scalar>(lr);
    for (Eigen::Index i = 0; i < n; ++i) {
        const Scalar g = m_gEff[i];
        const Scalar gSq = g * g;
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        m_expAvgSq[i] = std::fma(gSq, oneMinusB2, m_expAvgSq[i] * b2);
        Scalar avg = m_expAvg[i] * nu1;
        if (m_hyper.nu1 != 1.0)
            avg = std::fma(g, oneMinusNu1, avg);
        Scalar rms = m_expAvgSq[i] * nu2;
        if (m_hyper.nu2 != 1.0)
            rms = std::fma(gSq, oneMinusNu2, rms);
        rms = std::sqrt(rms);
        if (m_hyper.eps != 0.0)
            rms = rms + eps;
        m_avgGrad[i] = avg;
        m_avgGradRms[i] = rms;
        params[i] = params[i] + (negLr * avg) / rms; // addcdiv_(avg, rms, value=-lr)
        this->m_effLr[i] = lrS / rms;
    }
}

template <typename Scalar> OptimizerState QhadamUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"beta1_weight", m_beta1Weight});
    s.scalars.push_back({"beta2_weight", m_beta2Weight});
    s.scalars.push_back({"beta1_adj", m_beta1Adj});
    s.scalars.push_back({"beta2_adj", m_beta2Adj});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    s.tensors.push_back({"avg_grad", m_avgGrad.template cast<double>()});
    s.tensors.push_back({"avg_grad_rms", m_avgGradRms.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool QhadamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class QhadamUpdate<float>;
template class QhadamUpdate<double>;

} // namespace optiscope
