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

/// `Unit`: the bias corrections are exactly 1 (β^t has underflowed below half an ulp of 1, after
/// ~37,000 steps with β2 = 0.999, or bias_correction is off). Dividing by 1 is exact for every
/// value, NaN and ±inf included, so leaving the divisions out gives the same bits, and takes a
/// division off each step's chain of dependent operations (a 2-D run is bound by it).
template <typename Scalar, bool Amsgrad, bool Derived, bool Copy, bool Unit, int FixedN>
void adamLoop(Index count, Scalar* __restrict p, const Scalar* __restrict grad,
              Scalar* __restrict gEff, Scalar* __restrict m, Scalar* __restrict sq,
              Scalar* __restrict maxSq, Scalar* __restrict mHat, Scalar* __restrict vHat,
              Scalar* __restrict denom, Scalar* __restrict effLr,
              const optim::AdamArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar bc1 = a.bc1, bc2 = a.bc2, bc2Sqrt = a.bc2Sqrt, eps = a.eps;
    const Scalar negStepSize = a.negStepSize, lr = a.lr;
    // `FixedN` > 0: a loop of known length (a 2-D function's two parameters: straight code, not a
    // vector loop with its checks, prologue and epilogue around two elements).
    const Index n = FixedN > 0 ? FixedN : count;
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
        const Scalar d = (Unit ? std::sqrt(v) : std::sqrt(v) / bc2Sqrt) + eps;
        p[i] = p[i] + (negStepSize * m[i]) / d;
        if constexpr (Derived) {
            denom[i] = d;
            if constexpr (Unit) {
                mHat[i] = m[i];
                vHat[i] = v;
                effLr[i] = lr / d; // sqrt(v / 1) + eps is d, operation for operation
            } else {
                mHat[i] = m[i] / bc1;
                vHat[i] = v / bc2;
                effLr[i] = lr / (std::sqrt(vHat[i]) + eps);
            }
        }
    }
}

/// The denominator, m̂, v̂ and the effective lr of the last step, as adamLoop<..., true, ...>
/// computes them (the general case: the same bits as the unit one).
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

/// Keras 3 Adam.update_step (convention "keras"), element-wise: m̂, v̂, the denominator and the
/// effective lr always.
template <typename Scalar, bool Amsgrad>
void adamKerasLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff,
                   Scalar* __restrict m, Scalar* __restrict sq, Scalar* __restrict maxSq,
                   Scalar* __restrict mHat, Scalar* __restrict vHat, Scalar* __restrict denom,
                   Scalar* __restrict effLr, const optim::AdamArgs<Scalar>& a) {
    const Scalar oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2, alpha = a.alpha;
    const Scalar eps = a.eps, bc1 = a.bc1, bc2 = a.bc2, effNum = a.effNum;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        m[i] = m[i] + (g - m[i]) * oneMinusB1;
        sq[i] = sq[i] + (g * g - sq[i]) * oneMinusB2;
        Scalar v = sq[i];
        if constexpr (Amsgrad) {
            maxSq[i] = maxNan(maxSq[i], v);
            v = maxSq[i];
        }
        denom[i] = std::sqrt(v) + eps;
        p[i] = p[i] - (m[i] * alpha) / denom[i];
        mHat[i] = m[i] / bc1;
        vHat[i] = v / bc2;
        effLr[i] = effNum / denom[i];
    }
}

/// Calls f(std::true_type) or f(std::false_type): a run-time flag as a template argument, so
/// that each variant's loop is branch-free (and vectorises).
template <typename F> inline void withFlag(bool flag, F&& f) {
    if (flag)
        f(std::true_type{});
    else
        f(std::false_type{});
}

// The other rules' loops, per element in the operation order of the reference that each rule's
// *_update.h names; the rules' options are template arguments.

template <typename Scalar, bool Centered, bool Momentum>
void rmspropLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff,
                 Scalar* __restrict sq, Scalar* __restrict gradAvg, Scalar* __restrict buf,
                 Scalar* __restrict denom, Scalar* __restrict effLr,
                 const optim::RmspropArgs<Scalar>& a) {
    const Scalar alpha = a.alpha, oneMinusAlpha = a.oneMinusAlpha, eps = a.eps, mom = a.mom;
    const Scalar lr = a.lr, negLr = a.negLr;
    const Scalar one = 1, minusOne = -1;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        sq[i] = std::fma(oneMinusAlpha * g, g, sq[i] * alpha);
        Scalar avg;
        if constexpr (Centered) {
            gradAvg[i] = std::fma(g, oneMinusAlpha, gradAvg[i] * alpha);
            avg = std::sqrt(std::fma(minusOne * gradAvg[i], gradAvg[i], sq[i]));
        } else {
            avg = std::sqrt(sq[i]);
        }
        avg = avg + eps;
        denom[i] = avg;
        if constexpr (Momentum) {
            buf[i] = buf[i] * mom + (one * g) / avg;
            p[i] = std::fma(buf[i], negLr, p[i]);
        } else {
            p[i] = p[i] + (negLr * g) / avg;
        }
        effLr[i] = lr / avg;
    }
}

template <typename Scalar>
void adagradLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff,
                 Scalar* __restrict sum, Scalar* __restrict denom, Scalar* __restrict effLr,
                 const optim::AdagradArgs<Scalar>& a) {
    const Scalar clr = a.clr, negClr = a.negClr, eps = a.eps;
    const Scalar one = 1;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        sum[i] = std::fma(one * g, g, sum[i]); // sum.addcmul_(g, g, value=1)
        denom[i] = std::sqrt(sum[i]) + eps;
        p[i] = p[i] + (negClr * g) / denom[i]; // addcdiv_: no fusion
        effLr[i] = clr / denom[i];
    }
}

template <typename Scalar>
void adadeltaLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff,
                  Scalar* __restrict sq, Scalar* __restrict acc, Scalar* __restrict stdDev,
                  Scalar* __restrict rmsPrev, Scalar* __restrict effLr,
                  const optim::AdadeltaArgs<Scalar>& a) {
    const Scalar rho = a.rho, oneMinusRho = a.oneMinusRho, eps = a.eps, lr = a.lr, negLr = a.negLr;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        sq[i] = std::fma(oneMinusRho * g, g, sq[i] * rho);
        stdDev[i] = std::sqrt(sq[i] + eps);
        rmsPrev[i] = std::sqrt(acc[i] + eps);
        const Scalar delta = rmsPrev[i] / stdDev[i] * g;
        acc[i] = std::fma(oneMinusRho * delta, delta, acc[i] * rho);
        p[i] = std::fma(delta, negLr, p[i]);
        effLr[i] = lr * rmsPrev[i] / stdDev[i];
    }
}

template <typename Scalar, bool Keras>
void adamaxLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict m,
                Scalar* __restrict u, Scalar* __restrict mHat, Scalar* __restrict effLr,
                const optim::AdamaxArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, eps = a.eps;
    const Scalar negClr = a.negClr, bc1 = a.bc1, lr = a.lr;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        if constexpr (Keras) {
            // Keras 3 Adamax.update_step (no fused multiply-add); effective lr lr / (u + eps).
            m[i] = m[i] + (g - m[i]) * oneMinusB1;
            u[i] = maxNan(u[i] * b2, std::abs(g));
            p[i] = p[i] - (m[i] * lr) / ((u[i] + eps) * bc1);
            mHat[i] = m[i] / bc1;
            effLr[i] = lr / (u[i] + eps);
        } else {
            m[i] = std::fma(g, oneMinusB1, m[i] * b1);
            u[i] = maxNan(u[i] * b2, std::abs(g) + eps);
            p[i] = p[i] + (negClr * m[i]) / u[i];
            mHat[i] = m[i] / bc1;
            effLr[i] = lr / u[i];
        }
    }
}

template <typename Scalar>
void nadamLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict m,
               Scalar* __restrict v, Scalar* __restrict mHat, Scalar* __restrict vHat,
               Scalar* __restrict denom, Scalar* __restrict effLr,
               const optim::NadamArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar bc2 = a.bc2, bc2Sqrt = a.bc2Sqrt, eps = a.eps, lr = a.lr;
    const Scalar c1 = a.c1, c2 = a.c2, wGrad = a.wGrad, wExpAvg = a.wExpAvg;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        v[i] = std::fma(oneMinusB2 * g, g, v[i] * b2);
        denom[i] = std::sqrt(v[i]) / bc2Sqrt + eps;
        p[i] = p[i] + (c1 * g) / denom[i];
        p[i] = p[i] + (c2 * m[i]) / denom[i];
        mHat[i] = wGrad * g + wExpAvg * m[i];
        vHat[i] = v[i] / bc2;
        effLr[i] = lr / denom[i];
    }
}

template <typename Scalar, bool Rectified>
void radamLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict m,
               Scalar* __restrict v, Scalar* __restrict mHat, Scalar* __restrict vHat,
               Scalar* __restrict adaptiveLr, Scalar* __restrict effLr,
               const optim::RadamArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar bc1 = a.bc1, bc2 = a.bc2, bc2Sqrt = a.bc2Sqrt, eps = a.eps, lr = a.lr;
    const Scalar rect = a.rect;
    const Scalar one = 1, minusOne = -1;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        v[i] = std::fma(oneMinusB2 * g, g, v[i] * b2);
        mHat[i] = m[i] / bc1;
        vHat[i] = v[i] / bc2;
        if constexpr (Rectified) {
            // math.sqrt(bc2) / tensor is evaluated as reciprocal(tensor) * float.
            adaptiveLr[i] = (one / (std::sqrt(v[i]) + eps)) * bc2Sqrt;
            p[i] = std::fma(mHat[i] * lr * adaptiveLr[i] * rect, minusOne, p[i]);
            effLr[i] = lr * rect * adaptiveLr[i];
        } else {
            adaptiveLr[i] = 0;
            p[i] = std::fma(mHat[i] * lr, minusOne, p[i]);
            effLr[i] = lr;
        }
    }
}

template <typename Scalar>
void qhmLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict buf,
             const optim::QhmArgs<Scalar>& a) {
    const Scalar mom = a.mom, oneMinusMom = a.oneMinusMom, negLrNu = a.negLrNu;
    const Scalar negLrOneMinusNu = a.negLrOneMinusNu;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        buf[i] = std::fma(g, oneMinusMom, buf[i] * mom);
        p[i] = std::fma(buf[i], negLrNu, p[i]);
        p[i] = std::fma(g, negLrOneMinusNu, p[i]);
    }
}

template <typename Scalar, bool MixGrad, bool MixGradSq, bool AddEps>
void qhadamLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict m,
                Scalar* __restrict v, Scalar* __restrict avgGrad, Scalar* __restrict avgGradRms,
                Scalar* __restrict effLr, const optim::QhadamArgs<Scalar>& a) {
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar nu1 = a.nu1, nu2 = a.nu2, oneMinusNu1 = a.oneMinusNu1;
    const Scalar oneMinusNu2 = a.oneMinusNu2, eps = a.eps, lr = a.lr, negLr = a.negLr;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        const Scalar gSq = g * g;
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        v[i] = std::fma(gSq, oneMinusB2, v[i] * b2);
        Scalar avg = m[i] * nu1;
        if constexpr (MixGrad)
            avg = std::fma(g, oneMinusNu1, avg);
        Scalar rms = v[i] * nu2;
        if constexpr (MixGradSq)
            rms = std::fma(gSq, oneMinusNu2, rms);
        rms = std::sqrt(rms);
        if constexpr (AddEps)
            rms = rms + eps;
        avgGrad[i] = avg;
        avgGradRms[i] = rms;
        p[i] = p[i] + (negLr * avg) / rms; // addcdiv_(avg, rms, value=-lr)
        effLr[i] = lr / rms;
    }
}

template <typename Scalar, bool Amsgrad, typename optim::AdabeliefArgs<Scalar>::Mode Mode>
void adabeliefLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff,
                   Scalar* __restrict m, Scalar* __restrict s, Scalar* __restrict maxS,
                   Scalar* __restrict mHat, Scalar* __restrict denom, Scalar* __restrict effLr,
                   const optim::AdabeliefArgs<Scalar>& a) {
    using M = typename optim::AdabeliefArgs<Scalar>::Mode;
    const Scalar b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1, oneMinusB2 = a.oneMinusB2;
    const Scalar eps = a.eps, bc1 = a.bc1, bc2Sqrt = a.bc2Sqrt, lr = a.lr;
    const Scalar negStep = a.negStep, effNum = a.effNum;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        const Scalar r = g - m[i];
        s[i] = std::fma(oneMinusB2 * r, r, s[i] * b2) + eps;
        Scalar var = s[i];
        if constexpr (Amsgrad) {
            maxS[i] = maxNan(maxS[i], var);
            var = maxS[i];
        }
        mHat[i] = m[i] / bc1;
        if constexpr (Mode == M::Adam) {
            denom[i] = std::sqrt(var) / bc2Sqrt + eps;
            p[i] = p[i] + (negStep * m[i]) / denom[i];
            effLr[i] = lr / denom[i];
        } else if constexpr (Mode == M::Rectified) {
            // The reference uses the un-maxed exp_avg_var here, even with amsgrad.
            denom[i] = std::sqrt(s[i]) + eps;
            p[i] = p[i] + (negStep * m[i]) / denom[i];
            effLr[i] = effNum / denom[i];
        } else if constexpr (Mode == M::Sgd) {
            denom[i] = 0;
            p[i] = std::fma(m[i], negStep, p[i]);
            effLr[i] = effNum;
        } else {
            denom[i] = 0;
            effLr[i] = 0;
        }
    }
}

template <typename Scalar>
void yogiLoop(Index n, Scalar* __restrict p, const Scalar* __restrict gEff, Scalar* __restrict m,
              Scalar* __restrict v, Scalar* __restrict denom, Scalar* __restrict mHat,
              Scalar* __restrict effLr, const optim::YogiArgs<Scalar>& a) {
    const Scalar b1 = a.b1, oneMinusB1 = a.oneMinusB1, negOneMinusB2 = a.negOneMinusB2;
    const Scalar bc1 = a.bc1, bc2Sqrt = a.bc2Sqrt, eps = a.eps, negStepSize = a.negStepSize;
    const Scalar lr = a.lr;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = gEff[i];
        m[i] = std::fma(g, oneMinusB1, m[i] * b1);
        const Scalar gSq = g * g;
        const Scalar diff = v[i] - gSq;
        // torch.sign: -1, 0 or 1 (±0 and NaN stay). One select: GCC does not vectorise the
        // nested `diff > 0 ? 1 : diff < 0 ? -1 : diff` (the same value for every diff).
        const Scalar sign =
            std::islessgreater(diff, Scalar(0)) ? std::copysign(Scalar(1), diff) : diff;
        v[i] = std::fma(negOneMinusB2 * sign, gSq, v[i]);
        denom[i] = std::sqrt(v[i]) / bc2Sqrt + eps;
        p[i] = p[i] + (negStepSize * m[i]) / denom[i];
        mHat[i] = m[i] / bc1;
        effLr[i] = lr / denom[i];
    }
}

template <typename Scalar, bool Decay>
void lionLoop(Index n, Scalar* __restrict p, const Scalar* __restrict grad, Scalar* __restrict m,
              Scalar* __restrict direction, const optim::LionArgs<Scalar>& a) {
    const Scalar shrink = a.shrink, b1 = a.b1, b2 = a.b2, oneMinusB1 = a.oneMinusB1;
    const Scalar oneMinusB2 = a.oneMinusB2, negLr = a.negLr;
    for (Index i = 0; i < n; ++i) {
        const Scalar g = grad[i];
        if constexpr (Decay)
            p[i] = p[i] * shrink;
        const Scalar c = std::fma(g, oneMinusB1, m[i] * b1);
        // sign(), with NaN kept as NaN so that a diverging run shows up in its parameters: 1, -1,
        // +0 for ±0, the quiet NaN for NaN, as (c > 0) - (c < 0) and isnan gave them, but with
        // selects that GCC vectorises.
        Scalar s = std::islessgreater(c, Scalar(0)) ? std::copysign(Scalar(1), c) : Scalar(0);
        s = std::isnan(c) ? std::numeric_limits<Scalar>::quiet_NaN() : s;
        direction[i] = s;
        p[i] = std::fma(s, negLr, p[i]);
        m[i] = std::fma(g, oneMinusB2, m[i] * b2);
    }
}
} // namespace

template <typename Scalar> void adamUpdate(const optim::AdamArgs<Scalar>& a) {
    const bool unit = a.bc1 == Scalar(1) && a.bc2 == Scalar(1) && a.bc2Sqrt == Scalar(1);
    auto run = [&](auto amsgrad, auto derived, auto copy) {
        auto loop = [&](auto unitBc, auto fixedN) {
            adamLoop<Scalar, decltype(amsgrad)::value, decltype(derived)::value,
                     decltype(copy)::value, decltype(unitBc)::value, decltype(fixedN)::value>(
                a.n, a.params, a.grad, a.gEff, a.expAvg, a.expAvgSq, a.maxExpAvgSq, a.mHat, a.vHat,
                a.denom, a.effLr, a);
        };
        using Two = std::integral_constant<int, 2>;
        using AnyN = std::integral_constant<int, 0>;
        if (a.n == 2)
            unit ? loop(std::true_type{}, Two{}) : loop(std::false_type{}, Two{});
        else
            unit ? loop(std::true_type{}, AnyN{}) : loop(std::false_type{}, AnyN{});
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

template <typename Scalar> void adamKeras(const optim::AdamArgs<Scalar>& a) {
    withFlag(a.amsgrad, [&](auto amsgrad) {
        adamKerasLoop<Scalar, decltype(amsgrad)::value>(a.n, a.params, a.gEff, a.expAvg, a.expAvgSq,
                                                        a.maxExpAvgSq, a.mHat, a.vHat, a.denom,
                                                        a.effLr, a);
    });
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

template <typename Scalar> void scaleInPlace(Index n, Scalar s, Scalar* __restrict b) {
    for (Index i = 0; i < n; ++i)
        b[i] = b[i] * s;
}

template <typename Scalar> void rmspropUpdate(const optim::RmspropArgs<Scalar>& a) {
    withFlag(a.centered, [&](auto centered) {
        withFlag(a.momentum, [&](auto momentum) {
            rmspropLoop<Scalar, decltype(centered)::value, decltype(momentum)::value>(
                a.n, a.params, a.gEff, a.squareAvg, a.gradAvg, a.momentumBuffer, a.denom, a.effLr,
                a);
        });
    });
}

template <typename Scalar> void adagradUpdate(const optim::AdagradArgs<Scalar>& a) {
    adagradLoop<Scalar>(a.n, a.params, a.gEff, a.sum, a.denom, a.effLr, a);
}

template <typename Scalar> void adadeltaUpdate(const optim::AdadeltaArgs<Scalar>& a) {
    adadeltaLoop<Scalar>(a.n, a.params, a.gEff, a.squareAvg, a.accDelta, a.stdDev, a.rmsDeltaPrev,
                         a.effLr, a);
}

template <typename Scalar> void adamaxUpdate(const optim::AdamaxArgs<Scalar>& a) {
    withFlag(a.keras, [&](auto keras) {
        adamaxLoop<Scalar, decltype(keras)::value>(a.n, a.params, a.gEff, a.expAvg, a.expInf,
                                                   a.mHat, a.effLr, a);
    });
}

template <typename Scalar> void nadamUpdate(const optim::NadamArgs<Scalar>& a) {
    nadamLoop<Scalar>(a.n, a.params, a.gEff, a.expAvg, a.expAvgSq, a.mHat, a.vHat, a.denom, a.effLr,
                      a);
}

template <typename Scalar> void radamUpdate(const optim::RadamArgs<Scalar>& a) {
    withFlag(a.rectified, [&](auto rectified) {
        radamLoop<Scalar, decltype(rectified)::value>(a.n, a.params, a.gEff, a.expAvg, a.expAvgSq,
                                                      a.mHat, a.vHat, a.adaptiveLr, a.effLr, a);
    });
}

template <typename Scalar> void qhmUpdate(const optim::QhmArgs<Scalar>& a) {
    qhmLoop<Scalar>(a.n, a.params, a.gEff, a.buffer, a);
}

template <typename Scalar> void qhadamUpdate(const optim::QhadamArgs<Scalar>& a) {
    withFlag(a.mixGrad, [&](auto mixGrad) {
        withFlag(a.mixGradSq, [&](auto mixGradSq) {
            withFlag(a.addEps, [&](auto addEps) {
                qhadamLoop<Scalar, decltype(mixGrad)::value, decltype(mixGradSq)::value,
                           decltype(addEps)::value>(a.n, a.params, a.gEff, a.expAvg, a.expAvgSq,
                                                    a.avgGrad, a.avgGradRms, a.effLr, a);
            });
        });
    });
}

template <typename Scalar> void adabeliefUpdate(const optim::AdabeliefArgs<Scalar>& a) {
    using Mode = typename optim::AdabeliefArgs<Scalar>::Mode;
    withFlag(a.amsgrad, [&](auto amsgrad) {
        constexpr bool Ams = decltype(amsgrad)::value;
        auto run = [&](auto mode) {
            adabeliefLoop<Scalar, Ams, decltype(mode)::value>(a.n, a.params, a.gEff, a.expAvg,
                                                              a.expAvgVar, a.maxExpAvgVar, a.mHat,
                                                              a.denom, a.effLr, a);
        };
        switch (a.mode) {
        case Mode::Adam:
            run(std::integral_constant<Mode, Mode::Adam>{});
            break;
        case Mode::Rectified:
            run(std::integral_constant<Mode, Mode::Rectified>{});
            break;
        case Mode::Sgd:
            run(std::integral_constant<Mode, Mode::Sgd>{});
            break;
        case Mode::Frozen:
            run(std::integral_constant<Mode, Mode::Frozen>{});
            break;
        }
    });
}

template <typename Scalar> void yogiUpdate(const optim::YogiArgs<Scalar>& a) {
    yogiLoop<Scalar>(a.n, a.params, a.gEff, a.expAvg, a.expAvgSq, a.denom, a.mHat, a.effLr, a);
}

template <typename Scalar> void lionUpdate(const optim::LionArgs<Scalar>& a) {
    withFlag(a.decay, [&](auto decay) {
        lionLoop<Scalar, decltype(decay)::value>(a.n, a.params, a.grad, a.expAvg, a.direction, a);
    });
}

template void adamUpdate<float>(const optim::AdamArgs<float>&);
template void adamUpdate<double>(const optim::AdamArgs<double>&);
template void adamKeras<float>(const optim::AdamArgs<float>&);
template void adamKeras<double>(const optim::AdamArgs<double>&);
template void adamDerived<float>(const optim::AdamArgs<float>&);
template void adamDerived<double>(const optim::AdamArgs<double>&);
template void fmaScalar<float>(Index, const float*, float, const float*, float*);
template void fmaScalar<double>(Index, const double*, double, const double*, double*);
template void fmaInPlace<float>(Index, const float*, float, float*);
template void fmaInPlace<double>(Index, const double*, double, double*);
template void fmaDecay<float>(Index, const float*, float, float*, float);
template void fmaDecay<double>(Index, const double*, double, double*, double);
template void scaleInPlace<float>(Index, float, float*);
template void scaleInPlace<double>(Index, double, double*);
template void rmspropUpdate<float>(const optim::RmspropArgs<float>&);
template void rmspropUpdate<double>(const optim::RmspropArgs<double>&);
template void adagradUpdate<float>(const optim::AdagradArgs<float>&);
template void adagradUpdate<double>(const optim::AdagradArgs<double>&);
template void adadeltaUpdate<float>(const optim::AdadeltaArgs<float>&);
template void adadeltaUpdate<double>(const optim::AdadeltaArgs<double>&);
template void adamaxUpdate<float>(const optim::AdamaxArgs<float>&);
template void adamaxUpdate<double>(const optim::AdamaxArgs<double>&);
template void nadamUpdate<float>(const optim::NadamArgs<float>&);
template void nadamUpdate<double>(const optim::NadamArgs<double>&);
template void radamUpdate<float>(const optim::RadamArgs<float>&);
template void radamUpdate<double>(const optim::RadamArgs<double>&);
template void qhmUpdate<float>(const optim::QhmArgs<float>&);
template void qhmUpdate<double>(const optim::QhmArgs<double>&);
template void qhadamUpdate<float>(const optim::QhadamArgs<float>&);
template void qhadamUpdate<double>(const optim::QhadamArgs<double>&);
template void adabeliefUpdate<float>(const optim::AdabeliefArgs<float>&);
template void adabeliefUpdate<double>(const optim::AdabeliefArgs<double>&);
template void yogiUpdate<float>(const optim::YogiArgs<float>&);
template void yogiUpdate<double>(const optim::YogiArgs<double>&);
template void lionUpdate<float>(const optim::LionArgs<float>&);
template void lionUpdate<double>(const optim::LionArgs<double>&);

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
