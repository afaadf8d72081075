#include "core/optim/adabelief_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void AdabeliefUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expAvgVar = Vector::Zero(size);
    m_maxExpAvgVar = Vector::Zero(size);
    m_denom = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_bc2 = m_rhoInf = m_rhoT = m_stepSize = 0.0;
    m_rectified = false;
}

template <typename Scalar>
void AdabeliefUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                   double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    const Hyper& h = m_hyper;
    if (h.weightDecouple) {
        // The reference multiplies even when weight_decay is 0 (by exactly 1).
        const Scalar shrink =
            static_cast<Scalar>(h.fixedDecay ? 1.0 - h.weightDecay : 1.0 - lr * h.weightDecay);
        simd::kernels().template of<Scalar>().scaleInPlace(n, shrink, params.data());
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad, h.weightDecay);
    }

    // Python-float arithmetic of AdaBelief.py, in its order.
    const double t = static_cast<double>(this->m_step);
    const double beta2T = std::pow(h.beta2, t);
    m_bc1 = h.biasCorrection ? 1.0 - std::pow(h.beta1, t) : 1.0;
    m_bc2 = h.biasCorrection ? 1.0 - beta2T : 1.0;
    m_rectified = false;
    if (h.rectify) {
        m_rhoInf = 2.0 / (1.0 - h.beta2) - 1.0;
        m_rhoT = m_rhoInf - 2.0 * t * beta2T / (1.0 - beta2T);
        if (m_rhoT >= 5.0) {
            m_rectified = true;
            m_stepSize = std::sqrt((h.biasCorrection ? 1.0 - beta2T : 1.0) * (m_rhoT - 4.0) /
                                   (m_rhoInf - 4.0) * (m_rhoT - 2.0) / m_rhoT * m_rhoInf /
                                   (m_rhoInf - 2.0)) /
                         m_bc1;
        } else {
            m_stepSize = h.degeneratedToSgd ? 1.0 / m_bc1 : -1.0;
        }
    } else {
        m_stepSize = lr / m_bc1;
    }

    // Element-wise, in the reference's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    using Mode = typename optim::AdabeliefArgs<Scalar>::Mode;
    optim::AdabeliefArgs<Scalar> a;
    a.n = n;
    a.amsgrad = h.amsgrad;
    a.mode = !h.rectify         ? Mode::Adam
             : m_rectified      ? Mode::Rectified
             : m_stepSize > 0.0 ? Mode::Sgd
                                : Mode::Frozen;
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.expAvg = m_expAvg.data();
    a.expAvgVar = m_expAvgVar.data();
    a.maxExpAvgVar = m_maxExpAvgVar.data();
    a.mHat = m_mHat.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.b1 = static_cast<Scalar>(h.beta1);
    a.b2 = static_cast<Scalar>(h.beta2);
    a.oneMinusB1 = static_cast<Scalar>(1.0 - h.beta1);
    a.oneMinusB2 = static_cast<Scalar>(1.0 - h.beta2);
    a.eps = static_cast<Scalar>(h.eps);
    a.bc1 = static_cast<Scalar>(m_bc1);
    a.bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    a.lr = static_cast<Scalar>(lr);
    a.negStep = static_cast<Scalar>(h.rectify ? -m_stepSize * lr : -m_stepSize);
    // Factor on m̂ = m / bc1 when rectified: step_size·bc1·lr (in double, then per element).
    a.effNum = static_cast<Scalar>(m_stepSize * m_bc1 * lr);
    simd::kernels().template of<Scalar>().adabeliefUpdate(a);
}

template <typename Scalar> OptimizerState AdabeliefUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"bias_correction2", m_bc2});
    if (m_hyper.rectify) {
        s.scalars.push_back({"rho_inf", m_rhoInf});
        s.scalars.push_back({"rho_t", m_rhoT});
        s.scalars.push_back({"rectified", m_rectified ? 1.0 : 0.0});
    }
    s.scalars.push_back({"step_size", m_stepSize});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_var", m_expAvgVar.template cast<double>()});
    if (m_hyper.amsgrad)
        s.tensors.push_back({"max_exp_avg_var", m_maxExpAvgVar.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    if (!m_hyper.rectify || m_rectified)
        s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool AdabeliefUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class AdabeliefUpdate<float>;
template class AdabeliefUpdate<double>;

} // namespace optiscope
