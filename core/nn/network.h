// A feed-forward network over ONE flat parameter vector.
//
// Every trainable tensor of every layer lives in params() (an Eigen vector), the gradients of the
// last backward() in grads() with the same layout, so any UpdateRule<Scalar> trains a network
// exactly as it moves a point on a 2-D function. tensors() names the slices ("dense1.weight",
// "conv2.bias"), in layer order, weight before bias; tensor() maps one as a row-major matrix.
//
// Batched and allocation-free in steady state: activation and gradient buffers are sized once for
// the largest batch seen (reserve()), and forward()/backward() reuse them.
#pragma once

#include "core/nn/layers.h"
#include "core/nn/loss.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace optiscope::nn {

/// How a network's parameters are initialised (Network::initialize()), as the frameworks do it.
enum class InitScheme {
    /// PyTorch 1.13's default for nn.Linear and nn.Conv2d: kaiming_uniform_(a=√5) weights, i.e.
    /// U(−b, b) with b = 1/√fan_in, and biases U(−b, b) with the same b.
    Torch,
    /// Keras' default for Dense and Conv2D: glorot_uniform weights, U(−a, a) with
    /// a = √(6 / (fan_in + fan_out)), and zero biases.
    Keras,
};

/// "torch" / "keras" → the scheme; false if unknown.
bool parseInitScheme(const std::string& name, InitScheme* out);

/// A named slice of the flat parameter vector.
struct ParamTensor {
    std::string name; ///< "dense1.weight"
    Eigen::Index offset = 0;
    Eigen::Index size = 0;
    std::vector<Eigen::Index> shape; ///< dense weight {out, in}; conv weight {oc, kh, kw, ic}
    bool isBias = false;
};

template <typename Scalar> class Network {
public:
    using Vector = typename Types<Scalar>::Vector;
    using Map = typename Types<Scalar>::Map;
    using ConstMap = typename Types<Scalar>::ConstMap;

    explicit Network(Shape input);
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    /// Append a layer whose input shape is the current output shape (checked).
    void add(std::unique_ptr<Layer<Scalar>> layer);
    /// Lay out the flat vectors once every layer is added (called by the builders).
    void finalize();

    [[nodiscard]] Shape inputShape() const { return m_input; }
    [[nodiscard]] Shape outputShape() const;
    [[nodiscard]] Eigen::Index inputSize() const { return m_input.size(); }
    [[nodiscard]] Eigen::Index outputSize() const { return outputShape().size(); }
    [[nodiscard]] const std::vector<std::unique_ptr<Layer<Scalar>>>& layers() const {
        return m_layers;
    }

    [[nodiscard]] Vector& params() { return m_params; }
    [[nodiscard]] const Vector& params() const { return m_params; }
    [[nodiscard]] const Vector& grads() const { return m_grads; }
    [[nodiscard]] const std::vector<ParamTensor>& tensors() const { return m_tensors; }
    /// The tensor called `name`, or nullptr.
    [[nodiscard]] const ParamTensor* findTensor(const std::string& name) const;
    /// A tensor as a rows × cols matrix: first dimension × product of the others.
    [[nodiscard]] Map tensor(const ParamTensor& t);
    [[nodiscard]] Map gradTensor(const ParamTensor& t);

    /// Every weight and bias drawn as `scheme` says (the frameworks' defaults) from a
    /// std::mt19937_64 seeded with `seed`, with a hand-written uniform transform, so that a seed
    /// gives the same network everywhere.
    void initialize(std::uint64_t seed, InitScheme scheme = InitScheme::Torch);

    /// Size the buffers for batches of up to `batch` samples (done on demand otherwise).
    void reserve(Eigen::Index batch);
    /// Forward pass of n = input.rows() samples; the returned map stays valid until the next
    /// forward() or reserve().
    ConstMap forward(ConstMap input);
    /// Back-propagate dL/d(output) of the last forward() into grads().
    void backward(ConstMap dOutput);

    /// Outputs of layer `index` for the last forward() (the GUI's neuron heat maps).
    [[nodiscard]] ConstMap activations(std::size_t index) const;

private:
    Shape m_input;
    std::vector<std::unique_ptr<Layer<Scalar>>> m_layers;
    std::vector<ParamTensor> m_tensors;
    std::vector<Eigen::Index> m_layerOffset; ///< start of each layer's slice
    Vector m_params;
    Vector m_grads;
    bool m_finalized = false;

    Eigen::Index m_capacity = 0; ///< rows the buffers hold
    Eigen::Index m_rows = 0;     ///< rows of the last forward
    const Scalar* m_lastInput = nullptr;
    std::vector<std::vector<Scalar>> m_acts; ///< per layer: output activations
    std::vector<Scalar> m_gradA;             ///< ping-pong buffers for dL/d(activation)
    std::vector<Scalar> m_gradB;
};

/// What to build (mirrors the experiment's ModelConfig).
struct ModelSpec {
    enum class Architecture { Mlp, LeNet5 };
    Architecture architecture = Architecture::Mlp;
    std::vector<Eigen::Index> hidden{16, 16};
    Activation activation = Activation::Tanh;
};

/// MLP: dense(in→h1) → act → ... → dense(→outputs), no output activation. Layers are named
/// dense1, act1, dense2, ...
template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildMlp(Eigen::Index inputs,
                                          const std::vector<Eigen::Index>& hidden,
                                          Activation activation, Eigen::Index outputs);

/// LeNet-5 (LeCun et al., 1998, with ReLU and max-pooling as in today's tutorials) for
/// C×H×W images: conv1 5×5(6) → relu → pool 2×2 → conv2 5×5(16) → relu → pool 2×2 → flatten →
/// dense1 120 → relu → dense2 84 → relu → dense3 classes. A conv whose input side is below 9
/// pads by 2 ("same") so that small images (8×8 digits) still fit: 32×32 gives the classic
/// 16×5×5 features, 28×28 gives 16×4×4, 8×8 gives 16×2×2. Throws std::invalid_argument for
/// images smaller than 4×4.
template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildLeNet5(Shape image, Eigen::Index classes);

/// Either of the above.
template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildModel(const ModelSpec& spec, Shape input,
                                            Eigen::Index outputs);

} // namespace optiscope::nn
