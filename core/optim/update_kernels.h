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
    /// adamKeras() only: its step size α = lr·sqrt(bc2)/bc1 and lr·sqrt(bc2) (in double).
    Scalar alpha = 0, effNum = 0;
};

// The other rules' steps: one struct per rule, filled by its *_update.cpp (which computes the
// scalars in double and keeps the state); the kernel runs the loop. `gEff` is the gradient the
// step uses (with the L2 term if any); the outputs are the rule's state vectors, in place.

/// RMSprop (rmsprop_update.cpp).
template <typename Scalar> struct RmspropArgs {
    std::ptrdiff_t n = 0;
    bool centered = false, momentum = false; ///< momentum: momentum > 0
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *squareAvg = nullptr, *gradAvg = nullptr, *momentumBuffer = nullptr;
    Scalar *denom = nullptr, *effLr = nullptr;
    Scalar alpha = 0, oneMinusAlpha = 0, eps = 0, mom = 0, lr = 0, negLr = 0;
};

/// Adagrad (adagrad_update.cpp); clr is the decayed lr.
template <typename Scalar> struct AdagradArgs {
    std::ptrdiff_t n = 0;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *sum = nullptr, *denom = nullptr, *effLr = nullptr;
    Scalar clr = 0, negClr = 0, eps = 0;
};

/// Adadelta (adadelta_update.cpp).
template <typename Scalar> struct AdadeltaArgs {
    std::ptrdiff_t n = 0;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *squareAvg = nullptr, *accDelta = nullptr, *stdDev = nullptr, *rmsDeltaPrev = nullptr;
    Scalar* effLr = nullptr;
    Scalar rho = 0, oneMinusRho = 0, eps = 0, lr = 0, negLr = 0;
};

/// Adamax (adamax_update.cpp), torch's formula or Keras' (`keras`).
template <typename Scalar> struct AdamaxArgs {
    std::ptrdiff_t n = 0;
    bool keras = false;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expInf = nullptr, *mHat = nullptr, *effLr = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, eps = 0, negClr = 0, bc1 = 0, lr = 0;
};

/// NAdam (nadam_update.cpp): c1, c2 the step's coefficients on g and m, wGrad and wExpAvg
/// those of m̂.
template <typename Scalar> struct NadamArgs {
    std::ptrdiff_t n = 0;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expAvgSq = nullptr, *mHat = nullptr, *vHat = nullptr;
    Scalar *denom = nullptr, *effLr = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, bc2 = 0, bc2Sqrt = 0, eps = 0, lr = 0;
    Scalar c1 = 0, c2 = 0, wGrad = 0, wExpAvg = 0;
};

/// RAdam (radam_update.cpp); `rectified`: ρt > 5 this step.
template <typename Scalar> struct RadamArgs {
    std::ptrdiff_t n = 0;
    bool rectified = false;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expAvgSq = nullptr, *mHat = nullptr, *vHat = nullptr;
    Scalar *adaptiveLr = nullptr, *effLr = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, bc1 = 0, bc2 = 0, bc2Sqrt = 0;
    Scalar eps = 0, lr = 0, rect = 0;
};

/// QHM (qhm_update.cpp).
template <typename Scalar> struct QhmArgs {
    std::ptrdiff_t n = 0;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar* buffer = nullptr;
    Scalar mom = 0, oneMinusMom = 0, negLrNu = 0, negLrOneMinusNu = 0;
};

/// QHAdam (qhadam_update.cpp); the flags say which of qhadam.py's terms apply (ν1 ≠ 1, ν2 ≠ 1,
/// ε ≠ 0, compared in double).
template <typename Scalar> struct QhadamArgs {
    std::ptrdiff_t n = 0;
    bool mixGrad = false, mixGradSq = false, addEps = false;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expAvgSq = nullptr, *avgGrad = nullptr, *avgGradRms = nullptr;
    Scalar* effLr = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, nu1 = 0, nu2 = 0, oneMinusNu1 = 0;
    Scalar oneMinusNu2 = 0, eps = 0, lr = 0, negLr = 0;
};

/// AdaBelief (adabelief_update.cpp). `mode`: Adam (no rectification), Rectified (ρt ≥ 5),
/// Sgd (not rectified yet, degenerated_to_sgd) or Frozen (neither: no step).
template <typename Scalar> struct AdabeliefArgs {
    enum class Mode { Adam, Rectified, Sgd, Frozen };
    std::ptrdiff_t n = 0;
    bool amsgrad = false;
    Mode mode = Mode::Adam;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expAvgVar = nullptr, *maxExpAvgVar = nullptr, *mHat = nullptr;
    Scalar *denom = nullptr, *effLr = nullptr;
    Scalar b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, eps = 0, bc1 = 0, bc2Sqrt = 0;
    Scalar lr = 0, negStep = 0, effNum = 0;
};

/// Yogi (yogi_update.cpp).
template <typename Scalar> struct YogiArgs {
    std::ptrdiff_t n = 0;
    Scalar* params = nullptr;
    const Scalar* gEff = nullptr;
    Scalar *expAvg = nullptr, *expAvgSq = nullptr, *denom = nullptr, *mHat = nullptr;
    Scalar* effLr = nullptr;
    Scalar b1 = 0, oneMinusB1 = 0, negOneMinusB2 = 0, bc1 = 0, bc2Sqrt = 0, eps = 0;
    Scalar negStepSize = 0, lr = 0;
};

/// Lion (lion_update.cpp); `decay`: weight decay ≠ 0 (params *= shrink first).
template <typename Scalar> struct LionArgs {
    std::ptrdiff_t n = 0;
    bool decay = false;
    Scalar* params = nullptr;
    const Scalar* grad = nullptr;
    Scalar *expAvg = nullptr, *direction = nullptr;
    Scalar shrink = 0, b1 = 0, b2 = 0, oneMinusB1 = 0, oneMinusB2 = 0, negLr = 0;
};

} // namespace optiscope::optim
