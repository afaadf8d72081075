// MaxPool2dLayer's forward and backward passes (core/nn/layers.h), compiled once per
// instruction-set level (core/simd/sources.cmake) and called through simd::kernels(). Comparisons
// and copies only (the backward pass adds each gradient to zero once per window; windows do not
// overlap): the results are the same at every level.
#include "core/simd/level.h"

#include <algorithm>

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

using Index = std::ptrdiff_t;

template <typename Scalar>
void maxPoolForward(const nn::PoolArgs& a, Index n, const Scalar* in, Scalar* out) {
    const Index c = a.c, w = a.w, ho = a.ho, wo = a.wo, k = a.k;
    const Index inSize = c * a.h * w, outSize = c * ho * wo;
    for (Index s = 0; s < n; ++s) {
        const Scalar* src = in + s * inSize;
        Scalar* dst = out + s * outSize;
        std::int32_t* arg = a.argmax + s * outSize;
        for (Index oy = 0; oy < ho; ++oy) {
            for (Index ox = 0; ox < wo; ++ox) {
                const Index first = (oy * k * w + ox * k) * c;
                for (Index ch = 0; ch < c; ++ch) {
                    // Window pixels in row-major order; the first maximum wins, as in torch.
                    // The running maximum stays in registers (one store per output).
                    Scalar best = src[first + ch];
                    Index at = first + ch;
                    for (Index dy = 0; dy < k; ++dy) {
                        const Index rowBase = ((oy * k + dy) * w + ox * k) * c + ch;
                        for (Index dx = (dy == 0 ? 1 : 0); dx < k; ++dx) {
                            const Index idx = rowBase + dx * c;
                            const Scalar v = src[idx];
                            const bool greater = v > best;
                            best = greater ? v : best;
                            at = greater ? idx : at;
                        }
                    }
                    dst[(oy * wo + ox) * c + ch] = best;
                    arg[(oy * wo + ox) * c + ch] = static_cast<std::int32_t>(at);
                }
            }
        }
    }
}

template <typename Scalar>
void maxPoolBackward(const nn::PoolArgs& a, Index n, const Scalar* dOut, Scalar* dIn) {
    const Index inSize = a.c * a.h * a.w, outSize = a.c * a.ho * a.wo;
    std::fill(dIn, dIn + n * inSize, Scalar(0));
    for (Index s = 0; s < n; ++s) {
        Scalar* d = dIn + s * inSize;
        const Scalar* g = dOut + s * outSize;
        const std::int32_t* arg = a.argmax + s * outSize;
        for (Index i = 0; i < outSize; ++i)
            d[arg[i]] += g[i];
    }
}

template void maxPoolForward<float>(const nn::PoolArgs&, Index, const float*, float*);
template void maxPoolForward<double>(const nn::PoolArgs&, Index, const double*, double*);
template void maxPoolBackward<float>(const nn::PoolArgs&, Index, const float*, float*);
template void maxPoolBackward<double>(const nn::PoolArgs&, Index, const double*, double*);

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
