#include "core/optim/lion_update.h"

#include "core/optim/update_detail.h"

#include <cmath>
#include <limits>

namespace optiscope {

template <typename Scalar> void LionUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_direction = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void LionUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                              double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    m_gEff = grad;
    const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
    const Scalar b1 = static_cast<Scalar>(m_hyper.beta1);
    const Scalar b2 = static_cast<Scalar>(m_hyper.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    const Scalar negLr = static_cast<Scalar>(-lr);
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = grad[i];
        if (m_hyper.weightDecay != 0.0)
            params[i] = params[i] * shrink;
        const Scalar c = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        // sign(), with NaN kept as NaN so that a diverging run shows up in its parameters.
        const Scalar s = std::isnan(c) ? std::numeric_limits<Scalar>::quiet_NaN()
                                       : static_cast<Scalar>((c > 0) - (c < 0));
        m_direction[i] = s;
        params[i] = std::fma(s, negLr, params[i]);
        m_expAvg[i] = std::fma(g, oneMinusB2, m_expAvg[i] * b2);
    }
    this->m_effLr.setConstant(static_cast<Scalar>(lr));
}

template <typename Scalar> OptimizerState LionUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"direction", m_direction.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool LionUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class LionUpdate<float>;
template class LionUpdate<double>;

} // namespace optiscope
