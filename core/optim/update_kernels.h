// The element-wise loops of the update rules that core/simd dispatches per instruction set.
// Every loop does the same IEEE operations per element, in torch's order, at every level
// (compiled with -ffp-contract=off; std::fma only where torch fuses): results are bit-identical
// whichever level runs them. Internal to core/optim and core/simd.
#pragma once

#include <cstddef>

namespace optiscope::optim {

/// One Adam/AdamW step's element-wise part (adam_update.cpp prepares the scalars).
template <typename Scalar> struct AdamArgs {
    std::ptrdiff_t n = 0;
    bool amsgrad = false;
    /// Also stores sqrt(v)/sqrt(bc2) + eps, m̂ = m / bc1, v̂ = v / bc2 and the effective lr
    /// (else adamDerived() computes them).
    bool derived = true;
    Scalar *params = nullptr, *expAvg = nullptr, *expAvgSq = nullptr, *maxExpAvgSq = nullptr;
    Scalar *mHat = nullptr, *vHat = nullptr, *denom = nullptr, *effLr = nullptr;
    /// The gradient the step uses; if `grad` is set, it is read from there and copied into gEff
    /// on the way (one pass instead of two).
    Scalar* gEff = nullptr;
    const Scalar* grad = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, bc1 = 0, bc2 = 0, bc2Sqrt = 0;
    Scalar eps = 0, negStepSize = 0, lr = 0;
};

} // namespace optiscope::optim
