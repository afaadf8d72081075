// The direct convolution kernels of Conv2dLayer, templated on the scalar type and on block sizes
// that the compiler unrolls into registers. Internal: included by conv_engine.cpp only, which is
// compiled once per instruction-set level (core/simd/sources.cmake) with the loop vectoriser and
// FMA contraction; a Vec is one register of the level (16, 32 or 64 bytes), and the blocks are
// sized for its register file (16 registers up to AVX2, 32 with AVX-512).
#pragma once

#include "core/simd/level.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

using Index = std::ptrdiff_t;

// Direct convolution on planar copies. Each sample's input is copied once into a zero-padded
// channel-planar buffer (one plane per channel, rows of `rowStride` floats); an output row is then
// a sum over (channel, ky, kx) of a weight times a contiguous run of an input row, so that a block
// of output channels × a few vector-wide runs of output pixels accumulates in registers with one
// vector load per tap and tap weights broadcast from memory. Compared with im2col + GEMM this
// writes and re-reads no patch matrix (75 floats per output pixel for LeNet's conv1) and keeps the
// vectors full although LeNet's conv1 has only 6 output channels.
//
// The same kernel computes dL/d(input): a convolution of the zero-padded output gradient with the
// kernel flipped and its channel axes swapped. The weight gradient accumulates vector-wide partial
// sums over the batch and reduces them once at the end. Only the order of the additions differs
// from a textbook loop (rounding only).
namespace {

/// One register of the level (GCC/Clang vector extensions).
template <typename Scalar> struct Simd {
    static constexpr Index lanes = kVectorBytes / static_cast<Index>(sizeof(Scalar));
    typedef Scalar Vec __attribute__((vector_size(kVectorBytes)));
};

/// Whether the level has 32 vector registers (AVX-512) rather than 16.
inline constexpr bool kManyRegisters = kRegisters >= 32;

/// An empty asm that "changes" `v`: GCC must then hold it in a register rather than re-load it as
/// a memory operand of every multiply-add that uses it. x86 only (one register holds a Vec at
/// every level); elsewhere it is omitted.
template <typename V> inline void keepInRegister(V& v) {
#if defined(__AVX512F__)
    __asm__("" : "+v"(v));
#elif defined(__x86_64__) && defined(__SSE2__)
    __asm__("" : "+x"(v));
#else
    (void)v;
#endif
}

constexpr Index roundUp(Index v, Index m) {
    return (v + m - 1) / m * m;
}

/// Output channels [o0, o0 + OB) at T tiles (vector-wide runs of output pixels) of one planar
/// convolution. `in` is the first input plane, `w` the weights of output channel o0 laid out
/// [ky][kx][cin] with `wOut` between output channels; tile t reads the input at in + inOff[t]
/// (+ plane, row and kx offsets) and stores at out + outOff[t] (+ o · outPlane).
template <typename Scalar, int OB, int T>
__attribute__((noinline)) void convBlock(const Scalar* in, Index inPlane, Index inRow, Index cin,
                                         Index k, const Scalar* w, Index wOut, Scalar* out,
                                         Index outPlane, const Index* inOff, const Index* outOff) {
    using Vec = typename Simd<Scalar>::Vec;
    Vec acc[OB][T];
#pragma GCC unroll 8
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t)
            acc[o][t] = Vec{};
    for (Index ci = 0; ci < cin; ++ci) {
        for (Index ky = 0; ky < k; ++ky) {
            const Scalar* row = in + ci * inPlane + ky * inRow;
            const Scalar* wk = w + ky * k * cin + ci;
            for (Index kx = 0; kx < k; ++kx, wk += cin) {
                Vec v[T];
#pragma GCC unroll 4
                for (int t = 0; t < T; ++t)
                    std::memcpy(&v[t], row + inOff[t] + kx, sizeof(Vec));
#pragma GCC unroll 8
                for (int o = 0; o < OB; ++o) {
                    const Scalar wv = wk[o * wOut];
#pragma GCC unroll 4
                    for (int t = 0; t < T; ++t)
                        acc[o][t] += wv * v[t];
                }
            }
        }
    }
#pragma GCC unroll 8
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t)
            std::memcpy(out + o * outPlane + outOff[t], &acc[o][t], sizeof(Vec));
}

/// out[o][y][x] = Σ_{ci,ky,kx} w[o][ky][kx][ci] · in[ci][y+ky][x+kx] for y < ho and x < wo
/// rounded up to whole vectors (the extra lanes of each output row are garbage). Every input
/// row must hold roundUp(wo, lanes) + k − 1 readable values.
template <typename Scalar>
void planarConv(const Scalar* in, Index inPlane, Index inRow, Index cin, Index k, const Scalar* w,
                Index cout, Scalar* out, Index outPlane, Index outRow, Index ho, Index wo) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index perRow = roundUp(wo, L) / L;
    const Index tiles = ho * perRow;
    const Index wOut = k * k * cin;
    auto run = [&](auto ob, auto tc, Index o0) {
        constexpr int OB = decltype(ob)::value;
        constexpr int T = decltype(tc)::value;
        Index inOff[T], outOff[T];
        for (Index t0 = 0; t0 < tiles; t0 += T) {
            for (int t = 0; t < T; ++t) {
                const Index tile = std::min<Index>(t0 + t, tiles - 1); // repeat the last tile
                const Index y = tile / perRow, x = (tile % perRow) * L;
                inOff[t] = y * inRow + x;
                outOff[t] = y * outRow + x;
            }
            convBlock<Scalar, OB, T>(in, inPlane, inRow, cin, k, w + o0 * wOut, wOut,
                                     out + o0 * outPlane, outPlane, inOff, outOff);
        }
    };
    using std::integral_constant;
    if constexpr (kManyRegisters) {
        // 32 registers: up to 8 channels × 3-4 tiles of accumulators, plus the tiles' inputs.
        for (Index o0 = 0; o0 < cout; o0 += 8) {
            switch (std::min<Index>(8, cout - o0)) {
            case 1:
                run(integral_constant<int, 1>{}, integral_constant<int, 4>{}, o0);
                break;
            case 2:
                run(integral_constant<int, 2>{}, integral_constant<int, 4>{}, o0);
                break;
            case 3:
                run(integral_constant<int, 3>{}, integral_constant<int, 4>{}, o0);
                break;
            case 4:
                run(integral_constant<int, 4>{}, integral_constant<int, 4>{}, o0);
                break;
            case 5:
                run(integral_constant<int, 5>{}, integral_constant<int, 4>{}, o0);
                break;
            case 6:
                run(integral_constant<int, 6>{}, integral_constant<int, 4>{}, o0);
                break;
            case 7:
                run(integral_constant<int, 7>{}, integral_constant<int, 3>{}, o0);
                break;
            default:
                run(integral_constant<int, 8>{}, integral_constant<int, 3>{}, o0);
                break;
            }
        }
    } else {
        // 16 registers: OB·T accumulators + T inputs + one broadcast weight stay ≤ 15
        // (LeNet's conv1: 6 channels × 2 tiles; its input gradient: 3 channels × 3 tiles).
        for (Index o0 = 0; o0 < cout; o0 += 6) {
            switch (std::min<Index>(6, cout - o0)) {
            case 1:
                run(integral_constant<int, 1>{}, integral_constant<int, 4>{}, o0);
                break;
            case 2:
                run(integral_constant<int, 2>{}, integral_constant<int, 4>{}, o0);
                break;
            case 3:
                run(integral_constant<int, 3>{}, integral_constant<int, 3>{}, o0);
                break;
            case 4:
                run(integral_constant<int, 4>{}, integral_constant<int, 2>{}, o0);
                break;
            case 5:
                run(integral_constant<int, 5>{}, integral_constant<int, 2>{}, o0);
                break;
            default:
                run(integral_constant<int, 6>{}, integral_constant<int, 2>{}, o0);
                break;
            }
        }
    }
}

/// Weight-gradient partial sums of output channels [0, OB) and kx in [0, KC) for one input
/// channel and ky: acc[o][kx] (vectors, at acc + o·accO + kx·accKx) += Σ_{y,x} g[o][y][x] ·
/// in[y][x+kx]. `in` points at the input row of ky and the first kx; lanes of `g` beyond the
/// output width are zero.
template <typename Scalar, int OB, int KC>
__attribute__((noinline)) void weightGradBlock(const Scalar* in, Index inRow, const Scalar* g,
                                               Index gPlane, Index gRow, Index ho, Index perRow,
                                               Scalar* acc, Index accO, Index accKx) {
    using Vec = typename Simd<Scalar>::Vec;
    constexpr Index L = Simd<Scalar>::lanes;
    Vec a[OB][KC];
#pragma GCC unroll 4
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 8
        for (int j = 0; j < KC; ++j)
            std::memcpy(&a[o][j], acc + o * accO + j * accKx, sizeof(Vec));
    for (Index y = 0; y < ho; ++y) {
        for (Index x = 0; x < perRow * L; x += L) {
            Vec v[KC], gv[OB];
#pragma GCC unroll 8
            for (int j = 0; j < KC; ++j) {
                std::memcpy(&v[j], in + y * inRow + x + j, sizeof(Vec));
                // Keep the shifted input runs in registers: each feeds OB multiply-adds, and
                // GCC would otherwise re-load it as a memory operand of every one of them
                // (the kernel is then limited by loads).
                keepInRegister(v[j]);
            }
#pragma GCC unroll 4
            for (int o = 0; o < OB; ++o)
                std::memcpy(&gv[o], g + o * gPlane + y * gRow + x, sizeof(Vec));
#pragma GCC unroll 4
            for (int o = 0; o < OB; ++o)
#pragma GCC unroll 8
                for (int j = 0; j < KC; ++j)
                    a[o][j] += gv[o] * v[j];
        }
    }
#pragma GCC unroll 4
    for (int o = 0; o < OB; ++o)
#pragma GCC unroll 8
        for (int j = 0; j < KC; ++j)
            std::memcpy(acc + o * accO + j * accKx, &a[o][j], sizeof(Vec));
}

template <typename Scalar, int OB>
void weightGradKx(Index kc, const Scalar* in, Index inRow, const Scalar* g, Index gPlane,
                  Index gRow, Index ho, Index perRow, Scalar* acc, Index accO, Index accKx) {
    switch (kc) {
    case 1:
        weightGradBlock<Scalar, OB, 1>(in, inRow, g, gPlane, gRow, ho, perRow, acc, accO, accKx);
        break;
    case 2:
        weightGradBlock<Scalar, OB, 2>(in, inRow, g, gPlane, gRow, ho, perRow, acc, accO, accKx);
        break;
    case 3:
        weightGradBlock<Scalar, OB, 3>(in, inRow, g, gPlane, gRow, ho, perRow, acc, accO, accKx);
        break;
    case 4:
        weightGradBlock<Scalar, OB, 4>(in, inRow, g, gPlane, gRow, ho, perRow, acc, accO, accKx);
        break;
    default:
        weightGradBlock<Scalar, OB, 5>(in, inRow, g, gPlane, gRow, ho, perRow, acc, accO, accKx);
        break;
    }
}

/// Channel-vectorised convolution straight on HWC samples, for layers without padding whose
/// output channels fill whole vectors (LeNet's conv2: 16): one output pixel is then
/// out_channels / lanes full vectors, where the planar kernel above would leave the lanes of short
/// output rows (10 of 16 in LeNet's conv2) empty. P adjacent output pixels of one row accumulate
/// NJ vectors of output channels: out[p] = bias + Σ_{ky, t} in[row ky][pixel p][t] · wt[ky][t],
/// with t = kx·c + ci running over the contiguous input of the kernel's row ky. (NJ = 2 with 16
/// registers: each broadcast input then feeds two multiply-adds, and loads no longer limit.)
template <typename Scalar, int P, int NJ = 1>
__attribute__((noinline)) void hwcConvBlock(const Scalar* in, Index rowLen, Index c, Index k,
                                            const Scalar* wt, Index oc, const Scalar* bias,
                                            Scalar* out) {
    using Vec = typename Simd<Scalar>::Vec;
    constexpr Index L = Simd<Scalar>::lanes;
    Vec acc[P][NJ];
#pragma GCC unroll 2
    for (int j = 0; j < NJ; ++j) {
        Vec b;
        std::memcpy(&b, bias + j * L, sizeof(Vec));
#pragma GCC unroll 8
        for (int p = 0; p < P; ++p)
            acc[p][j] = b;
    }
    const Index run = k * c;
    for (Index ky = 0; ky < k; ++ky) {
        const Scalar* row = in + ky * rowLen;
        const Scalar* wr = wt + ky * run * oc;
        for (Index t = 0; t < run; ++t) {
            Vec wv[NJ];
#pragma GCC unroll 2
            for (int j = 0; j < NJ; ++j)
                std::memcpy(&wv[j], wr + t * oc + j * L, sizeof(Vec));
#pragma GCC unroll 8
            for (int p = 0; p < P; ++p) {
                const Scalar x = row[p * c + t];
#pragma GCC unroll 2
                for (int j = 0; j < NJ; ++j)
                    acc[p][j] += x * wv[j];
            }
        }
    }
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p)
#pragma GCC unroll 2
        for (int j = 0; j < NJ; ++j)
            std::memcpy(out + p * oc + j * L, &acc[p][j], sizeof(Vec));
}

/// Weight-gradient partial sums of the channel-vectorised path for TB consecutive taps t of one
/// kernel row and NJ vectors of output channels: acc[tb] (vectors of output channels, `oc`
/// apart) += Σ_{y,x} in[y][x][t + tb] · g[y][x]; `in` points at the sample's input row ky, tap t.
template <typename Scalar, int TB, int NJ = 1>
__attribute__((noinline)) void hwcWeightGradBlock(const Scalar* in, Index w, Index c,
                                                  const Scalar* g, Index oc, Index ho, Index wo,
                                                  Scalar* acc) {
    using Vec = typename Simd<Scalar>::Vec;
    constexpr Index L = Simd<Scalar>::lanes;
    Vec a[TB][NJ];
#pragma GCC unroll 16
    for (int tb = 0; tb < TB; ++tb)
#pragma GCC unroll 2
        for (int j = 0; j < NJ; ++j)
            std::memcpy(&a[tb][j], acc + tb * oc + j * L, sizeof(Vec));
    for (Index y = 0; y < ho; ++y) {
        for (Index x = 0; x < wo; ++x) {
            Vec gv[NJ];
#pragma GCC unroll 2
            for (int j = 0; j < NJ; ++j)
                std::memcpy(&gv[j], g + (y * wo + x) * oc + j * L, sizeof(Vec));
            const Scalar* ip = in + (y * w + x) * c;
#pragma GCC unroll 16
            for (int tb = 0; tb < TB; ++tb)
#pragma GCC unroll 2
                for (int j = 0; j < NJ; ++j)
                    a[tb][j] += ip[tb] * gv[j];
        }
    }
#pragma GCC unroll 16
    for (int tb = 0; tb < TB; ++tb)
#pragma GCC unroll 2
        for (int j = 0; j < NJ; ++j)
            std::memcpy(acc + tb * oc + j * L, &a[tb][j], sizeof(Vec));
}

/// dL/d(input) of the channel-vectorised path, first half: the patch gradients of PX output
/// pixels, d[p][t] = Σ_o g[p][o] · w[o][t] for NV vectors of taps t (a product with the output
/// channels as its depth); `w` and `d` have rows of `stride` (whole vectors, zero-padded taps).
template <typename Scalar, int NV, int PX>
__attribute__((noinline)) void hwcPatchGradBlock(const Scalar* g, Index oc, const Scalar* w,
                                                 Index stride, Scalar* d) {
    using Vec = typename Simd<Scalar>::Vec;
    constexpr Index L = Simd<Scalar>::lanes;
    Vec acc[PX][NV];
#pragma GCC unroll 4
    for (int p = 0; p < PX; ++p)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
            acc[p][v] = Vec{};
    for (Index o = 0; o < oc; ++o) {
        Vec wv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
            std::memcpy(&wv[v], w + o * stride + v * L, sizeof(Vec));
            keepInRegister(wv[v]); // in a register, not a memory operand of PX FMAs
        }
#pragma GCC unroll 4
        for (int p = 0; p < PX; ++p) {
            const Scalar gv = g[p * oc + o];
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v)
                acc[p][v] += gv * wv[v];
        }
    }
#pragma GCC unroll 4
    for (int p = 0; p < PX; ++p)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v)
            std::memcpy(d + p * stride + v * L, &acc[p][v], sizeof(Vec));
}

/// Calls f with the channel count as a compile-time constant for the common counts (1, 3, 6, 16:
/// grey, RGB and LeNet's layers), so that the layout copies below unroll over channels and
/// vectorise over pixels; as a run-time Index otherwise.
template <typename F> void withChannels(Index c, F&& f) {
    switch (c) {
    case 1:
        f(std::integral_constant<Index, 1>{});
        break;
    case 3:
        f(std::integral_constant<Index, 3>{});
        break;
    case 6:
        f(std::integral_constant<Index, 6>{});
        break;
    case 16:
        f(std::integral_constant<Index, 16>{});
        break;
    default:
        f(c);
        break;
    }
}

/// HWC image (h × w pixels of c channels) → c planes (rows of `row`, planes of `plane`).
template <typename Scalar>
void hwcToPlanar(const Scalar* __restrict src, Index c, Index h, Index w, Scalar* __restrict dst,
                 Index plane, Index row) {
    withChannels(c, [&](auto cc) {
        const Index C = cc;
        for (Index y = 0; y < h; ++y) {
            const Scalar* s = src + y * w * C;
            Scalar* d = dst + y * row;
            for (Index x = 0; x < w; ++x)
#pragma GCC unroll 16
                for (Index ch = 0; ch < C; ++ch)
                    d[ch * plane + x] = s[x * C + ch];
        }
    });
}

/// c planes → HWC image, adding bias[ch] if `bias` is not null.
template <typename Scalar>
void planarToHwc(const Scalar* __restrict src, Index plane, Index row, Index c, Index h, Index w,
                 const Scalar* __restrict bias, Scalar* __restrict dst) {
    withChannels(c, [&](auto cc) {
        const Index C = cc;
        for (Index y = 0; y < h; ++y) {
            const Scalar* s = src + y * row;
            Scalar* d = dst + y * w * C;
            if (bias) {
                for (Index x = 0; x < w; ++x)
#pragma GCC unroll 16
                    for (Index ch = 0; ch < C; ++ch)
                        d[x * C + ch] = s[ch * plane + x] + bias[ch];
            } else {
                for (Index x = 0; x < w; ++x)
#pragma GCC unroll 16
                    for (Index ch = 0; ch < C; ++ch)
                        d[x * C + ch] = s[ch * plane + x];
            }
        }
    });
}

} // namespace

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
