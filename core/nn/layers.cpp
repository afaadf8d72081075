#include "core/nn/layers.h"

#include "core/nn/engine_args.h"
#include "core/simd/kernel_table.h"

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

// The products run in the kernels of the instruction set in use (core/nn/dense_engine.cpp,
// through simd::kernels()), in a workspace that keeps their packing buffers.
template <typename Scalar> struct DenseLayer<Scalar>::Workspace {
    const simd::TypedKernels<Scalar>* kernels = &simd::kernels().template of<Scalar>();
    void* space = kernels->denseCreate();
    Workspace() = default;
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;
    ~Workspace() { kernels->denseDestroy(space); }
};

template <typename Scalar> DenseLayer<Scalar>::~DenseLayer() = default;

template <typename Scalar> void DenseLayer<Scalar>::reserve(Index batch) {
    if (!m_work)
        m_work = std::make_unique<Workspace>();
    m_work->kernels->denseReserve(m_work->space, batch, m_in, m_out);
}

template <typename Scalar> void DenseLayer<Scalar>::forward(ConstMap in, Map out) {
    if (!m_work)
        m_work = std::make_unique<Workspace>();
    m_work->kernels->denseForward(m_work->space, in.rows(), m_in, m_out, in.data(), this->m_params,
                                  out.data());
}

template <typename Scalar>
void DenseLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    if (!m_work)
        m_work = std::make_unique<Workspace>();
    m_work->kernels->denseBackward(m_work->space, in.rows(), m_in, m_out, in.data(), dOut.data(),
                                   this->m_params, this->m_grads, dIn ? dIn->data() : nullptr);
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

// The kernels (direct convolution on planar copies and on HWC rows) are in conv_engine.cpp and
// conv_kernels.h, compiled per instruction set; the layer owns their buffers, laid out for
// 64-byte vectors (which also fit the narrower vectors of SSE2 and AVX2).
namespace {
template <typename Scalar> constexpr Index kLayoutLanes = 64 / static_cast<Index>(sizeof(Scalar));
constexpr Index roundUp(Index v, Index m) {
    return (v + m - 1) / m * m;
}
} // namespace

template <typename Scalar> void Conv2dLayer<Scalar>::reserve(Index /*batch*/) {
    // Per-sample buffers: their zero borders are written once here and never touched again.
    constexpr Index L = kLayoutLanes<Scalar>;
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
    if (channelVectorised())
        size(m_patchGrad, ho * wo * roundUp(m_patch, L));
    size(m_weightGrad, oc * m_patch * L);
}

template <typename Scalar> void Conv2dLayer<Scalar>::growPlanarInput(Index n) {
    const auto need = static_cast<std::size_t>(n * this->m_input.channels * m_inPlane);
    if (m_planarIn.size() < need)
        m_planarIn.resize(need, Scalar(0)); // grows only: the zero borders stay in place
}

template <typename Scalar> bool Conv2dLayer<Scalar>::channelVectorised() const {
    return m_padding == 0 && this->m_output.channels % kLayoutLanes<Scalar> == 0;
}

template <typename Scalar> nn::ConvArgs<Scalar> Conv2dLayer<Scalar>::args() {
    ConvArgs<Scalar> a;
    a.c = this->m_input.channels;
    a.h = this->m_input.height;
    a.w = this->m_input.width;
    a.oc = this->m_output.channels;
    a.ho = this->m_output.height;
    a.wo = this->m_output.width;
    a.k = m_kernel;
    a.padding = m_padding;
    a.patch = m_patch;
    a.inRow = m_inRow;
    a.inPlane = m_inPlane;
    a.outRow = m_outRow;
    a.outPlane = m_outPlane;
    a.gRow = m_gRow;
    a.gPlane = m_gPlane;
    a.dInRow = m_dInRow;
    a.dInPlane = m_dInPlane;
    a.channelVectorised = channelVectorised();
    a.planarIn = m_planarIn.data();
    a.planarOut = m_planarOut.data();
    a.planarGrad = m_planarGrad.data();
    a.flipped = m_flipped.data();
    a.weightGrad = m_weightGrad.data();
    a.transposed = m_transposed.data();
    a.patchGrad = m_patchGrad.data();
    a.params = this->m_params;
    a.grads = this->m_grads;
    return a;
}

template <typename Scalar> void Conv2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    reserve(n);
    if (!channelVectorised()) {
        growPlanarInput(n);
        m_planarOf = in.data();
        m_planarRows = n;
    }
    simd::kernels().template of<Scalar>().convForward(args(), n, in.data(), out.data());
}

template <typename Scalar>
void Conv2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    const Index n = in.rows();
    reserve(n);
    bool planarValid = true;
    if (!channelVectorised() && (m_planarOf != in.data() || m_planarRows != n)) {
        growPlanarInput(n); // not the input of the last forward(): the kernel copies it
        planarValid = false;
        m_planarOf = in.data();
        m_planarRows = n;
    }
    simd::kernels().template of<Scalar>().convBackward(args(), n, in.data(), dOut.data(),
                                                       dIn ? dIn->data() : nullptr, planarValid);
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

template <typename Scalar> nn::PoolArgs MaxPool2dLayer<Scalar>::args() {
    PoolArgs a;
    a.c = this->m_input.channels;
    a.h = this->m_input.height;
    a.w = this->m_input.width;
    a.ho = this->m_output.height;
    a.wo = this->m_output.width;
    a.k = m_size;
    a.argmax = m_argmax.data();
    return a;
}

// In the kernels of the instruction set in use (core/nn/pool_engine.cpp).
template <typename Scalar> void MaxPool2dLayer<Scalar>::forward(ConstMap in, Map out) {
    const Index n = in.rows();
    reserve(n);
    simd::kernels().template of<Scalar>().maxPoolForward(args(), n, in.data(), out.data());
}

template <typename Scalar>
void MaxPool2dLayer<Scalar>::backward(ConstMap in, ConstMap /*out*/, ConstMap dOut, Map* dIn) {
    if (!dIn)
        return;
    simd::kernels().template of<Scalar>().maxPoolBackward(args(), in.rows(), dOut.data(),
                                                          dIn->data());
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
    simd::kernels().template of<Scalar>().activationForward(
        static_cast<ActivationKind>(m_activation), in.size(), in.data(), out.data());
}

template <typename Scalar>
void ActivationLayer<Scalar>::backward(ConstMap /*in*/, ConstMap out, ConstMap dOut, Map* dIn) {
    if (!dIn)
        return;
    simd::kernels().template of<Scalar>().activationBackward(
        static_cast<ActivationKind>(m_activation), out.size(), out.data(), dOut.data(),
        dIn->data());
}

static_assert(static_cast<int>(Activation::Relu) == static_cast<int>(ActivationKind::Relu) &&
              static_cast<int>(Activation::Tanh) == static_cast<int>(ActivationKind::Tanh) &&
              static_cast<int>(Activation::Sigmoid) == static_cast<int>(ActivationKind::Sigmoid) &&
              static_cast<int>(Activation::Linear) == static_cast<int>(ActivationKind::Linear));

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
