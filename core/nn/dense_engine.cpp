// DenseLayer's matrix products and the element-wise activations (core/nn/layers.h), compiled
// once per instruction-set level (core/simd/sources.cmake; Eigen picks its packets and GEMM
// kernel at compile time, and is renamed per level there) and called through simd::kernels().
#include "core/simd/level.h"

#include <Eigen/Core>

#include <cstring>
#include <memory>

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

using Index = std::ptrdiff_t;

// The dense products go through Eigen's GEMM kernel with packing buffers that the layer keeps
// (Eigen's internal blocking API): a plain `a.noalias() = b * c` allocates them on the heap on
// every product once they exceed 128 kB (MNIST's 784-128 layer), and glibc's adaptive thresholds
// then map and unmap them again and again (page faults cost more than the arithmetic). Tiny
// products (the sizes Eigen itself computes coefficient by coefficient) keep the expressions.
namespace {
template <typename Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename Scalar> using Map = Eigen::Map<Matrix<Scalar>>;
template <typename Scalar> using ConstMap = Eigen::Map<const Matrix<Scalar>>;

template <typename Scalar>
using GemmSpace =
    Eigen::internal::gemm_blocking_space<Eigen::RowMajor, Scalar, Scalar, Eigen::Dynamic,
                                         Eigen::Dynamic, Eigen::Dynamic, 1, false>;

/// res (rows × cols, row-major, zeroed by the caller) += lhs (rows × depth) · rhs (depth × cols).
template <typename Scalar, int LhsOrder, int RhsOrder>
void gemm(Index rows, Index cols, Index depth, const Scalar* lhs, Index lhsStride,
          const Scalar* rhs, Index rhsStride, Scalar* res, Index resStride,
          GemmSpace<Scalar>& space) {
    Eigen::internal::general_matrix_matrix_product<Index, Scalar, LhsOrder, false, Scalar, RhsOrder,
                                                   false, Eigen::RowMajor, 1>::run(rows, cols,
                                                                                   depth, lhs,
                                                                                   lhsStride, rhs,
                                                                                   rhsStride, res,
                                                                                   1, resStride,
                                                                                   Scalar(1),
                                                                                   space);
}

constexpr Index kCoeffBasedBelow = 20; ///< Eigen's EIGEN_GEMM_TO_COEFFBASED_THRESHOLD

template <typename Scalar> struct Workspace {
    Index rows = 0, in = 0, out = 0; ///< sizes the spaces are made for
    std::unique_ptr<GemmSpace<Scalar>> forward, weightGrad, inputGrad;
};
} // namespace

template <typename Scalar> void* denseCreate() {
    return new Workspace<Scalar>();
}

template <typename Scalar> void denseDestroy(void* workspace) {
    delete static_cast<Workspace<Scalar>*>(workspace);
}

template <typename Scalar> void denseReserve(void* workspace, Index batch, Index in, Index out) {
    auto& ws = *static_cast<Workspace<Scalar>*>(workspace);
    if (batch <= ws.rows && in == ws.in && out == ws.out)
        return;
    auto make = [](Index rows, Index cols, Index depth) {
        auto space = std::make_unique<GemmSpace<Scalar>>(rows, cols, depth, 1, true);
        space->allocateAll();
        return space;
    };
    ws.forward = make(batch, out, in);
    ws.weightGrad = make(out, in, batch);
    ws.inputGrad = make(batch, in, out);
    ws.rows = batch;
    ws.in = in;
    ws.out = out;
}

template <typename Scalar>
void denseForward(void* workspace, Index n, Index in, Index out, const Scalar* x,
                  const Scalar* params, Scalar* y) {
    ConstMap<Scalar> xm(x, n, in), w(params, out, in);
    Map<Scalar> ym(y, n, out);
    Eigen::Map<const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> b(params + out * in, out);
    if (n + in + out < kCoeffBasedBelow) {
        ym.noalias() = xm * w.transpose();
    } else {
        denseReserve<Scalar>(workspace, n, in, out);
        auto& ws = *static_cast<Workspace<Scalar>*>(workspace);
        ym.setZero();
        gemm<Scalar, Eigen::RowMajor, Eigen::ColMajor>(n, out, in, x, in, params, in, y, out,
                                                       *ws.forward);
    }
    ym.rowwise() += b;
}

template <typename Scalar>
void denseBackward(void* workspace, Index n, Index in, Index out, const Scalar* x, const Scalar* dy,
                   const Scalar* params, Scalar* grads, Scalar* dx) {
    ConstMap<Scalar> xm(x, n, in), w(params, out, in), dym(dy, n, out);
    Map<Scalar> dw(grads, out, in);
    Eigen::Map<Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> db(grads + out * in, out);
    db = dym.colwise().sum();
    if (n + in + out < kCoeffBasedBelow) {
        dw.noalias() = dym.transpose() * xm;
        if (dx) {
            Map<Scalar> dxm(dx, n, in);
            dxm.noalias() = dym * w;
        }
        return;
    }
    denseReserve<Scalar>(workspace, n, in, out);
    auto& ws = *static_cast<Workspace<Scalar>*>(workspace);
    dw.setZero();
    gemm<Scalar, Eigen::ColMajor, Eigen::RowMajor>(out, in, n, dy, out, x, in, grads, in,
                                                   *ws.weightGrad);
    if (dx) {
        Map<Scalar> dxm(dx, n, in);
        dxm.setZero();
        gemm<Scalar, Eigen::RowMajor, Eigen::RowMajor>(n, in, out, dy, out, params, in, dx, in,
                                                       *ws.inputGrad);
    }
}

template <typename Scalar>
void activationForward(nn::ActivationKind kind, Index size, const Scalar* in, Scalar* out) {
    using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
    Eigen::Map<const Array> x(in, size);
    Eigen::Map<Array> y(out, size);
    switch (kind) {
    case nn::ActivationKind::Relu:
        y = x.max(Scalar(0));
        break;
    case nn::ActivationKind::Tanh:
        y = x.tanh();
        break;
    case nn::ActivationKind::Sigmoid:
        y = x.logistic();
        break;
    case nn::ActivationKind::Linear:
        y = x;
        break;
    }
}

template <typename Scalar>
void activationBackward(nn::ActivationKind kind, Index size, const Scalar* out, const Scalar* dOut,
                        Scalar* dIn) {
    using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;
    Eigen::Map<const Array> o(out, size), g(dOut, size);
    Eigen::Map<Array> d(dIn, size);
    switch (kind) {
    case nn::ActivationKind::Relu: {
        // dIn = dOut · [out > 0], branch-free (signs are random: a branch mispredicts half the
        // time; Eigen's select() on a comparison is scalar) and in explicit vectors, loaded
        // before they are stored: dIn may be dOut (the vectoriser's overlap check would then
        // fall back to the scalar loop).
        typedef Scalar Vec __attribute__((vector_size(kVectorBytes)));
        constexpr Index lanes = kVectorBytes / static_cast<Index>(sizeof(Scalar));
        const Vec zero{}, one = zero + Scalar(1);
        Index i = 0;
        for (; i + lanes <= size; i += lanes) {
            Vec o, g;
            std::memcpy(&o, out + i, sizeof(Vec));
            std::memcpy(&g, dOut + i, sizeof(Vec));
            const Vec d = g * (o > zero ? one : zero);
            std::memcpy(dIn + i, &d, sizeof(Vec));
        }
        for (; i < size; ++i)
            dIn[i] = dOut[i] * static_cast<Scalar>(out[i] > Scalar(0));
        break;
    }
    case nn::ActivationKind::Tanh:
        d = g * (Scalar(1) - o.square());
        break;
    case nn::ActivationKind::Sigmoid:
        d = g * o * (Scalar(1) - o);
        break;
    case nn::ActivationKind::Linear:
        d = g;
        break;
    }
}

#define OPTISCOPE_DENSE_INSTANTIATE(Scalar)                                                        \
    template void* denseCreate<Scalar>();                                                          \
    template void denseDestroy<Scalar>(void*);                                                     \
    template void denseReserve<Scalar>(void*, Index, Index, Index);                                \
    template void denseForward<Scalar>(void*, Index, Index, Index, const Scalar*, const Scalar*,   \
                                       Scalar*);                                                   \
    template void denseBackward<Scalar>(void*, Index, Index, Index, const Scalar*, const Scalar*,  \
                                        const Scalar*, Scalar*, Scalar*);                          \
    template void activationForward<Scalar>(nn::ActivationKind, Index, const Scalar*, Scalar*);    \
    template void activationBackward<Scalar>(nn::ActivationKind, Index, const Scalar*,             \
                                             const Scalar*, Scalar*);
OPTISCOPE_DENSE_INSTANTIATE(float)
OPTISCOPE_DENSE_INSTANTIATE(double)
#undef OPTISCOPE_DENSE_INSTANTIATE

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
