// Helpers shared by the update rules' implementations (not part of the public interface).
#pragma once

#include "core/optim/update_rule.h"
#include "core/simd/kernel_table.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace optiscope::detail {

/// Checks the sizes of a step and, on the first step after construction without reset(),
/// prepares the state for them.
template <typename Scalar>
void prepareStep(UpdateRule<Scalar>& rule, Eigen::Index paramSize, Eigen::Index gradSize) {
    if (paramSize != gradSize)
        throw std::invalid_argument("update rule: gradient has " + std::to_string(gradSize) +
                                    " entries for " + std::to_string(paramSize) + " parameters");
    if (rule.stateSize() != paramSize) {
        if (rule.stepCount() != 0)
            throw std::invalid_argument("update rule: parameter count changed without reset()");
        rule.reset(paramSize);
    }
}

/// g = grad + wd * p as torch's grad.add(p, alpha=wd): one rounding, fma(p, wd, g). With wd == 0
/// torch skips the add, and so do we (it would turn a -0 gradient into +0).
template <typename Out, typename P, typename G>
void coupledL2(Out& out, const P& params, const G& grad, double weightDecay) {
    using Scalar = typename Out::Scalar;
    if (weightDecay == 0.0) {
        out = grad;
        return;
    }
    const Scalar wd = static_cast<Scalar>(weightDecay);
    out.resize(grad.size());
    // std::fma per element, in the dispatched instruction set (core/optim/update_kernels.cpp).
    simd::kernels().template of<Scalar>().fmaScalar(grad.size(), params.data(), wd, grad.data(),
                                                    out.data());
}

/// A bias correction 1 − β^t exactly as `1.0 - std::pow(beta, t)` gives it (torch's
/// `1 - beta ** step`), which stops calling pow once the result is 1.0: for 0 ≤ β < 1, β^t only
/// shrinks as t grows, so 1 − β^t stays 1.0 (β^t ≤ 2^-54 rounds away) — bit-identical, and long
/// runs stay off pow's slow underflow path (β^t < 1e-308 sets errno on every call). A new β
/// (setMomentum) or reset() starts over.
class BiasCorrection {
public:
    double operator()(double beta, double t) {
        if (beta == m_beta && t >= m_oneFrom)
            return 1.0;
        const double bc = 1.0 - std::pow(beta, t);
        if (beta != m_beta) {
            m_beta = beta;
            m_oneFrom = std::numeric_limits<double>::infinity();
        }
        if (bc == 1.0 && beta >= 0.0 && beta < 1.0 && t < m_oneFrom)
            m_oneFrom = t;
        return bc;
    }
    void reset() { *this = BiasCorrection(); }

private:
    double m_beta = std::numeric_limits<double>::quiet_NaN();
    double m_oneFrom = std::numeric_limits<double>::infinity();
};

/// max(a, b) that propagates NaN as torch.maximum / amax do (std::max would drop it).
template <typename Scalar> Scalar maxNan(Scalar a, Scalar b) {
    if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<Scalar>::quiet_NaN();
    return a < b ? b : a;
}

} // namespace optiscope::detail
