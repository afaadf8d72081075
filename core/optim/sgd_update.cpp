#include "core/optim/sgd_update.h"

#include "core/optim/update_detail.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void SgdUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_momentumBuffer.resize(0);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void SgdUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                             double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    const Eigen::Index n = params.size();
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);

    const double mom = m_hyper.momentum;
    const Scalar negLr = static_cast<Scalar>(-lr);
    if (mom != 0.0) {
        if (m_momentumBuffer.size() != n) {
            m_momentumBuffer = m_gEff; // torch: buf = clone(d_p), no dampening on the first step
        } else {
            const Scalar m = static_cast<Scalar>(mom);
            const Scalar oneMinusDamp = static_cast<Scalar>(1.0 - m_hyper.dampening);
            for (Eigen::Index i = 0; i < n; ++i)
                m_momentumBuffer[i] = std::fma(m_gEff[i], oneMinusDamp, m_momentumBuffer[i] * m);
        }
        for (Eigen::Index i = 0; i < n; ++i) {
            const Scalar d = m_hyper.nesterov ? std::fma(m_momentumBuffer[i],
                                                         static_cast<Scalar>(mom), m_gEff[i])
                                              : m_momentumBuffer[i];
            params[i] = std::fma(d, negLr, params[i]);
        }
    } else {
        for (Eigen::Index i = 0; i < n; ++i)
            params[i] = std::fma(m_gEff[i], negLr, params[i]);
    }
    this->m_effLr.setConstant(static_cast<Scalar>(lr));
    ++this->m_step;
}

template <typename Scalar> OptimizerState SgdUpdate<Scalar>::state() const {
    OptimizerState s;
    if (this->m_step == 0)
        return s;
    if (m_momentumBuffer.size() > 0)
        s.tensors.push_back({"momentum_buffer", m_momentumBuffer.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool SgdUpdate<Scalar>::setMomentum(double value) {
    m_hyper.momentum = value;
    return true;
}

template class SgdUpdate<float>;
template class SgdUpdate<double>;

} // namespace optiscope
