// Layers of the small networks: dense, 2-D convolution, max-pooling, flatten and activations.
//
// Every layer works on a whole mini-batch at once. Activations are row-major matrices with one
// row per sample; an image row holds its pixels in HWC order (height, width, channel — the
// channels of one pixel are adjacent, as in QImage's RGB888 and in TensorFlow's NHWC). The
// convolution copies each sample into channel planes for its vectorised kernels where that pays
// (see Conv2dLayer), and works on the HWC rows directly otherwise.
//
// A layer owns no trainable numbers: Network keeps every tensor of every layer in ONE flat
// parameter vector (and the gradients in a second one of the same layout) and binds each layer to
// its slice, so that any UpdateRule works on a network unchanged. Work buffers (planar copies for
// the convolutions, pooling arg-max indices) are sized by reserve() for the largest batch;
// forward()/backward() on batches up to that size allocate nothing themselves (the dense layers'
// Eigen products may use their own blocking scratch space).
//
// Layers are templated on the scalar type: float for training, double for finite-difference
// gradient checks.
#pragma once

#include "core/nn/engine_args.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace optiscope::nn {

/// Row-major matrix and maps over caller-owned storage, one row per sample.
template <typename Scalar> struct Types {
    using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
    using Map = Eigen::Map<Matrix>;
    using ConstMap = Eigen::Map<const Matrix>;
};

/// Shape of one sample: channels × height × width (a flat feature vector is {n, 1, 1}).
struct Shape {
    Eigen::Index channels = 1;
    Eigen::Index height = 1;
    Eigen::Index width = 1;
    [[nodiscard]] Eigen::Index size() const { return channels * height * width; }
    bool operator==(const Shape&) const = default;
};

/// One trainable tensor of a layer, as the layer declares it.
struct TensorSpec {
    std::string suffix;              ///< "weight" or "bias"
    std::vector<Eigen::Index> shape; ///< e.g. {out, in} for a dense weight
    Eigen::Index fanIn = 0;          ///< inputs feeding one output (weights only)
    Eigen::Index fanOut = 0;         ///< outputs fed by one input (weights only)
    bool isBias = false;
    [[nodiscard]] Eigen::Index size() const;
};

enum class Activation { Relu, Tanh, Sigmoid, Linear };
/// "relu", "tanh", "sigmoid", "linear".
const char* activationName(Activation activation);
/// Parses an activation name; returns false if unknown.
bool parseActivation(const std::string& name, Activation* out);

template <typename Scalar> class Layer {
public:
    using Map = typename Types<Scalar>::Map;
    using ConstMap = typename Types<Scalar>::ConstMap;

    Layer(std::string name, Shape input, Shape output)
        : m_name(std::move(name)), m_input(input), m_output(output) {}
    virtual ~Layer() = default;
    Layer(const Layer&) = delete;
    Layer& operator=(const Layer&) = delete;

    /// "dense1", "conv2", "relu1" — trainable tensors are named "<name>.<suffix>".
    [[nodiscard]] const std::string& name() const { return m_name; }
    /// "dense", "conv2d", "maxpool2d", "flatten", "activation".
    [[nodiscard]] virtual std::string kind() const = 0;
    [[nodiscard]] Shape inputShape() const { return m_input; }
    [[nodiscard]] Shape outputShape() const { return m_output; }

    /// Trainable tensors, in the order they lie in the flat vector.
    [[nodiscard]] virtual std::vector<TensorSpec> tensors() const { return {}; }
    /// Point the layer at its slice of the flat parameter and gradient vectors (both hold the
    /// layer's tensors consecutively, in tensors() order).
    virtual void bind(Scalar* params, Scalar* grads) {
        m_params = params;
        m_grads = grads;
    }
    /// Size work buffers for batches of up to `batch` rows.
    virtual void reserve(Eigen::Index /*batch*/) {}

    /// out = layer(in); `in` is n × inputShape().size(), `out` n × outputShape().size().
    virtual void forward(ConstMap in, Map out) = 0;
    /// Given dL/d(out), write dL/d(own tensors) into the gradient slice (overwriting) and, if
    /// `dIn` is not null, dL/d(in). `in` and `out` are those of the last forward().
    virtual void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) = 0;

protected:
    std::string m_name;
    Shape m_input;
    Shape m_output;
    Scalar* m_params = nullptr;
    Scalar* m_grads = nullptr;
};

/// Fully connected: z = x Wᵀ + b, W laid out [out][in] like torch.nn.Linear.
template <typename Scalar> class DenseLayer final : public Layer<Scalar> {
public:
    using typename Layer<Scalar>::Map;
    using typename Layer<Scalar>::ConstMap;
    DenseLayer(std::string name, Eigen::Index in, Eigen::Index out);
    ~DenseLayer() override;
    [[nodiscard]] std::string kind() const override { return "dense"; }
    [[nodiscard]] std::vector<TensorSpec> tensors() const override;
    /// Sizes the matrix products' packing buffers (kept, so the products allocate nothing).
    void reserve(Eigen::Index batch) override;
    void forward(ConstMap in, Map out) override;
    void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) override;

private:
    struct Workspace;
    Eigen::Index m_in;
    Eigen::Index m_out;
    std::unique_ptr<Workspace> m_work;
};

/// 2-D convolution (cross-correlation, as torch.nn.Conv2d), square kernel, stride 1, zero
/// padding `padding` on every side (0 <= padding < kernel). Weight laid out
/// [out_channels][ky][kx][in_channels] (HWC patches), bias [out_channels]. Computed sample by
/// sample as a direct convolution, vectorised along output rows on zero-padded channel-planar
/// copies, or along the output channels on the HWC rows when there is no padding and the output
/// channels fill whole vectors (see conv_engine.cpp: the kernels, compiled per instruction set).
template <typename Scalar> class Conv2dLayer final : public Layer<Scalar> {
public:
    using typename Layer<Scalar>::Map;
    using typename Layer<Scalar>::ConstMap;
    Conv2dLayer(std::string name, Shape input, Eigen::Index outChannels, Eigen::Index kernel,
                Eigen::Index padding = 0);
    [[nodiscard]] std::string kind() const override { return "conv2d"; }
    [[nodiscard]] std::vector<TensorSpec> tensors() const override;
    void reserve(Eigen::Index batch) override;
    void forward(ConstMap in, Map out) override;
    void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) override;

    [[nodiscard]] Eigen::Index kernel() const { return m_kernel; }
    [[nodiscard]] Eigen::Index padding() const { return m_padding; }

private:
    /// Grows m_planarIn (kept zero borders) to n samples.
    void growPlanarInput(Eigen::Index n);
    /// No padding and whole 64-byte vectors of output channels: the kernels work on the HWC
    /// rows directly, vectorised over output channels (see conv_engine.cpp).
    [[nodiscard]] bool channelVectorised() const;
    /// Shape, buffers and slices for the kernels (core/nn/conv_engine.cpp).
    [[nodiscard]] ConvArgs<Scalar> args();
    Eigen::Index m_kernel;
    Eigen::Index m_padding;
    Eigen::Index m_patch; ///< kernel² · in_channels
    // Row and plane strides of the per-sample planar buffers (set by reserve()).
    Eigen::Index m_inRow = 0, m_inPlane = 0;
    Eigen::Index m_outRow = 0, m_outPlane = 0;
    Eigen::Index m_gRow = 0, m_gPlane = 0;
    Eigen::Index m_dInRow = 0, m_dInPlane = 0;
    std::vector<Scalar> m_planarIn;     ///< the batch's input, zero border of `padding`
    const Scalar* m_planarOf = nullptr; ///< the input m_planarIn holds
    Eigen::Index m_planarRows = 0;
    std::vector<Scalar> m_planarOut;  ///< output, or dL/d(input) in backward()
    std::vector<Scalar> m_planarGrad; ///< dL/d(output), zero border of kernel − 1 − padding
    std::vector<Scalar> m_flipped;    ///< flipped kernel [in][ky][kx][out] for dL/d(input)
    std::vector<Scalar> m_weightGrad; ///< per-lane partial sums of dL/d(weight)
    std::vector<Scalar> m_transposed; ///< weights as [tap][out] (forward) or [out][tap] (backward)
    std::vector<Scalar> m_patchGrad;  ///< patch gradients of one sample (channel-vectorised path)
};

/// Max-pooling with a square window of `size` and stride `size` (floor of odd sizes, like
/// torch.nn.MaxPool2d). The gradient flows to the first maximum of each window.
template <typename Scalar> class MaxPool2dLayer final : public Layer<Scalar> {
public:
    using typename Layer<Scalar>::Map;
    using typename Layer<Scalar>::ConstMap;
    MaxPool2dLayer(std::string name, Shape input, Eigen::Index size = 2);
    [[nodiscard]] std::string kind() const override { return "maxpool2d"; }
    void reserve(Eigen::Index batch) override;
    void forward(ConstMap in, Map out) override;
    void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) override;

private:
    [[nodiscard]] PoolArgs args();

    Eigen::Index m_size;
    std::vector<std::int32_t> m_argmax; ///< per output element: input index within its sample
};

/// C×H×W → one feature vector. The data layout is unchanged (a copy), only the shape.
template <typename Scalar> class FlattenLayer final : public Layer<Scalar> {
public:
    using typename Layer<Scalar>::Map;
    using typename Layer<Scalar>::ConstMap;
    FlattenLayer(std::string name, Shape input);
    [[nodiscard]] std::string kind() const override { return "flatten"; }
    void forward(ConstMap in, Map out) override;
    void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) override;
};

/// Element-wise activation; the derivative is taken from the output (relu'(0) = 0, as torch).
template <typename Scalar> class ActivationLayer final : public Layer<Scalar> {
public:
    using typename Layer<Scalar>::Map;
    using typename Layer<Scalar>::ConstMap;
    ActivationLayer(std::string name, Shape shape, Activation activation);
    [[nodiscard]] std::string kind() const override { return "activation"; }
    [[nodiscard]] Activation activation() const { return m_activation; }
    void forward(ConstMap in, Map out) override;
    void backward(ConstMap in, ConstMap out, ConstMap dOut, Map* dIn) override;

private:
    Activation m_activation;
};

} // namespace optiscope::nn
