#include "core/nn/layers.h"

#include <algorithm>
#include <cstring>
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

template <typename Scalar> void DenseLayer<Scalar>::forward(ConstMap in, Map out) {
    ConstMap w(this->m_params, m_out, m_in);
    Eigen::Map<const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> b(this->m_params + m_out * m_in,
                                                                 m_out);
    out.noalias() = in * w.transpose();
    out.rowwise() += b;
}

template <typename Scalar>
void DenseLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    ConstMap w(this->m_params, m_out, m_in);
    Map dw(this->m_grads, m_out, m_in);
    Eigen::Map<Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> db(this->m_grads + m_out * m_in, m_out);
    dw.noalias() = dOut.transpose() * in;
    db = dOut.colwise().sum();
    if (dIn)
        dIn->noalias() = dOut * w;
}

// ---------------------------------------------------------------------------------------------
// Conv2d

namespace {
Shape convOutput(Shape in, Index outChannels, Index kernel, Index padding) {
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

// The layer works through the batch in chunks of output positions (pixels of any samples) whose
// im2col rows fit in the L2 cache with room to spare: the GEMM then reads columns that were just
// written instead of streaming a batch-sized matrix (15 MB for LeNet's conv1 at batch 64)
// through memory, and Eigen's packing buffers stay under its stack-allocation limit (no heap).
// backward() rebuilds each chunk's columns rather than keeping them all.
// Measured on LeNet-5 (AVX-512, 48 kB L1, 1 MB L2): the forward product prefers chunks of about
// 24k floats, the backward pass (two products and col2im per chunk) about 8k.
namespace {
constexpr Index kChunkFloats = 8 * 1024;
constexpr Index kForwardChunks = 3; ///< forward chunk = 3 backward chunks
} // namespace

template <typename Scalar> void Conv2dLayer<Scalar>::reserve(Index /*batch*/) {
    const Index oc = this->m_output.channels;
    m_chunk = std::max<Index>(16, kChunkFloats / std::max(m_patch, oc));
    const auto need = static_cast<std::size_t>(kForwardChunks * m_chunk * std::max(m_patch, oc));
    if (m_cols.size() < need) {
        m_cols.resize(need);
        m_dCols.resize(need);
    }
}

namespace {
/// Walks output positions p0, p0+1, ... as (sample, oy, ox) without a division per position.
struct PositionCursor {
    Index s, oy, ox, ho, wo;
    PositionCursor(Index p0, Index ho_, Index wo_)
        : s(p0 / (ho_ * wo_)), oy((p0 / wo_) % ho_), ox(p0 % wo_), ho(ho_), wo(wo_) {}
    void next() {
        if (++ox == wo) {
            ox = 0;
            if (++oy == ho) {
                oy = 0;
                ++s;
            }
        }
    }
};
} // namespace

template <typename Scalar> void Conv2dLayer<Scalar>::im2col(ConstMap in, Index p0, Index p1) {
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index k = m_kernel, p = m_padding, run = k * c;
    // One patch row is a short run (k·c floats: 15 for LeNet's conv1 on RGB); a copy of
    // compile-time length compiles to a few vector moves, where a memmove call per run or a
    // generic loop costs more than the matrix product.
    auto fill = [&](auto copyRun) {
        Scalar* dst = m_cols.data();
        PositionCursor at(p0, this->m_output.height, this->m_output.width);
        for (Index pos = p0; pos < p1; ++pos, at.next()) {
            const Scalar* src = in.data() + at.s * in.cols();
            // Valid kx range: 0 <= ox + kx - p < w.
            const Index kx0 = std::max<Index>(0, p - at.ox);
            const Index kx1 = std::min<Index>(k, w + p - at.ox);
            for (Index ky = 0; ky < k; ++ky, dst += run) {
                const Index iy = at.oy + ky - p;
                if (iy < 0 || iy >= h || kx1 <= kx0) {
                    std::fill(dst, dst + run, Scalar(0));
                } else if (kx0 == 0 && kx1 == k) {
                    copyRun(dst, src + (iy * w + at.ox - p) * c);
                } else {
                    std::fill(dst, dst + kx0 * c, Scalar(0));
                    const Scalar* row = src + (iy * w + (at.ox + kx0 - p)) * c;
                    std::copy(row, row + (kx1 - kx0) * c, dst + kx0 * c);
                    std::fill(dst + kx1 * c, dst + run, Scalar(0));
                }
            }
        }
    };
    auto fixed = [&](auto n) {
        fill([](Scalar* d, const Scalar* s) {
            std::memcpy(d, s, decltype(n)::value * sizeof(Scalar));
        });
    };
    switch (run) {
    case 5: // 5×5 kernel on 1 channel (MNIST, digits)
        fixed(std::integral_constant<Index, 5>{});
        break;
    case 15: // 5×5 on RGB
        fixed(std::integral_constant<Index, 15>{});
        break;
    case 30: // 5×5 on 6 channels (LeNet's conv2)
        fixed(std::integral_constant<Index, 30>{});
        break;
    default:
        fill([run](Scalar* d, const Scalar* s) { std::copy(s, s + run, d); });
        break;
    }
}

template <typename Scalar> void Conv2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    reserve(n);
    const Index oc = this->m_output.channels;
    const Index positions = n * this->m_output.height * this->m_output.width;
    ConstMap wt(this->m_params, oc, m_patch);
    Eigen::Map<const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> b(this->m_params + oc * m_patch, oc);
    using ColMatrix = Eigen::Map<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>;
    const Index chunk = kForwardChunks * m_chunk;
    for (Index p0 = 0; p0 < positions; p0 += chunk) {
        const Index rows = std::min(chunk, positions - p0);
        im2col(in, p0, p0 + rows);
        ConstMap cols(m_cols.data(), rows, m_patch);
        Map o(out.data() + p0 * oc, rows, oc); // HWC output: one row per output pixel
        // With few output channels (6 in LeNet's conv1) a row-major product is a poor GEMM
        // shape: Eigen vectorises the result's contiguous dimension, here only oc wide. The
        // column-major product (positions contiguous) puts the long dimension in the vector
        // registers; one transposing copy then gives the HWC rows.
        ColMatrix t(m_dCols.data(), rows, oc);
        t.noalias() = cols * wt.transpose();
        o = t;
        o.rowwise() += b;
    }
}

template <typename Scalar>
void Conv2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    const Index n = in.rows();
    reserve(n);
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width;
    const Index positions = n * ho * wo;
    ConstMap wt(this->m_params, oc, m_patch);
    Map dw(this->m_grads, oc, m_patch);
    Eigen::Map<Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> db(this->m_grads + oc * m_patch, oc);
    db = ConstMap(dOut.data(), positions, oc).colwise().sum();
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index k = m_kernel, p = m_padding;
    if (dIn)
        dIn->setZero();
    for (Index p0 = 0; p0 < positions; p0 += m_chunk) {
        const Index rows = std::min(m_chunk, positions - p0);
        im2col(in, p0, p0 + rows);
        ConstMap cols(m_cols.data(), rows, m_patch);
        ConstMap d(dOut.data() + p0 * oc, rows, oc);
        if (p0 == 0)
            dw.noalias() = d.transpose() * cols;
        else
            dw.noalias() += d.transpose() * cols;
        if (!dIn)
            continue;
        Map dcols(m_dCols.data(), rows, m_patch);
        dcols.noalias() = d * wt;
        // col2im: scatter-add each patch back onto the input.
        const Scalar* srcPatch = m_dCols.data();
        PositionCursor at(p0, ho, wo);
        for (Index pos = p0; pos < p0 + rows; ++pos, at.next()) {
            const Index oy = at.oy, ox = at.ox;
            Scalar* img = dIn->data() + at.s * dIn->cols();
            const Index kx0 = std::max<Index>(0, p - ox);
            const Index kx1 = std::min<Index>(k, w + p - ox);
            for (Index ky = 0; ky < k; ++ky) {
                const Index iy = oy + ky - p;
                if (iy >= 0 && iy < h && kx1 > kx0) {
                    Scalar* row = img + (iy * w + (ox + kx0 - p)) * c;
                    const Scalar* src = srcPatch + kx0 * c;
                    const Index len = (kx1 - kx0) * c;
                    for (Index i = 0; i < len; ++i)
                        row[i] += src[i];
                }
                srcPatch += k * c;
            }
        }
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
