#include "core/optim/adabelief_update.h"

#include "core/optim/update_detail.h"

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
        for (Eigen::Index i = 0; i < n; ++i)
            params[i] = params[i] * shrink;
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

    const Scalar b1 = static_cast<Scalar>(h.beta1);
    const Scalar b2 = static_cast<Scalar>(h.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - h.beta1);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - h.beta2);
    const Scalar eps = static_cast<Scalar>(h.eps);
    const Scalar bc1 = static_cast<Scalar>(m_bc1);
    const Scalar bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    const Scalar lrS = static_cast<Scalar>(lr);
    const Scalar negStep = static_cast<Scalar>(h.rectify ? -m_stepSize * lr : -m_stepSize);
    // Factor on m̂ = m / bc1 when rectified: step_size·bc1·lr (in double, then per element).
    const Scalar effNum = static_cast<Scalar>(m_stepSize * m_bc1 * lr);
    for (Eigen::Index i = 0; i < n; ++i) {
        const Scalar g = m_gEff[i];
        m_expAvg[i] = std::fma(g, oneMinusB1, m_expAvg[i] * b1);
        const Scalar r = g - m_expAvg[i];
        m_expAvgVar[i] = std::fma(oneMinusB2 * r, r, m_expAvgVar[i] * b2) + eps;
        Scalar s = m_expAvgVar[i];
        if (h.amsgrad) {
            m_maxExpAvgVar[i] = detail::maxNan(m_maxExpAvgVar[i], s);
            s = m_maxExpAvgVar[i];
        }
        m_mHat[i] = m_expAvg[i] / bc1;
        if (!h.rectify) {
            m_denom[i] = std::sqrt(s) / bc2Sqrt + eps;
            params[i] = params[i] + (negStep * m_expAvg[i]) / m_denom[i];
            this->m_effLr[i] = lrS / m_denom[i];
        } else if (m_rectified) {
            // The reference uses the un-maxed exp_avg_var here, even with amsgrad.
            m_denom[i] = std::sqrt(m_expAvgVar[i]) + eps;
            params[i] = params[i] + (negStep * m_expAvg[i]) / m_denom[i];
            this->m_effLr[i] = effNum / m_denom[i];
        } else if (m_stepSize > 0.0) {
            m_denom[i] = 0;
            params[i] = std::fma(m_expAvg[i], negStep, params[i]);
            this->m_effLr[i] = effNum;
        } else {
            m_denom[i] = 0;
            this->m_effLr[i] = 0;
        }
    }
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
