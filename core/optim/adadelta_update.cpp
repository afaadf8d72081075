#include "core/optim/adadelta_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

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
    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::AdadeltaArgs<Scalar> a;
    a.n = params.size();
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.squareAvg = m_squareAvg.data();
    a.accDelta = m_accDelta.data();
    a.stdDev = m_std.data();
    a.rmsDeltaPrev = m_rmsDeltaPrev.data();
    a.effLr = this->m_effLr.data();
    a.rho = static_cast<Scalar>(m_hyper.rho);
    a.oneMinusRho = static_cast<Scalar>(1.0 - m_hyper.rho);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.lr = static_cast<Scalar>(lr);
    a.negLr = static_cast<Scalar>(-lr);
    simd::kernels().template of<Scalar>().adadeltaUpdate(a);
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
