#include "core/optim/adagrad_update.h"

#include "core/optim/update_detail.h"

#include <cmath>

namespace optiscope {

template <typename Scalar> void AdagradUpdate<Scalar>::reset(Eigen::Index size) {
    this->m_step = 0;
    this->m_effLr = Vector::Zero(size);
    m_sum = Vector::Constant(size, static_cast<Scalar>(m_hyper.initialAccumulatorValue));
    m_denom = Vector::Zero(size);
    m_gEff = Vector::Zero(size);
    m_clr = 0.0;
}

template <typename Scalar>
void AdagradUpdate<Scalar>::step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                                 double lr) {
    detail::prepareStep(*this, params.size(), grad.size());
    ++this->m_step;
    detail::coupledL2(m_gEff, params, grad, m_hyper.weightDecay);
    m_clr = lr / (1.0 + static_cast<double>(this->m_step - 1) * m_hyper.lrDecay);
    const Scalar clr = static_cast<Scalar>(m_clr);
    const Scalar negClr = static_cast<Scalar>(-m_clr);
    const Scalar eps = static_cast<Scalar>(m_hyper.eps);
    const Scalar one = 1;
    for (Eigen::Index i = 0; i < params.size(); ++i) {
        const Scalar g = m_gEff[i];
        m_sum[i] = std::fma(one * g, g, m_sum[i]); // sum.addcmul_(g, g, value=1)
        m_denom[i] = std::sqrt(m_sum[i]) + eps;
        params[i] = params[i] + (negClr * g) / m_denom[i]; // addcdiv_: no fusion
        this->m_effLr[i] = clr / m_denom[i];
    }
}

template <typename Scalar> OptimizerState AdagradUpdate<Scalar>::state() const {
    OptimizerState s;
    s.scalars.push_back({"step", static_cast<double>(this->m_step)});
    if (this->m_step == 0)
        return s;
    s.scalars.push_back({"clr", m_clr});
    s.tensors.push_back({"sum", m_sum.template cast<double>()});
    s.tensors.push_back({"denom", m_denom.template cast<double>()});
    s.tensors.push_back({"g_eff", m_gEff.template cast<double>()});
    return s;
}

template class AdagradUpdate<float>;
template class AdagradUpdate<double>;

} // namespace optiscope
