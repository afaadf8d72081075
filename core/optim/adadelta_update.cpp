#include "core/optim/adadelta_update.h"

#include "core/optim/update_detail.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void AdadeltaUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_squareAvg = Vector::Zero(size);
    m_accDelta = Vector::Zero(size);
    m_std = Vector::Zero(size);
    m_rmsDeltaPrev = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void AdadeltaUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                  double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    const Scalar rho = static_cast<Scalar>(m_hyper.rho);
    const Scalar oneMinusRho = static_cast<Scalar>(1.0 - m_hyper.rho);
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar lrS = static_cast<Scalar>(lr);
    const Scalar negLr = static_cast<Scalar>(-lr);
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_squareAvg[i] = std::fma(oneMinusRho * g, g, m_squareAvg[i] * rho);
        m_std[i] = std::sqrt(m_squareAvg[i] + eps);
        m_rmsDeltaPrev[i] = std::sqrt(m_accDelta[i] + eps);
        const Scalar delta = m_rmsDeltaPrev[i] / m_std[i] * g;
        m_accDelta[i] = std::fma(oneMinusRho * delta, delta, m_accDelta[i] * rho);
        params[i] = std::fma(delta, negLr, params[i]);
        this->m_effLr[i] = lrS * m_rmsDeltaPrev[i] / m_std[i];
    }
}

template <typename Scalar> OptimizerState AdadeltaUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.tensors.push_back({"square_avg", m_squareAvg.template cast<double>()});
    s.tensors.push_back({"acc_delta", m_accDelta.template cast<double>()});
    s.tensors.push_back({"std", m_std.template cast<double>()});
    s.tensors.push_back({"rms_delta_prev", m_rmsDeltaPrev.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template class AdadeltaUpdate<float>;
template class AdadeltaUpdate<double>;

} // namespace optiscope
