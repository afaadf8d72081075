#include "core/optim/rmsprop_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

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
    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::RmspropArgs<Scalar> a;
    a.n = params.size();
    a.centered = m_hyper.centered;
    a.momentum = m_hyper.momentum > 0.0;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.squareAvg = m_squareAvg.data();
    a.gradAvg = m_gradAvg.data();
    a.momentumBuffer = m_momentumBuffer.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.alpha = static_cast<Scalar>(m_hyper.alpha);
    a.oneMinusAlpha = static_cast<Scalar>(1.0 - m_hyper.alpha);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.mom = static_cast<Scalar>(m_hyper.momentum);
    a.lr = static_cast<Scalar>(lr);
    a.negLr = static_cast<Scalar>(-lr);
    simd::kernels().template of<Scalar>().rmspropUpdate(a);
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
