#include "core/optim/sgd_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

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
    // The element-wise loops in the dispatched instruction set (core/optim/update_kernels.cpp).
    const auto& k = simd::kernels().template of<Scalar>();
    const Scalar negLr = static_cast<Scalar>(-lr);
    if (mom != 0.0) {
        if (m_momentumBuffer.size() != n) {
            m_momentumBuffer = m_gEff; // torch: buf = clone(d_p), no dampening on the first step
        } else {
            const Scalar m = static_cast<Scalar>(mom);
            const Scalar oneMinusDamp = static_cast<Scalar>(1.0 - m_hyper.dampening);
            // buf = fma(g, 1 − dampening, buf · momentum)
            k.fmaDecay(n, m_gEff.data(), oneMinusDamp, m_momentumBuffer.data(), m);
        }
        if (m_hyper.nesterov) {
            // d = fma(buf, momentum, g) (torch's d_p), then p = fma(d, −lr, p)
            m_nesterov.resize(n);
            k.fmaScalar(n, m_momentumBuffer.data(), static_cast<Scalar>(mom), m_gEff.data(),
                        m_nesterov.data());
            k.fmaInPlace(n, m_nesterov.data(), negLr, params.data());
        } else {
            k.fmaInPlace(n, m_momentumBuffer.data(), negLr, params.data());
        }
    } else {
        k.fmaInPlace(n, m_gEff.data(), negLr, params.data());
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
