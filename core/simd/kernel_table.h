// The dispatched kernels: one table of function pointers per instruction-set level, filled by
// that level's object library (core/simd/sources.cmake), and kernels(), the table of the level
// this process uses (activeIsa()). Internal to core; the layers and update rules call through it.
#pragma once

#include "core/nn/engine_args.h"
#include "core/optim/update_kernels.h"
#include "core/simd/isa.h"

#include <cstddef>

namespace optiscope::simd {

template <typename Scalar> struct TypedKernels {
    // --- core/nn/conv_engine.cpp: Conv2dLayer on n samples (HWC rows of `in`).
    void (*convForward)(const nn::ConvArgs<Scalar>& a, std::ptrdiff_t n, const Scalar* in,
                        Scalar* out);
    /// Overwrites the gradient slice; dIn may be null. `planarValid`: a.planarIn holds `in`.
    void (*convBackward)(const nn::ConvArgs<Scalar>& a, std::ptrdiff_t n, const Scalar* in,
                         const Scalar* dOut, Scalar* dIn, bool planarValid);

    // --- core/nn/dense_engine.cpp: DenseLayer, W [out][in] then b [out] at `params`. The
    // workspace holds the products' packing buffers (it belongs to the table that made it).
    void* (*denseCreate)();
    void (*denseDestroy)(void* workspace);
    void (*denseReserve)(void* workspace, std::ptrdiff_t batch, std::ptrdiff_t in,
                         std::ptrdiff_t out);
    void (*denseForward)(void* workspace, std::ptrdiff_t n, std::ptrdiff_t in, std::ptrdiff_t out,
                         const Scalar* x, const Scalar* params, Scalar* y);
    /// Overwrites the gradient slice; dx may be null.
    void (*denseBackward)(void* workspace, std::ptrdiff_t n, std::ptrdiff_t in, std::ptrdiff_t out,
                          const Scalar* x, const Scalar* dy, const Scalar* params, Scalar* grads,
                          Scalar* dx);
    void (*activationForward)(nn::ActivationKind kind, std::ptrdiff_t size, const Scalar* in,
                              Scalar* out);
    /// dIn from the activation's output and dL/d(output).
    void (*activationBackward)(nn::ActivationKind kind, std::ptrdiff_t size, const Scalar* out,
                               const Scalar* dOut, Scalar* dIn);

    // --- core/nn/pool_engine.cpp: MaxPool2dLayer on n samples (HWC rows), exact.
    /// Also stores each output's input index in a.argmax.
    void (*maxPoolForward)(const nn::PoolArgs& a, std::ptrdiff_t n, const Scalar* in, Scalar* out);
    /// Overwrites dIn (n input rows) with dOut routed to the argmax of the last forward().
    void (*maxPoolBackward)(const nn::PoolArgs& a, std::ptrdiff_t n, const Scalar* dOut,
                            Scalar* dIn);

    // --- core/optim/update_kernels.cpp: bit-exact element-wise loops.
    void (*adamUpdate)(const optim::AdamArgs<Scalar>& a);
    /// Adam's m̂, v̂ and effective lr from the m and v (or max v) of the last adamUpdate().
    void (*adamDerived)(const optim::AdamArgs<Scalar>& a);
    /// Adam's convention "keras" (reads gEff; stores m̂, v̂, the denominator and effective lr).
    void (*adamKeras)(const optim::AdamArgs<Scalar>& a);
    /// out[i] = fma(a[i], s, b[i]); out is neither a nor b.
    void (*fmaScalar)(std::ptrdiff_t n, const Scalar* a, Scalar s, const Scalar* b, Scalar* out);
    /// b[i] = fma(a[i], s, b[i]).
    void (*fmaInPlace)(std::ptrdiff_t n, const Scalar* a, Scalar s, Scalar* b);
    /// b[i] = fma(a[i], s, b[i] · m).
    void (*fmaDecay)(std::ptrdiff_t n, const Scalar* a, Scalar s, Scalar* b, Scalar m);
    /// b[i] = b[i] · s (decoupled weight decay).
    void (*scaleInPlace)(std::ptrdiff_t n, Scalar s, Scalar* b);
    /// One step of each of the other rules (their *_update.cpp prepare the scalars).
    void (*rmspropUpdate)(const optim::RmspropArgs<Scalar>& a);
    void (*adagradUpdate)(const optim::AdagradArgs<Scalar>& a);
    void (*adadeltaUpdate)(const optim::AdadeltaArgs<Scalar>& a);
    void (*adamaxUpdate)(const optim::AdamaxArgs<Scalar>& a);
    void (*nadamUpdate)(const optim::NadamArgs<Scalar>& a);
    void (*radamUpdate)(const optim::RadamArgs<Scalar>& a);
    void (*qhmUpdate)(const optim::QhmArgs<Scalar>& a);
    void (*qhadamUpdate)(const optim::QhadamArgs<Scalar>& a);
    void (*adabeliefUpdate)(const optim::AdabeliefArgs<Scalar>& a);
    void (*yogiUpdate)(const optim::YogiArgs<Scalar>& a);
    void (*lionUpdate)(const optim::LionArgs<Scalar>& a);
};

struct KernelTable {
    Isa isa = Isa::Baseline;
    int vectorBytes = 16; ///< width of the level's vectors (16, 32, 64)
    int registers = 16;   ///< vector registers the kernels' blocking is sized for
    TypedKernels<float> f32;
    TypedKernels<double> f64;

    template <typename Scalar> const TypedKernels<Scalar>& of() const {
        if constexpr (sizeof(Scalar) == sizeof(float))
            return f32;
        else
            return f64;
    }
};

/// The table in use: activeIsa()'s, decided on the first call, unless useKernels() changed it.
const KernelTable& kernels();
/// Uses the kernels of `isa` from now on, if kernelsFor(isa) has them (returns false
/// otherwise). For tests and benchmarks that compare levels in one process; layers keep working
/// across a switch (a dense layer's workspace stays with the table that made it).
bool useKernels(Isa isa);
/// The table of `isa` if it is built in and this CPU can run it, else null (for tests).
const KernelTable* kernelsFor(Isa isa);

} // namespace optiscope::simd
