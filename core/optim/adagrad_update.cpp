#include "core/optim/adagrad_update.h"

#include "core/optim/update_detail.h"

#include "core/simd/kernel_table.h"

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
    // Element-wise, in torch's operation order, in the dispatched instruction set
    // (core/optim/update_kernels.cpp): bit-identical at every level.
    optim::AdagradArgs<Scalar> a;
    a.n = params.size();
    a.params = params.data();
    a.gEff = m_gEff.data();
    a.sum = m_sum.data();
    a.denom = m_denom.data();
    a.effLr = this->m_effLr.data();
    a.clr = static_cast<Scalar>(m_clr);
    a.negClr = static_cast<Scalar>(-m_clr);
    a.eps = static_cast<Scalar>(m_hyper.eps);
    simd::kernels().template of<Scalar>().adagradUpdate(a);
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
