#include "core/optim/lion_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

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
    // In the dispatched instruction set (core/optim/update_kernels.cpp).
    optim::LionArgs<Scalar> a;
    a.n = params.size();
    a.decay = m_hyper.weightDecay != 0.0;
    a.params = params.data();
    a.grad = grad.data();
    a.expAvg = m_expAvg.data();
    a.direction = m_direction.data();
    a.shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
    a.b1 = static_cast<Scalar>(m_hyper.beta1);
    a.b2 = static_cast<Scalar>(m_hyper.beta2);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    a.negLr = static_cast<Scalar>(-lr);
    simd::kernels().template of<Scalar>().lionUpdate(a);
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
