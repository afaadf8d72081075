#include "core/nn/layers.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace optiscope::nn {

using Eigen::Index;

Index TensorSpec::size() const {
    Index s = 1;
    for (Index d : shape)
        s *= d;
    return s;
}

const char* activationName(Activation activation) {
    switch (activation) {
    case Activation::Relu:
        return "relu";
    case Activation::Tanh:
        return "tanh";
    case Activation::Sigmoid:
        return "sigmoid";
    case Activation::Linear:
        return "linear";
    }
    return "linear";
}

bool parseActivation(const std::string& name, Activation* out) {
    for (Activation a :
         {Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Linear}) {
        if (name == activationName(a)) {
            *out = a;
            return true;
        }
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Dense

template <typename Scalar>
DenseLayer<Scalar>::DenseLayer(std::string name, Index in, Index out)
    : Layer<Scalar>(std::move(name), Shape{in, 1, 1}, Shape{out, 1, 1}), m_in(in), m_out(out) {}

template <typename Scalar> std::vector<TensorSpec> DenseLayer<Scalar>::tensors() const {
    return {TensorSpec{"weight", {m_out, m_in}, m_in, m_out, false},
            TensorSpec{"bias", {m_out}, 0, 0, true}};
}

// The dense products go through Eigen's GEMM kernel with packing buffers that the layer keeps
// (Eigen's internal blocking API): a plain `a.noalias() = b * c` allocates them on the heap on
// every product once they exceed 128 kB (MNIST's 784-128 layer), and glibc's adaptive thresholds
// then map and unmap them again and again (page faults cost more than the arithmetic). Tiny
// products (the sizes Eigen itself computes coefficient by coefficient) keep the expressions.
namespace {
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
} // namespace

template <typename Scalar> struct DenseLayer<Scalar>::Workspace {
    Index rows = 0; ///< batch size the spaces are sized for
    std::unique_ptr<GemmSpace<Scalar>> forward, weightGrad, inputGrad;
};

template <typename Scalar> DenseLayer<Scalar>::~DenseLayer() = default;

template <typename Scalar> void DenseLayer<Scalar>::reserve(Index batch) {
    if (!m_work)
        m_work = std::make_unique<Workspace>();
    if (batch <= m_work->rows)
        return;
    auto make = [](Index rows, Index cols, Index depth) {
        auto space = std::make_unique<GemmSpace<Scalar>>(rows, cols, depth, 1, true);
        space->allocateAll();
        return space;
    };
    m_work->forward = make(batch, m_out, m_in);
    m_work->weightGrad = make(m_out, m_in, batch);
    m_work->inputGrad = make(batch, m_in, m_out);
    m_work->rows = batch;
}

template <typename Scalar> void DenseLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    ConstMap w(this->m_params, m_out, m_in);
    Eigen::Map<const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> b(this->m_params + m_out * m_in,
                                                                 m_out);
    if (n + m_in + m_out < kCoeffBasedBelow) {
        out.noalias() = in * w.transpose();
    } else {
        reserve(n);
        out.setZero();
        gemm<Scalar, Eigen::RowMajor, Eigen::ColMajor>(n, m_out, m_in, in.data(), m_in, w.data(),
                                                       m_in, out.data(), m_out, *m_work->forward);
    }
    out.rowwise() += b;
}

template <typename Scalar>
void DenseLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    const Index n = in.rows();
    ConstMap w(this->m_params, m_out, m_in);
    Map dw(this->m_grads, m_out, m_in);
    Eigen::Map<Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> db(this->m_grads + m_out * m_in, m_out);
    db = dOut.colwise().sum();
    if (n + m_in + m_out < kCoeffBasedBelow) {
        dw.noalias() = dOut.transpose() * in;
        if (dIn)
            dIn->noalias() = dOut * w;
        return;
    }
    reserve(n);
    dw.setZero();
    gemm<Scalar, Eigen::ColMajor, Eigen::RowMajor>(m_out, m_in, n, dOut.data(), m_out, in.data(),
                                                   m_in, dw.data(), m_in, *m_work->weightGrad);
    if (dIn) {
        dIn->setZero();
        gemm<Scalar, Eigen::RowMajor, Eigen::RowMajor>(n, m_in, m_out, dOut.data(), m_out, w.data(),
                                                       m_in, dIn->data(), m_in, *m_work->inputGrad);
    }
}

// ---------------------------------------------------------------------------------------------
// Conv2d

namespace {
Shape convOutput(Shape in, Index outChannels, Index kernel, Index padding) {
    if (padding >= kernel)
        throw std::invalid_argument("conv2d: padding " + std::to_string(padding) +
                                    " must be smaller than the kernel size " +
                                    std::to_string(kernel));
    const Index h = in.height + 2 * padding - kernel + 1;
    const Index w = in.width + 2 * padding - kernel + 1;
    if (kernel < 1 || padding < 0 || h < 1 || w < 1 || outChannels < 1)
        throw std::invalid_argument("conv2d: a " + std::to_string(kernel) + "x" +
                                    std::to_string(kernel) + " kernel does not fit a " +
                                    std::to_string(in.height) + "x" + std::to_string(in.width) +
                                    " input with padding " + std::to_string(padding));
    return Shape{outChannels, h, w};
}
} // namespace

template <typename Scalar>
Conv2dLayer<Scalar>::Conv2dLayer(std::string name, Shape input, Index outChannels, Index kernel,
                                 Index padding)
    : Layer<Scalar>(std::move(name), input, convOutput(input, outChannels, kernel, padding)),
      m_kernel(kernel), m_padding(padding), m_patch(kernel * kernel * input.channels) {}

template <typename Scalar> std::vector<TensorSpec> Conv2dLayer<Scalar>::tensors() const {
    const Index oc = this->m_output.channels;
    return {TensorSpec{"weight",
                       {oc, m_kernel, m_kernel, this->m_input.channels},
                       m_patch,
                       m_kernel * m_kernel * oc,
                       false},
            TensorSpec{"bias", {oc}, 0, 0, true}};
}

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

/// 64-byte vectors (GCC/Clang vector extensions: one AVX-512 register, or several narrower ones).
template <typename Scalar> struct Simd;
template <> struct Simd<float> {
    static constexpr Index lanes = 16;
    typedef float Vec __attribute__((vector_size(64)));
};
template <> struct Simd<double> {
    static constexpr Index lanes = 8;
    typedef double Vec __attribute__((vector_size(64)));
};

/// An empty asm that "changes" `v`: GCC must then hold it in a register rather than re-load it as
/// a memory operand of every multiply-add that uses it. Only where one register holds a whole
/// Vec (AVX-512); elsewhere (portable builds) the constraint could not be met, and it is omitted.
template <typename V> inline void keepInRegister(V& v) {
#if defined(__AVX512F__)
    __asm__("" : "+v"(v));
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
/// lanes output channels: out[p] = bias + Σ_{ky, t} in[row ky][pixel p][t] · wt[ky][t], with
/// t = kx·c + ci running over the contiguous input of the kernel's row ky.
template <typename Scalar, int P>
__attribute__((noinline)) void hwcConvBlock(const Scalar* in, Index rowLen, Index c, Index k,
                                            const Scalar* wt, Index oc, const Scalar* bias,
                                            Scalar* out) {
    using Vec = typename Simd<Scalar>::Vec;
    Vec acc[P];
    Vec b;
    std::memcpy(&b, bias, sizeof(Vec));
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p)
        acc[p] = b;
    const Index run = k * c;
    for (Index ky = 0; ky < k; ++ky) {
        const Scalar* row = in + ky * rowLen;
        const Scalar* wr = wt + ky * run * oc;
        for (Index t = 0; t < run; ++t) {
            Vec wv;
            std::memcpy(&wv, wr + t * oc, sizeof(Vec));
#pragma GCC unroll 8
            for (int p = 0; p < P; ++p)
                acc[p] += row[p * c + t] * wv;
        }
    }
#pragma GCC unroll 8
    for (int p = 0; p < P; ++p)
        std::memcpy(out + p * oc, &acc[p], sizeof(Vec));
}

/// Weight-gradient partial sums of the channel-vectorised path for TB consecutive taps t of one
/// kernel row: acc[tb] (vectors of output channels, `oc` apart) += Σ_{y,x} in[y][x][t + tb] ·
/// g[y][x]; `in` points at the sample's input row ky, tap t.
template <typename Scalar, int TB>
__attribute__((noinline)) void hwcWeightGradBlock(const Scalar* in, Index w, Index c,
                                                  const Scalar* g, Index oc, Index ho, Index wo,
                                                  Scalar* acc) {
    using Vec = typename Simd<Scalar>::Vec;
    Vec a[TB];
#pragma GCC unroll 16
    for (int tb = 0; tb < TB; ++tb)
        std::memcpy(&a[tb], acc + tb * oc, sizeof(Vec));
    for (Index y = 0; y < ho; ++y) {
        for (Index x = 0; x < wo; ++x) {
            Vec gv;
            std::memcpy(&gv, g + (y * wo + x) * oc, sizeof(Vec));
            const Scalar* ip = in + (y * w + x) * c;
#pragma GCC unroll 16
            for (int tb = 0; tb < TB; ++tb)
                a[tb] += ip[tb] * gv;
        }
    }
#pragma GCC unroll 16
    for (int tb = 0; tb < TB; ++tb)
        std::memcpy(acc + tb * oc, &a[tb], sizeof(Vec));
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

template <typename Scalar> void Conv2dLayer<Scalar>::reserve(Index /*batch*/) {
    // Per-sample buffers: their zero borders are written once here and never touched again.
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    m_inRow = roundUp(wo, L) + k - 1;
    m_inPlane = (h + 2 * m_padding) * m_inRow;
    m_outRow = roundUp(wo, L);
    m_outPlane = ho * m_outRow;
    const Index q = k - 1 - m_padding; // padding of the output gradient for dL/d(input)
    m_gRow = roundUp(std::max(w, wo), L) + 2 * (k - 1);
    m_gPlane = (ho + 2 * q) * m_gRow;
    m_dInRow = roundUp(w, L);
    m_dInPlane = h * m_dInRow;
    auto size = [](std::vector<Scalar>& v, Index n) {
        if (v.size() != static_cast<std::size_t>(n))
            v.assign(static_cast<std::size_t>(n), Scalar(0));
    };
    size(m_planarOut, std::max(oc * m_outPlane, c * m_dInPlane));
    size(m_planarGrad, oc * m_gPlane);
    size(m_flipped, oc * m_patch);
    size(m_transposed, oc * roundUp(m_patch, L));
    if (m_padding == 0 && oc % L == 0) // channel-vectorised path
        size(m_patchGrad, ho * wo * roundUp(m_patch, L));
    size(m_weightGrad, oc * m_patch * L);
}

template <typename Scalar> void Conv2dLayer<Scalar>::toPlanarInput(ConstMap in) {
    const Index n = in.rows();
    const Index sample = this->m_input.channels * m_inPlane;
    const auto need = static_cast<std::size_t>(n * sample);
    if (m_planarIn.size() < need)
        m_planarIn.resize(need, Scalar(0)); // grows only: the zero borders stay in place
    for (Index s = 0; s < n; ++s)
        hwcToPlanar(in.data() + s * in.cols(), this->m_input.channels, this->m_input.height,
                    this->m_input.width,
                    m_planarIn.data() + s * sample + m_padding * m_inRow + m_padding, m_inPlane,
                    m_inRow);
    m_planarOf = in.data();
    m_planarRows = n;
}

template <typename Scalar> bool Conv2dLayer<Scalar>::channelVectorised() const {
    return m_padding == 0 && this->m_output.channels % Simd<Scalar>::lanes == 0;
}

template <typename Scalar> void Conv2dLayer<Scalar>::forwardHwc(ConstMap in, Map out) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index n = in.rows();
    const Index c = this->m_input.channels, w = this->m_input.width;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    const Scalar* b = this->m_params + oc * m_patch;
    // Weights as [tap][out channel], tap = (ky·k + kx)·c + ci.
    for (Index o = 0; o < oc; ++o)
        for (Index t = 0; t < m_patch; ++t)
            m_transposed[static_cast<std::size_t>(t * oc + o)] = this->m_params[o * m_patch + t];
    // Pixels per block: a divisor of the row if one is 5..8, else 8 with the last block moved
    // back to overlap the previous one (it recomputes the same values).
    Index pixels = std::min<Index>(8, wo);
    for (Index pb : {8, 7, 6, 5})
        if (wo % pb == 0) {
            pixels = pb;
            break;
        }
    auto run = [&](auto pc) {
        constexpr int P = decltype(pc)::value;
        for (Index s = 0; s < n; ++s)
            for (Index y = 0; y < ho; ++y)
                for (Index x = 0; x < wo; x += P) {
                    const Index x0 = std::min<Index>(x, wo - P);
                    for (Index j = 0; j < oc; j += L)
                        hwcConvBlock<Scalar, P>(in.data() + s * in.cols() + (y * w + x0) * c, w * c,
                                                c, k, m_transposed.data() + j, oc, b + j,
                                                out.data() + s * out.cols() + (y * wo + x0) * oc +
                                                    j);
                }
    };
    using std::integral_constant;
    switch (pixels) {
    case 1:
        run(integral_constant<int, 1>{});
        break;
    case 2:
        run(integral_constant<int, 2>{});
        break;
    case 3:
        run(integral_constant<int, 3>{});
        break;
    case 4:
        run(integral_constant<int, 4>{});
        break;
    case 5:
        run(integral_constant<int, 5>{});
        break;
    case 6:
        run(integral_constant<int, 6>{});
        break;
    case 7:
        run(integral_constant<int, 7>{});
        break;
    default:
        run(integral_constant<int, 8>{});
        break;
    }
}

template <typename Scalar>
void Conv2dLayer<Scalar>::weightGradHwc(const Scalar* in, const Scalar* g) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = this->m_input.channels, w = this->m_input.width;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    const Index run = k * c;
    for (Index j = 0; j < oc; j += L) {
        for (Index ky = 0; ky < k; ++ky) {
            // The row's taps in blocks of 16, 8, 4, 2, 1.
            Index t = 0;
            auto blocks = [&](auto tbc) {
                constexpr int TB = decltype(tbc)::value;
                for (; t + TB <= run; t += TB)
                    hwcWeightGradBlock<Scalar, TB>(in + ky * w * c + t, w, c, g + j, oc, ho, wo,
                                                   m_weightGrad.data() + (ky * run + t) * oc + j);
            };
            blocks(std::integral_constant<int, 16>{});
            blocks(std::integral_constant<int, 8>{});
            blocks(std::integral_constant<int, 4>{});
            blocks(std::integral_constant<int, 2>{});
            blocks(std::integral_constant<int, 1>{});
        }
    }
}

template <typename Scalar> void Conv2dLayer<Scalar>::inputGradHwc(const Scalar* g, Scalar* dIn) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = this->m_input.channels, w = this->m_input.width;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    const Index stride = roundUp(m_patch, L);
    const Index pixels = ho * wo;
    // Patch gradients of every output pixel (a pixels × oc by oc × patch product), in blocks of
    // 4 pixels (the last block moved back to overlap: it rewrites the same values) × up to 5
    // vectors of taps.
    const Index px = std::min<Index>(4, pixels);
    for (Index t0 = 0; t0 < stride; t0 += 5 * L) {
        const Index nv = std::min<Index>(5, (stride - t0) / L);
        for (Index p = 0; p < pixels; p += px) {
            const Index p0 = std::min(p, pixels - px);
            const Scalar* gp = g + p0 * oc;
            const Scalar* wp = m_transposed.data() + t0;
            Scalar* dp = m_patchGrad.data() + p0 * stride + t0;
            auto run = [&](auto nvc) {
                constexpr int NV = decltype(nvc)::value;
                switch (px) {
                case 1:
                    hwcPatchGradBlock<Scalar, NV, 1>(gp, oc, wp, stride, dp);
                    break;
                case 2:
                    hwcPatchGradBlock<Scalar, NV, 2>(gp, oc, wp, stride, dp);
                    break;
                case 3:
                    hwcPatchGradBlock<Scalar, NV, 3>(gp, oc, wp, stride, dp);
                    break;
                default:
                    hwcPatchGradBlock<Scalar, NV, 4>(gp, oc, wp, stride, dp);
                    break;
                }
            };
            using std::integral_constant;
            switch (nv) {
            case 1:
                run(integral_constant<int, 1>{});
                break;
            case 2:
                run(integral_constant<int, 2>{});
                break;
            case 3:
                run(integral_constant<int, 3>{});
                break;
            case 4:
                run(integral_constant<int, 4>{});
                break;
            default:
                run(integral_constant<int, 5>{});
                break;
            }
        }
    }
    // col2im: a kernel row of a patch is k·c contiguous input values of one HWC row.
    std::fill(dIn, dIn + this->m_input.size(), Scalar(0));
    auto col2im = [&](auto runc) {
        const Index run = runc; // k·c, a constant for LeNet's 5×5 on 6 channels
        for (Index y = 0; y < ho; ++y)
            for (Index x = 0; x < wo; ++x) {
                const Scalar* src = m_patchGrad.data() + (y * wo + x) * stride;
                for (Index ky = 0; ky < k; ++ky) {
                    Scalar* __restrict dst = dIn + ((y + ky) * w + x) * c;
                    const Scalar* __restrict part = src + ky * run;
                    for (Index t = 0; t < run; ++t)
                        dst[t] += part[t];
                }
            }
    };
    if (k * c == 30)
        col2im(std::integral_constant<Index, 30>{});
    else
        col2im(k * c);
}

template <typename Scalar> void Conv2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    reserve(n);
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width;
    const Scalar* b = this->m_params + oc * m_patch;
    if (channelVectorised()) {
        forwardHwc(in, out);
        return;
    }
    toPlanarInput(in);
    for (Index s = 0; s < n; ++s) {
        planarConv(m_planarIn.data() + s * this->m_input.channels * m_inPlane, m_inPlane, m_inRow,
                   this->m_input.channels, m_kernel, this->m_params, oc, m_planarOut.data(),
                   m_outPlane, m_outRow, ho, wo);
        planarToHwc(m_planarOut.data(), m_outPlane, m_outRow, oc, ho, wo, b,
                    out.data() + s * out.cols());
    }
}

template <typename Scalar>
void Conv2dLayer<Scalar>::weightGradPlanar(const Scalar* planarIn, const Scalar* gp) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = this->m_input.channels;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    const Index perRow = roundUp(wo, L) / L;
    const Index accO = m_patch * L, accKx = c * L;
    Scalar* db = this->m_grads + oc * m_patch;
    for (Index o = 0; o < oc; ++o) {
        // Vector partial sums (the planar rows are zero beyond the output width).
        using Vec = typename Simd<Scalar>::Vec;
        Vec sum{};
        for (Index y = 0; y < ho; ++y)
            for (Index x = 0; x < perRow * L; x += L) {
                Vec v;
                std::memcpy(&v, gp + o * m_gPlane + y * m_gRow + x, sizeof(Vec));
                sum += v;
            }
        for (Index l = 0; l < L; ++l)
            db[o] += sum[l];
    }
    for (Index ci = 0; ci < c; ++ci) {
        for (Index ky = 0; ky < k; ++ky) {
            const Scalar* inRow = planarIn + ci * m_inPlane + ky * m_inRow;
            for (Index kx0 = 0; kx0 < k; kx0 += 5) {
                const Index kc = std::min<Index>(5, k - kx0);
                for (Index o0 = 0; o0 < oc; o0 += 4) {
                    Scalar* acc = m_weightGrad.data() + o0 * accO + (ky * k + kx0) * accKx + ci * L;
                    const Scalar* gb = gp + o0 * m_gPlane;
                    const Scalar* ib = inRow + kx0;
                    switch (std::min<Index>(4, oc - o0)) {
                    case 1:
                        weightGradKx<Scalar, 1>(kc, ib, m_inRow, gb, m_gPlane, m_gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    case 2:
                        weightGradKx<Scalar, 2>(kc, ib, m_inRow, gb, m_gPlane, m_gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    case 3:
                        weightGradKx<Scalar, 3>(kc, ib, m_inRow, gb, m_gPlane, m_gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    default:
                        weightGradKx<Scalar, 4>(kc, ib, m_inRow, gb, m_gPlane, m_gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    }
                }
            }
        }
    }
}

template <typename Scalar>
void Conv2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    constexpr Index L = Simd<Scalar>::lanes;
    using Vec = typename Simd<Scalar>::Vec;
    const Index n = in.rows();
    reserve(n);
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_kernel;
    const Index q = k - 1 - m_padding;
    const bool hwc = channelVectorised();
    Scalar* db = this->m_grads + oc * m_patch;
    std::fill(db, db + oc, Scalar(0));
    std::fill(m_weightGrad.begin(), m_weightGrad.end(), Scalar(0));
    if (dIn && hwc) {
        // Weights as [out channel][tap], rows padded with zeros to whole vectors.
        const Index stride = roundUp(m_patch, L);
        for (Index o = 0; o < oc; ++o)
            for (Index t = 0; t < stride; ++t)
                m_transposed[static_cast<std::size_t>(o * stride + t)] =
                    t < m_patch ? this->m_params[o * m_patch + t] : Scalar(0);
    } else if (dIn) {
        // Flipped kernel with swapped channel axes: [ci][ky][kx][o] = w[o][k-1-ky][k-1-kx][ci].
        for (Index o = 0; o < oc; ++o)
            for (Index ky = 0; ky < k; ++ky)
                for (Index kx = 0; kx < k; ++kx)
                    for (Index ci = 0; ci < c; ++ci)
                        m_flipped[static_cast<std::size_t>(((ci * k + ky) * k + kx) * oc + o)] =
                            this->m_params[((o * k + (k - 1 - ky)) * k + (k - 1 - kx)) * c + ci];
    }
    if (!hwc && (m_planarOf != in.data() || m_planarRows != n))
        toPlanarInput(in); // not the input of the last forward()
    for (Index s = 0; s < n; ++s) {
        const Scalar* g = dOut.data() + s * dOut.cols();
        // The output gradient, planar with a zero border of q (zero beyond the output width),
        // for the planar weight gradient and for dL/d(input).
        Scalar* gp = m_planarGrad.data() + q * m_gRow + q;
        if (!hwc)
            hwcToPlanar(g, oc, ho, wo, gp, m_gPlane, m_gRow);
        if (hwc) {
            for (Index j = 0; j < oc; j += L) {
                Vec sum{};
                for (Index i = 0; i < ho * wo; ++i) {
                    Vec v;
                    std::memcpy(&v, g + i * oc + j, sizeof(Vec));
                    sum += v;
                }
                for (Index l = 0; l < L; ++l)
                    db[j + l] += sum[l];
            }
            weightGradHwc(in.data() + s * in.cols(), g);
        } else {
            weightGradPlanar(m_planarIn.data() + s * c * m_inPlane, gp);
        }
        if (!dIn)
            continue;
        if (hwc) {
            inputGradHwc(g, dIn->data() + s * dIn->cols());
            continue;
        }
        planarConv(m_planarGrad.data(), m_gPlane, m_gRow, oc, k, m_flipped.data(), c,
                   m_planarOut.data(), m_dInPlane, m_dInRow, h, w);
        planarToHwc<Scalar>(m_planarOut.data(), m_dInPlane, m_dInRow, c, h, w, nullptr,
                            dIn->data() + s * dIn->cols());
    }
    Scalar* dw = this->m_grads;
    if (hwc) { // partial sums laid out [tap][out channel]
        for (Index o = 0; o < oc; ++o)
            for (Index t = 0; t < m_patch; ++t)
                dw[o * m_patch + t] = m_weightGrad[static_cast<std::size_t>(t * oc + o)];
        return;
    }
    for (Index i = 0; i < oc * m_patch; ++i) {
        const Scalar* lanes = m_weightGrad.data() + i * L;
        Scalar sum = 0;
        for (Index l = 0; l < L; ++l)
            sum += lanes[l];
        dw[i] = sum;
    }
}

// ---------------------------------------------------------------------------------------------
// MaxPool2d

namespace {
Shape poolOutput(Shape in, Index size) {
    if (size < 1 || in.height / size < 1 || in.width / size < 1)
        throw std::invalid_argument("maxpool2d: a " + std::to_string(size) + "x" +
                                    std::to_string(size) + " window does not fit a " +
                                    std::to_string(in.height) + "x" + std::to_string(in.width) +
                                    " input");
    return Shape{in.channels, in.height / size, in.width / size};
}
} // namespace

template <typename Scalar>
MaxPool2dLayer<Scalar>::MaxPool2dLayer(std::string name, Shape input, Index size)
    : Layer<Scalar>(std::move(name), input, poolOutput(input, size)), m_size(size) {}

template <typename Scalar> void MaxPool2dLayer<Scalar>::reserve(Index batch) {
    const auto need = static_cast<std::size_t>(batch * this->m_output.size());
    if (m_argmax.size() < need)
        m_argmax.resize(need);
}

template <typename Scalar> void MaxPool2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    reserve(n);
    const Index c = this->m_input.channels, w = this->m_input.width;
    const Index ho = this->m_output.height, wo = this->m_output.width, k = m_size;
    for (Index s = 0; s < n; ++s) {
        const Scalar* src = in.data() + s * in.cols();
        Scalar* dst = out.data() + s * out.cols();
        std::int32_t* arg = m_argmax.data() + s * out.cols();
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
void MaxPool2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    if (!dIn)
        return;
    const Index n = in.rows();
    dIn->setZero();
    const Index outSize = dOut.cols();
    for (Index s = 0; s < n; ++s) {
        Scalar* d = dIn->data() + s * dIn->cols();
        const Scalar* g = dOut.data() + s * outSize;
        const std::int32_t* a = m_argmax.data() + s * outSize;
        for (Index i = 0; i < outSize; ++i)
            d[a[i]] += g[i];
    }
}

// ---------------------------------------------------------------------------------------------
// Flatten

template <typename Scalar>
FlattenLayer<Scalar>::FlattenLayer(std::string name, Shape input)
    : Layer<Scalar>(std::move(name), input, Shape{input.size(), 1, 1}) {}

template <typename Scalar> void FlattenLayer<Scalar>::forward(ConstMap in, Map out) {
    out = in;
}

template <typename Scalar>
void FlattenLayer<Scalar>::backward(ConstMap /*in*/, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    if (dIn)
        *dIn = dOut;
}

// ---------------------------------------------------------------------------------------------
// Activation

template <typename Scalar>
ActivationLayer<Scalar>::ActivationLayer(std::string name, Shape shape, Activation activation)
    : Layer<Scalar>(std::move(name), shape, shape), m_activation(activation) {}

template <typename Scalar> void ActivationLayer<Scalar>::forward(ConstMap in, Map out) {
    switch (m_activation) {
    case Activation::Relu:
        out = in.cwiseMax(Scalar(0));
        break;
    case Activation::Tanh:
        out = in.array().tanh();
        break;
    case Activation::Sigmoid:
        out = in.array().logistic();
        break;
    case Activation::Linear:
        out = in;
        break;
    }
}

template <typename Scalar>
void ActivationLayer<Scalar>::backward(ConstMap /*in*/, ConstMap out, ConstMap dOut, Map* dIn) {
    if (!dIn)
        return;
    switch (m_activation) {
    case Activation::Relu: {
        // Branch-free so that it vectorises (signs are random: a branch mispredicts half the
        // time); Eigen's select() on a comparison is scalar.
        const Scalar* o = out.data();
        const Scalar* g = dOut.data();
        Scalar* d = dIn->data();
        const Index size = out.size();
        for (Index i = 0; i < size; ++i)
            d[i] = g[i] * static_cast<Scalar>(o[i] > Scalar(0));
        break;
    }
    case Activation::Tanh:
        dIn->array() = dOut.array() * (Scalar(1) - out.array().square());
        break;
    case Activation::Sigmoid:
        dIn->array() = dOut.array() * out.array() * (Scalar(1) - out.array());
        break;
    case Activation::Linear:
        *dIn = dOut;
        break;
    }
}

template class DenseLayer<float>;
template class DenseLayer<double>;
template class Conv2dLayer<float>;
template class Conv2dLayer<double>;
template class MaxPool2dLayer<float>;
template class MaxPool2dLayer<double>;
template class FlattenLayer<float>;
template class FlattenLayer<double>;
template class ActivationLayer<float>;
template class ActivationLayer<double>;

} // namespace optiscope::nn
