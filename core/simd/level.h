// Included first by every source that core/simd/sources.cmake compiles once per instruction-set
// level. The object library of each level defines:
//   OPTISCOPE_SIMD_LEVEL         the namespace of its functions (baseline, avx2, avx512), so that
//                                the levels' copies of the same source do not clash;
//   OPTISCOPE_SIMD_ISA           its simd::Isa value;
//   OPTISCOPE_SIMD_VECTOR_BYTES  the width of its vectors (16, 32, 64);
//   OPTISCOPE_SIMD_REGISTERS     the vector registers its kernels' blocking is sized for;
//   Eigen=Eigen_<level>          Eigen is header-only: under one name, the linker would keep one
//                                level's copy of each of its inline functions for all levels.
#pragma once

#include "core/simd/kernel_table.h"

#if !defined(OPTISCOPE_SIMD_LEVEL) || !defined(OPTISCOPE_SIMD_ISA) ||                              \
    !defined(OPTISCOPE_SIMD_VECTOR_BYTES) || !defined(OPTISCOPE_SIMD_REGISTERS)
#error "compiled outside a per-level object library (core/simd/sources.cmake)"
#endif

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

inline constexpr int kVectorBytes = OPTISCOPE_SIMD_VECTOR_BYTES;
inline constexpr int kRegisters = OPTISCOPE_SIMD_REGISTERS;

// core/nn/conv_engine.cpp
template <typename Scalar>
void convForward(const nn::ConvArgs<Scalar>& a, std::ptrdiff_t n, const Scalar* in, Scalar* out);
template <typename Scalar>
void convBackward(const nn::ConvArgs<Scalar>& a, std::ptrdiff_t n, const Scalar* in,
                  const Scalar* dOut, Scalar* dIn, bool planarValid);

// core/nn/dense_engine.cpp
template <typename Scalar> void* denseCreate();
template <typename Scalar> void denseDestroy(void* workspace);
template <typename Scalar>
void denseReserve(void* workspace, std::ptrdiff_t batch, std::ptrdiff_t in, std::ptrdiff_t out);
template <typename Scalar>
void denseForward(void* workspace, std::ptrdiff_t n, std::ptrdiff_t in, std::ptrdiff_t out,
                  const Scalar* x, const Scalar* params, Scalar* y);
template <typename Scalar>
void denseBackward(void* workspace, std::ptrdiff_t n, std::ptrdiff_t in, std::ptrdiff_t out,
                   const Scalar* x, const Scalar* dy, const Scalar* params, Scalar* grads,
                   Scalar* dx);
template <typename Scalar>
void activationForward(nn::ActivationKind kind, std::ptrdiff_t size, const Scalar* in, Scalar* out);
template <typename Scalar>
void activationBackward(nn::ActivationKind kind, std::ptrdiff_t size, const Scalar* out,
                        const Scalar* dOut, Scalar* dIn);

// core/nn/pool_engine.cpp
template <typename Scalar>
void maxPoolForward(const nn::PoolArgs& a, std::ptrdiff_t n, const Scalar* in, Scalar* out);
template <typename Scalar>
void maxPoolBackward(const nn::PoolArgs& a, std::ptrdiff_t n, const Scalar* dOut, Scalar* dIn);

// core/optim/update_kernels.cpp
template <typename Scalar> void adamUpdate(const optim::AdamArgs<Scalar>& a);
template <typename Scalar> void adamDerived(const optim::AdamArgs<Scalar>& a);
template <typename Scalar> void adamKeras(const optim::AdamArgs<Scalar>& a);
template <typename Scalar>
void fmaScalar(std::ptrdiff_t n, const Scalar* a, Scalar s, const Scalar* b, Scalar* out);
template <typename Scalar> void fmaInPlace(std::ptrdiff_t n, const Scalar* a, Scalar s, Scalar* b);
template <typename Scalar>
void fmaDecay(std::ptrdiff_t n, const Scalar* a, Scalar s, Scalar* b, Scalar m);
template <typename Scalar> void scaleInPlace(std::ptrdiff_t n, Scalar s, Scalar* b);
template <typename Scalar> void rmspropUpdate(const optim::RmspropArgs<Scalar>& a);
template <typename Scalar> void adagradUpdate(const optim::AdagradArgs<Scalar>& a);
template <typename Scalar> void adadeltaUpdate(const optim::AdadeltaArgs<Scalar>& a);
template <typename Scalar> void adamaxUpdate(const optim::AdamaxArgs<Scalar>& a);
template <typename Scalar> void nadamUpdate(const optim::NadamArgs<Scalar>& a);
template <typename Scalar> void radamUpdate(const optim::RadamArgs<Scalar>& a);
template <typename Scalar> void qhmUpdate(const optim::QhmArgs<Scalar>& a);
template <typename Scalar> void qhadamUpdate(const optim::QhadamArgs<Scalar>& a);
template <typename Scalar> void adabeliefUpdate(const optim::AdabeliefArgs<Scalar>& a);
template <typename Scalar> void yogiUpdate(const optim::YogiArgs<Scalar>& a);
template <typename Scalar> void lionUpdate(const optim::LionArgs<Scalar>& a);

// core/simd/level_table.cpp
const KernelTable& table();

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
