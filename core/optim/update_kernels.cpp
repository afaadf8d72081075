// The update rules' element-wise loops (update_kernels.h), compiled once per instruction-set
// level (core/simd/sources.cmake) with -ffp-contract=off and -fno-math-errno: the same IEEE
// operations per element at every level (vector sqrt, division and FMA are correctly rounded
// like the scalar ones), so the results are bit-identical to the scalar loops and to torch.
// Where the baseline has no FMA instruction std::fma is a library call; AVX2 and AVX-512 have it.
#include "core/simd/level.h"

#include <cmath>
#include <limits>
#include <type_traits>

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

using Index = std::ptrdiff_t;

namespace {
/// max(a, b) that propagates NaN as torch.maximum does (as detail::maxNan).
template <typename Scalar> inline Scalar maxNan(Scalar a, Scalar b) {
    if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<Scalar>::quiet_NaN();
    return a < b ? b : a;
}

template <typename Scalar, bool Amsgrad, bool Derived, bool Copy>
void adamLoop(Index n, Scalar* __restrict p, const Scalar* __restrict grad, Scalar* __restrict gEff,
              Scalar* __restrict m, Scalar* __restrict sq, Scalar* __restrict maxSq,
              Scalar* __restrict mHat, Scalar* __restrict vHat, Scalar* __restrict denom,
              Scalar* __restrict effLr, const optim::AdamArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar bc1 = a.bc1, bc2 = a.bc2, bc2Sqrt = a.bc2Sqrt, eps = a.eps;
    const Scalar negStepSize = a.negStepSize, lr = a.lr;
    // Element-wise, in torch's operation order.
    for (Index i = 0; i < n; ++i) {
        Scalar g;
        if constexpr (Copy) {
            g = grad[i];
            gEff[i] = g;
        } else {
            g = gEff[i];
        }
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        sq[i] = std::fma(oneMinusB2 * g, g, sq[i] * b2);
        Scalar v = sq[i];
        if constexpr (Amsgrad) {
            maxSq[i] = maxNan(maxSq[i], v);
            v = maxSq[i];
        }
        const Scalar d = std::sqrt(v) / bc2Sqrt + eps;
        p[i] = p[i] + (negStepSize * m[i]) / d;
        if constexpr (Derived) {
            denom[i] = d;
            mHat[i] = m[i] / bc1;
            vHat[i] = v / bc2;
            effLr[i] = lr / (std::sqrt(vHat[i]) + eps);
        }
    }
}

/// The denominator, m̂, v̂ and the effective lr of the last step, as adamLoop<..., true, ...>
/// computes them.
template <typename Scalar>
void adamDerivedLoop(Index n, const Scalar* __restrict m, const Scalar* __restrict v,
                     Scalar* __restrict denom, Scalar* __restrict mHat, Scalar* __restrict vHat,
                     Scalar* __restrict effLr, const optim::AdamArgs<Scalar>& a) {
    const Scalar bc1 = a.bc1, bc2 = a.bc2, bc2Sqrt = a.bc2Sqrt, eps = a.eps, lr = a.lr;
    for (Index i = 0; i < n; ++i) {
        denom[i] = std::sqrt(v[i]) / bc2Sqrt + eps;
        mHat[i] = m[i] / bc1;
        vHat[i] = v[i] / bc2;
        effLr[i] = lr / (std::sqrt(vHat[i]) + eps);
    }
}
} // namespace

template <typename Scalar> void adamUpdate(const optim::AdamArgs<Scalar>& a) {
    auto run = [&](auto amsgrad, auto derived, auto copy) {
        adamLoop<Scalar, decltype(amsgrad)::value, decltype(derived)::value, decltype(copy)::value>(
            a.n, a.params, a.grad, a.gEff, a.expAvg, a.expAvgSq, a.maxExpAvgSq, a.mHat, a.vHat,
            a.denom, a.effLr, a);
    };
    auto withCopy = [&](auto amsgrad, auto derived) {
        if (a.grad)
            run(amsgrad, derived, std::true_type{});
        else
            run(amsgrad, derived, std::false_type{});
    };
    using std::false_type, std::true_type;
    if (a.amsgrad)
        a.derived ? withCopy(true_type{}, true_type{}) : withCopy(true_type{}, false_type{});
    else
        a.derived ? withCopy(false_type{}, true_type{}) : withCopy(false_type{}, false_type{});
}

template <typename Scalar> void adamDerived(const optim::AdamArgs<Scalar>& a) {
    adamDerivedLoop<Scalar>(a.n, a.expAvg, a.amsgrad ? a.maxExpAvgSq : a.expAvgSq, a.denom, a.mHat,
                            a.vHat, a.effLr, a);
}

template <typename Scalar>
void fmaScalar(Index n, const Scalar* __restrict a, Scalar s, const Scalar* __restrict b,
               Scalar* __restrict out) {
    for (Index i = 0; i < n; ++i)
        out[i] = std::fma(a[i], s, b[i]);
}

template <typename Scalar>
void fmaInPlace(Index n, const Scalar* __restrict a, Scalar s, Scalar* __restrict b) {
    for (Index i = 0; i < n; ++i)
        b[i] = std::fma(a[i], s, b[i]);
}

template <typename Scalar>
void fmaDecay(Index n, const Scalar* __restrict a, Scalar s, Scalar* __restrict b, Scalar m) {
    for (Index i = 0; i < n; ++i)
        b[i] = std::fma(a[i], s, b[i] * m);
}

template void adamUpdate<float>(const optim::AdamArgs<float>&);
template void adamUpdate<double>(const optim::AdamArgs<double>&);
template void adamDerived<float>(const optim::AdamArgs<float>&);
template void adamDerived<double>(const optim::AdamArgs<double>&);
template void fmaScalar<float>(Index, const float*, float, const float*, float*);
template void fmaScalar<double>(Index, const double*, double, const double*, double*);
template void fmaInPlace<float>(Index, const float*, float, float*);
template void fmaInPlace<double>(Index, const double*, double, double*);
template void fmaDecay<float>(Index, const float*, float, float*, float);
template void fmaDecay<double>(Index, const double*, double, double*, double);

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
