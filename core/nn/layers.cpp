#include "core/nn/layers.h"

#include "core/nn/conv_kernels.h"

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

// The kernels (direct convolution on planar copies and on HWC rows) are in conv_kernels.h.

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
