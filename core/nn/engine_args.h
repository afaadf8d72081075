// The arguments of the network kernels that core/simd dispatches per instruction set: plain
// pointers and sizes only (no Eigen types), since each level's kernels see Eigen under a name of
// their own (core/simd/sources.cmake). Internal to core/nn and core/simd.
#pragma once

#include <cstddef>
#include <cstdint>

namespace optiscope::nn {

/// One Conv2dLayer's shape, the layout of its work buffers (sized and laid out by
/// Conv2dLayer::reserve() for 64-byte vectors, wide enough for every level) and its slices of the
/// flat parameter and gradient vectors.
template <typename Scalar> struct ConvArgs {
    std::ptrdiff_t c = 0, h = 0, w = 0;    ///< input channels, height, width
    std::ptrdiff_t oc = 0, ho = 0, wo = 0; ///< output channels, height, width
    std::ptrdiff_t k = 0, padding = 0, patch = 0;
    std::ptrdiff_t inRow = 0, inPlane = 0, outRow = 0, outPlane = 0;
    std::ptrdiff_t gRow = 0, gPlane = 0, dInRow = 0, dInPlane = 0;
    bool channelVectorised = false; ///< no padding and oc a multiple of the 64-byte lanes
    Scalar* planarIn = nullptr;     ///< n samples, zero borders
    Scalar* planarOut = nullptr;
    Scalar* planarGrad = nullptr; ///< one sample, zero border of k − 1 − padding
    Scalar* flipped = nullptr;
    Scalar* weightGrad = nullptr; ///< oc · patch · (64-byte lanes)
    Scalar* transposed = nullptr; ///< oc · roundUp(patch, 64-byte lanes)
    Scalar* patchGrad = nullptr; ///< ho · wo · roundUp(patch, 64-byte lanes) (channel-vectorised)
    const Scalar* params = nullptr;
    Scalar* grads = nullptr;
};

/// One MaxPool2dLayer's shape: HWC samples of c × h × w in, c × ho × wo out, a k × k window of
/// stride k. `argmax` (n · c · ho · wo) holds each output's input index within its sample.
struct PoolArgs {
    std::ptrdiff_t c = 0, h = 0, w = 0, ho = 0, wo = 0, k = 0;
    std::int32_t* argmax = nullptr;
};

/// Activation kinds of the element-wise kernels (the values of nn::Activation).
enum class ActivationKind : int { Relu = 0, Tanh = 1, Sigmoid = 2, Linear = 3 };

} // namespace optiscope::nn
