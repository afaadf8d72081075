#include "core/optim/qhadam_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void QhadamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_beta1Weight = m_beta2Weight = m_beta1Adj = m_beta2Adj = 0.0;
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_avgGrad = Vector::Zero(size);
    m_avgGradRms = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
}

template <typename Scalar>
void QhadamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    if (m_hyper.weightDecay != 0.0 && m_hyper.decoupleWeightDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        simd::kernels().template of<Scalar>().scaleInPlace(n, shrink, params.data());
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad,
                          m_hyper.decoupleWeightDecay ? 0.0 : m_hyper.weightDecay);
    }
    // Python-float arithmetic of qhadam.py, in its order.
    m_beta1Weight = 1.0 + m_hyper.beta1 * m_beta1Weight;
    m_beta2Weight = 1.0 + m_hyper.beta2 * m_beta2Weight;
    m_beta1Adj = m_hyper.biasCorrection ? 1.0 - (1.0 / m_beta1Weight) : m_hyper.beta1;
    m_beta2Adj = m_hyper.biasCorrection ? 1.0 - (1.0 / m_beta2Weight) : m_hyper.beta2;
    // Element-wise, in qhadam.py's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::QhadamArgs<Scalar> a;
    a.n = n;
    a.mixGrad = m_hyper.nu1 != 1.0;
    a.mixGradSq = m_hyper.nu2 != 1.0;
    a.addEps = m_hyper.eps != 0.0;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgSq = m_expAvgSq.data();
    a.avgGrad = m_avgGrad.data();
    a.avgGradRms = m_avgGradRms.data();
    a.effLr = this->m_effLr.data();
    a.b1 = static_cast<Scalar>(m_beta1Adj);
    a.b2 = static_cast<Scalar>(m_beta2Adj);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - m_beta1Adj);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - m_beta2Adj);
    a.nu1 = static_cast<Scalar>(m_hyper.nu1);
    a.nu2 = static_cast<Scalar>(m_hyper.nu2);
    a.oneMinusNu1 = static_cast<Scalar>(1.0 - m_hyper.nu1);
    a.oneMinusNu2 = static_cast<Scalar>(1.0 - m_hyper.nu2);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    a.negLr = static_cast<Scalar>(-lr);
    a.lr = static_cast<Scalar>(lr);
    simd::kernels().template of<Scalar>().qhadamUpdate(a);
}

template <typename Scalar> OptimizerState QhadamUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"beta1_weight", m_beta1Weight});
    s.scalars.push_back({"beta2_weight", m_beta2Weight});
    s.scalars.push_back({"beta1_adj", m_beta1Adj});
    s.scalars.push_back({"beta2_adj", m_beta2Adj});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    s.tensors.push_back({"avg_grad", m_avgGrad.template cast<double>()});
    s.tensors.push_back({"avg_grad_rms", m_avgGradRms.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool QhadamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class QhadamUpdate<float>;
template class QhadamUpdate<double>;

} // namespace optiscope
