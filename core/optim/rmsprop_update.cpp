#include "core/optim/rmsprop_update.h"

#include "core/optim/update_detail.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void RmspropUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_squareAvg = Vector::Zero(size);
    m_gradAvg = Vector::Zero(size);
    m_momentumBuffer = Vector::Zero(size);
    m_denom = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void RmspropUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                 double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    const Scalar alpha = static_cast<Scalar>(m_hyper.alpha);
    const Scalar oneMinusAlpha = static_cast<Scalar>(1.0 - m_hyper.alpha);
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar mom = static_cast<Scalar>(m_hyper.momentum);
    const Scalar lrS = static_cast<Scalar>(lr);
    const Scalar negLr = static_cast<Scalar>(-lr);
    const Scalar one = 1, minusOne = -1;
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_squareAvg[i] = std::fma(oneMinusAlpha * g, g, m_squareAvg[i] * alpha);
        Scalar avg;
        if (m_hyper.centered) {
            m_gradAvg[i] = std::fma(g, oneMinusAlpha, m_gradAvg[i] * alpha);
            avg = std::sqrt(std::fma(minusOne * m_gradAvg[i], m_gradAvg[i], m_squareAvg[i]));
        } else {
            avg = std::sqrt(m_squareAvg[i]);
        }
        avg = avg + eps;
        m_denom[i] = avg;
        if (m_hyper.momentum > 0.0) {
            m_momentumBuffer[i] = m_momentumBuffer[i] * mom + (one * g) / avg;
            params[i] = std::fma(m_momentumBuffer[i], negLr, params[i]);
        } else {
            params[i] = params[i] + (negLr * g) / avg;
        }
        this->m_effLr[i] = lrS / avg;
    }
}

template <typename Scalar> OptimizerState RmspropUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.tensors.push_back({"square_avg", m_squareAvg.template cast<double>()});
    if (m_hyper.momentum > 0.0)
        s.tensors.push_back({"momentum_buffer", m_momentumBuffer.template cast<double>()});
    if (m_hyper.centered)
        s.tensors.push_back({"grad_avg", m_gradAvg.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool RmspropUpdate<Scalar>::setMomentum(double value) {
    m_hyper.momentum = value;
    return true;
}

template class RmspropUpdate<float>;
template class RmspropUpdate<double>;

} // namespace optiscope
