#include "core/optim/adam_update.h"

#include "core/optim/update_detail.h"

#include <cmath>
#include <type_traits>

namespace optiscope {

template <typename Scalar> void AdamUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_expAvg = Vector::Zero(size);
    m_expAvgSq = Vector::Zero(size);
    m_maxExpAvgSq = Vector::Zero(size);
    m_mHat = Vector::Zero(size);
    m_vHat = Vector::Zero(size);
    m_denom = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_bc1 = m_bc2 = m_stepSize = 0.0;
    m_biasCorrection1.reset();
    m_biasCorrection2.reset();
}

template <typename Scalar>
void AdamUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                              double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    const Eigen::Index n = params.size();
    if (m_hyper.decoupledWeightDecay) {
        const Scalar shrink = static_cast<Scalar>(1.0 - lr * m_hyper.weightDecay);
        for (Eigen::Index i = 0; i < n; ++i)
            params[i] = params[i] * shrink;
        m_gEff = grad;
    } else {
        detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    }

    const double t = static_cast<double>(this->m_step);
    m_bc1 = m_biasCorrection1(m_hyper.beta1, t); // 1 - beta1^t
    m_bc2 = m_biasCorrection2(m_hyper.beta2, t);
    m_stepSize = lr / m_bc1;
    const Scalar b1 = static_cast<Scalar>(m_hyper.beta1);
    const Scalar b2 = static_cast<Scalar>(m_hyper.beta2);
    const Scalar oneMinusB1 = static_cast<Scalar>(1.0 - m_hyper.beta1);
    const Scalar oneMinusB2 = static_cast<Scalar>(1.0 - m_hyper.beta2);
    const Scalar bc1 = static_cast<Scalar>(m_bc1);
    const Scalar bc2 = static_cast<Scalar>(m_bc2);
    const Scalar bc2Sqrt = static_cast<Scalar>(std::sqrt(m_bc2));
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar negStepSize = static_cast<Scalar>(-m_stepSize);
    const Scalar lrS = static_cast<Scalar>(lr);
    // Element-wise, in torch's operation order; written over restrict pointers with the amsgrad
    // test hoisted so that the compiler vectorises it (same IEEE operations per element, so the
    // results are bit-identical to the scalar loop).
    auto update = [&](auto amsgrad) {
        Scalar* __restrict p = params.data();
        const Scalar* __restrict gEff = m_gEff.data();
        Scalar* __restrict m = m_expAvg.data();
        Scalar* __restrict sq = m_expAvgSq.data();
        Scalar* __restrict maxSq = m_maxExpAvgSq.data();
        Scalar* __restrict mHat = m_mHat.data();
        Scalar* __restrict vHat = m_vHat.data();
        Scalar* __restrict denom = m_denom.data();
        Scalar* __restrict effLr = this->m_effLr.data();
        for (Eigen::Index i = 0; i < n; ++i) {
            const Scalar g = gEff[i];
            m[i] = std::fma(g, oneMinusB1, m[i] * b1);
            sq[i] = std::fma(oneMinusB2 * g, g, sq[i] * b2);
            Scalar v = sq[i];
            if constexpr (decltype(amsgrad)::value) {
                maxSq[i] = detail::maxNan(maxSq[i], v);
                v = maxSq[i];
            }
            denom[i] = std::sqrt(v) / bc2Sqrt + eps;
            p[i] = p[i] + (negStepSize * m[i]) / denom[i];
            mHat[i] = m[i] / bc1;
            vHat[i] = v / bc2;
            effLr[i] = lrS / (std::sqrt(vHat[i]) + eps);
        }
    };
    if (m_hyper.amsgrad)
        update(std::true_type{});
    else
        update(std::false_type{});
}

template <typename Scalar> OptimizerState AdamUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"bias_correction1", m_bc1});
    s.scalars.push_back({"bias_correction2", m_bc2});
    s.scalars.push_back({"step_size", m_stepSize});
    s.tensors.push_back({"exp_avg", m_expAvg.template cast<double>()});
    s.tensors.push_back({"exp_avg_sq", m_expAvgSq.template cast<double>()});
    if (m_hyper.amsgrad)
        s.tensors.push_back({"max_exp_avg_sq", m_maxExpAvgSq.template cast<double>()});
    s.tensors.push_back({"m_hat", m_mHat.template cast<double>()});
    s.tensors.push_back({"v_hat", m_vHat.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template <typename Scalar> bool AdamUpdate<Scalar>::setMomentum(double value) {
    m_hyper.beta1 = value;
    return true;
}

template class AdamUpdate<float>;
template class AdamUpdate<double>;

} // namespace optiscope
