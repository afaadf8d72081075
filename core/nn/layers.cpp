#include "core/nn/layers.h"

#include <algorithm>
#include <stdexcept>

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

template <typename Scalar> void Conv2dLayer<Scalar>::reserve(Index batch) {
    // The batch is processed in chunks whose im2col columns (~256 kB) stay in the L2 cache,
    // instead of one matrix of every patch of the batch (15 MB for 64 CIFAR images).
    const Index perSample = this->m_output.height * this->m_output.width * m_patch;
    const Index budget = Index(256 * 1024) / static_cast<Index>(sizeof(Scalar));
    m_chunk = std::max<Index>(1, std::min<Index>(std::max<Index>(batch, 1), budget / perSample));
    const auto need = static_cast<std::size_t>(m_chunk * perSample);
    if (m_cols.size() < need) {
        m_cols.resize(need);
        m_dCols.resize(need);
    }
}

template <typename Scalar> void Conv2dLayer<Scalar>::im2col(ConstMap in, Index first, Index count) {
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index ho = this->m_output.height, wo = this->m_output.width;
    const Index k = m_kernel, p = m_padding;
    Scalar* dst = m_cols.data();
    for (Index s = first; s < first + count; ++s) {
        const Scalar* src = in.data() + s * in.cols();
        for (Index oy = 0; oy < ho; ++oy) {
            for (Index ox = 0; ox < wo; ++ox) {
                // Valid kx range: 0 <= ox + kx - p < w.
                const Index kx0 = std::max<Index>(0, p - ox);
                const Index kx1 = std::min<Index>(k, w + p - ox);
                for (Index ky = 0; ky < k; ++ky) {
                    const Index iy = oy + ky - p;
                    if (iy < 0 || iy >= h || kx1 <= kx0) {
                        std::fill(dst, dst + k * c, Scalar(0));
                    } else {
                        std::fill(dst, dst + kx0 * c, Scalar(0));
                        const Scalar* row = src + (iy * w + (ox + kx0 - p)) * c;
                        std::copy(row, row + (kx1 - kx0) * c, dst + kx0 * c);
                        std::fill(dst + kx1 * c, dst + k * c, Scalar(0));
                    }
                    dst += k * c;
                }
            }
        }
    }
}

template <typename Scalar> void Conv2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    if (m_cols.empty())
        reserve(n);
    const Index oc = this->m_output.channels;
    const Index pixels = this->m_output.height * this->m_output.width;
    ConstMap wt(this->m_params, oc, m_patch);
    Eigen::Map<const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> b(this->m_params + oc * m_patch, oc);
    for (Index first = 0; first < n; first += m_chunk) {
        const Index count = std::min(m_chunk, n - first);
        im2col(in, first, count);
        ConstMap cols(m_cols.data(), count * pixels, m_patch);
        Map o(out.data() + first * out.cols(), count * pixels, oc); // HWC: a row per pixel
        o.noalias() = cols * wt.transpose();
        o.rowwise() += b;
    }
}

template <typename Scalar>
void Conv2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    const Index n = in.rows();
    if (m_cols.empty())
        reserve(n);
    const Index oc = this->m_output.channels;
    const Index ho = this->m_output.height, wo = this->m_output.width;
    const Index pixels = ho * wo;
    ConstMap wt(this->m_params, oc, m_patch);
    Map dw(this->m_grads, oc, m_patch);
    Eigen::Map<Eigen::Matrix<Scalar, 1, Eigen::Dynamic>> db(this->m_grads + oc * m_patch, oc);
    db = ConstMap(dOut.data(), n * pixels, oc).colwise().sum();
    dw.setZero();
    if (dIn)
        dIn->setZero();
    const Index c = this->m_input.channels, h = this->m_input.height, w = this->m_input.width;
    const Index k = m_kernel, p = m_padding;
    for (Index first = 0; first < n; first += m_chunk) {
        const Index count = std::min(m_chunk, n - first);
        im2col(in, first, count); // recomputed: cheaper than keeping the batch's columns
        ConstMap cols(m_cols.data(), count * pixels, m_patch);
        ConstMap d(dOut.data() + first * dOut.cols(), count * pixels, oc);
        dw.noalias() += d.transpose() * cols;
        if (!dIn)
            continue;
        Map dcols(m_dCols.data(), count * pixels, m_patch);
        dcols.noalias() = d * wt;
        // col2im: scatter-add each patch back onto the input.
        const Scalar* srcPatch = m_dCols.data();
        for (Index s = first; s < first + count; ++s) {
            Scalar* img = dIn->data() + s * dIn->cols();
            for (Index oy = 0; oy < ho; ++oy) {
                for (Index ox = 0; ox < wo; ++ox) {
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
                Scalar* o = dst + (oy * wo + ox) * c;
                std::int32_t* a = arg + (oy * wo + ox) * c;
                // Window pixels in row-major order; the first maximum wins, as in torch.
                const Index first = (oy * k * w + ox * k) * c;
                std::copy(src + first, src + first + c, o);
                for (Index ch = 0; ch < c; ++ch)
                    a[ch] = static_cast<std::int32_t>(first + ch);
                for (Index dy = 0; dy < k; ++dy) {
                    const Index rowBase = ((oy * k + dy) * w + ox * k) * c;
                    for (Index dx = (dy == 0 ? 1 : 0); dx < k; ++dx) {
                        const Index base = rowBase + dx * c;
                        const Scalar* p = src + base;
                        for (Index ch = 0; ch < c; ++ch) {
                            const bool greater = p[ch] > o[ch];
                            o[ch] = greater ? p[ch] : o[ch];
                            a[ch] = greater ? static_cast<std::int32_t>(base + ch) : a[ch];
                        }
                    }
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
