#include "core/optim/qhm_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void QhmUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_buffer = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void QhmUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                             double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    if (m_hyper.weightDecay != 0.0 && m_hyper.directDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        simd::kernels().template of<Scalar>().scaleInPlace(n, shrink, params.data());
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad, m_hyper.directDecay ? 0.0 : m_hyper.weightDecay);
    }
    // qhoptim: buf.mul_(β).add_(1 - β, g); p.add_(-lr ν, buf); p.add_(-lr (1 - ν), g) — each
    // add with a scalar is one fused multiply-add in torch.
    // In the dispatched instruction set (core/optim/update_kernels.cpp).
    optim::QhmArgs<Scalar> a;
    a.n = n;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.buffer = m_buffer.data();
    a.mom = static_cast<Scalar>(m_hyper.momentum);
    a.oneMinusMom = static_cast<Scalar>(1.0 - m_hyper.momentum);
    a.negLrNu = static_cast<Scalar>(-lr * m_hyper.nu);
    a.negLrOneMinusNu = static_cast<Scalar>(-lr * (1.0 - m_hyper.nu));
    simd::kernels().template of<Scalar>().qhmUpdate(a);
    this->m_effLr.setConstant(static_cast<Scalar>(lr));
}

template <typename Scalar> OptimizerState QhmUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.tensors.push_back({"momentum_buffer", m_buffer.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool QhmUpdate<Scalar>::setMomentum(double value) {
    m_hyper.momentum = value;
    return true;
}

template class QhmUpdate<float>;
template class QhmUpdate<double>;

} // namespace optiscope
