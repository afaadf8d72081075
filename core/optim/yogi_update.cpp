#include "core/optim/yogi_update.h"

#include "core/optim/update_detail.h"

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
    const Scalar b1 = static_cast<Scalar>(m_hyper.beta1);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    const Scalar negOneMinusB2 = static_cast<Scalar>(-(1.0 - m_hyper.beta2));
    const Scalar bc1 = static_cast<Scalar>(m_bc1);
    const Scalar bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar negStepSize = static_cast<Scalar>(-(lr / m_bc1));
    const Scalar lrS = static_cast<Scalar>(lr);
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        const Scalar gSq = g * g;
        const Scalar diff = m_expAvgSq[i] - gSq;
        // torch.sign: -1, 0 or 1 (NaN stays NaN).
        const Scalar sign = diff > 0 ? Scalar(1) : diff < 0 ? Scalar(-1) : diff;
        m_expAvgSq[i] = std::fma(negOneMinusB2 * sign, gSq, m_expAvgSq[i]);
        m_denom[i] = std::sqrt(m_expAvgSq[i]) / bc2Sqrt + eps;
        params[i] = params[i] + (negStepSize * m_expAvg[i]) / m_denom[i];
        m_mHat[i] = m_expAvg[i] / bc1;
        this->m_effLr[i] = lrS / m_denom[i];
    }
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
