#include "core/nn/network.h"

#include <cmath>
#include <random>
#include <stdexcept>

namespace optiscope::nn {

using Eigen::Index;

bool parseInitScheme(const std::string& name, InitScheme* out) {
    if (name == "torch")
        *out = InitScheme::Torch;
    else if (name == "keras")
        *out = InitScheme::Keras;
    else
        return false;
    return true;
}

template <typename Scalar> Network<Scalar>::Network(Shape input) : m_input(input) {}

template <typename Scalar> Network<Scalar>::~Network() = default;

template <typename Scalar> Shape Network<Scalar>::outputShape() const {
    return m_layers.empty() ? m_input : m_layers.back()->outputShape();
}

template <typename Scalar>
void Network<Scalar>::add(std::unique_ptr<Layer<Scalar>> layer) {
    if (m_finalized)
        throw std::logic_error("Network::add after finalize");
    if (layer->inputShape().size() != outputShape().size())
        throw std::invalid_argument(
            "layer " + layer->name() + " expects " + std::to_string(layer->inputShape().size()) +
            " inputs, previous layer gives " + std::to_string(outputShape().size()));
    m_layers.push_back(std::move(layer));
}

template <typename Scalar> void Network<Scalar>::finalize() {
    Index offset = 0;
    m_tensors.clear();
    m_layerOffset.clear();
    for (const auto& layer : m_layers) {
        m_layerOffset.push_back(offset);
        for (const TensorSpec& spec : layer->tensors()) {
            m_tensors.push_back(ParamTensor{layer->name() + "." + spec.suffix, offset, spec.size(),
                                            spec.shape, spec.isBias});
            offset += spec.size();
        }
    }
    m_params = Vector::Zero(offset);
    m_grads = Vector::Zero(offset);
    for (std::size_t i = 0; i < m_layers.size(); ++i)
        m_layers[i]->bind(m_params.data() + m_layerOffset[i], m_grads.data() + m_layerOffset[i]);
    m_acts.assign(m_layers.size(), {});
    m_capacity = 0;
    m_finalized = true;
}

template <typename Scalar>
const ParamTensor* Network<Scalar>::findTensor(const std::string& name) const {
    for (const auto& t : m_tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

template <typename Scalar>
typename Network<Scalar>::Map Network<Scalar>::tensor(const ParamTensor& t) {
    const Index rows = t.shape.empty() ? 1 : t.shape.front();
    return Map(m_params.data() + t.offset, rows, t.size / rows);
}

template <typename Scalar>
typename Network<Scalar>::Map Network<Scalar>::gradTensor(const ParamTensor& t) {
    const Index rows = t.shape.empty() ? 1 : t.shape.front();
    return Map(m_grads.data() + t.offset, rows, t.size / rows);
}

template <typename Scalar>
void Network<Scalar>::initialize(std::uint64_t seed, InitScheme scheme) {
    if (!m_finalized)
        finalize();
    std::mt19937_64 rng(seed);
    // 53 random bits → [0, 1): the same numbers on every platform (std::uniform_real_distribution
    // is implementation-defined).
    auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
    std::size_t t = 0;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        double fanIn = 0.0; // of the layer's weight, which comes before its bias
        for (const TensorSpec& spec : m_layers[i]->tensors()) {
            const ParamTensor& pt = m_tensors[t++];
            auto slice = m_params.segment(pt.offset, pt.size);
            double bound = 0.0;
            if (!spec.isBias) {
                fanIn = static_cast<double>(spec.fanIn);
                const double fanOut = static_cast<double>(spec.fanOut);
                bound = scheme == InitScheme::Torch ? 1.0 / std::sqrt(fanIn)
                                                    : std::sqrt(6.0 / (fanIn + fanOut));
            } else if (scheme == InitScheme::Torch && fanIn > 0) {
                bound = 1.0 / std::sqrt(fanIn);
            }
            if (bound == 0.0) {
                slice.setZero();
                continue;
            }
            for (Index j = 0; j < pt.size; ++j)
                slice[j] = static_cast<Scalar>((2.0 * uniform() - 1.0) * bound);
        }
    }
}

template <typename Scalar> void Network<Scalar>::reserve(Index batch) {
    if (!m_finalized)
        finalize();
    if (batch <= m_capacity)
        return;
    Index maxSize = m_input.size();
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        const Index size = m_layers[i]->outputShape().size();
        maxSize = std::max(maxSize, size);
        m_acts[i].resize(static_cast<std::size_t>(batch * size));
        m_layers[i]->reserve(batch);
    }
    m_gradA.resize(static_cast<std::size_t>(batch * maxSize));
    m_gradB.resize(static_cast<std::size_t>(batch * maxSize));
    m_capacity = batch;
}

template <typename Scalar>
typename Network<Scalar>::ConstMap Network<Scalar>::forward(ConstMap input) {
    if (input.cols() != m_input.size())
        throw std::invalid_argument("network expects " + std::to_string(m_input.size()) +
                                    " input features, got " + std::to_string(input.cols()));
    const Index n = input.rows();
    reserve(n);
    m_rows = n;
    m_lastInput = input.data();
    ConstMap current = input;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        Map out(m_acts[i].data(), n, m_layers[i]->outputShape().size());
        m_layers[i]->forward(current, out);
        new (&current) ConstMap(out.data(), n, out.cols());
    }
    return current;
}

template <typename Scalar>
typename Network<Scalar>::ConstMap Network<Scalar>::activations(std::size_t index) const {
    return ConstMap(m_acts.at(index).data(), m_rows, m_layers.at(index)->outputShape().size());
}

template <typename Scalar> void Network<Scalar>::backward(ConstMap dOutput) {
    const Index n = m_rows;
    if (dOutput.rows() != n || dOutput.cols() != outputSize())
        throw std::invalid_argument("Network::backward: gradient shape does not match forward");
    const Scalar* dCur = dOutput.data();
    Scalar* buffers[2] = {m_gradA.data(), m_gradB.data()};
    int next = 0;
    for (std::size_t k = m_layers.size(); k-- > 0;) {
        Layer<Scalar>& layer = *m_layers[k];
        const Index inSize = layer.inputShape().size();
        const Index outSize = layer.outputShape().size();
        ConstMap in(k == 0 ? m_lastInput : m_acts[k - 1].data(), n, inSize);
        ConstMap out(m_acts[k].data(), n, outSize);
        ConstMap dOut(dCur, n, outSize);
        if (k == 0) {
            layer.backward(in, out, dOut, nullptr);
        } else {
            Map dIn(buffers[next], n, inSize);
            layer.backward(in, out, dOut, &dIn);
            dCur = buffers[next];
            next ^= 1;
        }
    }
}

template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildMlp(Index inputs, const std::vector<Index>& hidden,
                                          Activation activation, Index outputs) {
    if (inputs < 1 || outputs < 1)
        throw std::invalid_argument("an MLP needs at least one input and one output");
    auto net = std::make_unique<Network<Scalar>>(Shape{inputs, 1, 1});
    Index in = inputs;
    int index = 1;
    for (Index h : hidden) {
        if (h < 1)
            throw std::invalid_argument("hidden layer sizes must be positive");
        const std::string n = std::to_string(index);
        net->add(std::make_unique<DenseLayer<Scalar>>("dense" + n, in, h));
        if (activation != Activation::Linear)
            net->add(
                std::make_unique<ActivationLayer<Scalar>>("act" + n, Shape{h, 1, 1}, activation));
        in = h;
        ++index;
    }
    net->add(std::make_unique<DenseLayer<Scalar>>("dense" + std::to_string(index), in, outputs));
    net->finalize();
    return net;
}

template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildLeNet5(Shape image, Index classes) {
    if (image.height < 4 || image.width < 4)
        throw std::invalid_argument("LeNet-5 needs images of at least 4x4 pixels, got " +
                                    std::to_string(image.height) + "x" +
                                    std::to_string(image.width));
    auto net = std::make_unique<Network<Scalar>>(image);
    auto side = [](Shape s) { return std::min(s.height, s.width); };
    Shape s = image;
    auto conv1 =
        std::make_unique<Conv2dLayer<Scalar>>("conv1", s, 6, 5, side(s) < 32 ? Index(2) : Index(0));
    s = conv1->outputShape();
    net->add(std::move(conv1));
    net->add(std::make_unique<ActivationLayer<Scalar>>("relu1", s, Activation::Relu));
    auto pool1 = std::make_unique<MaxPool2dLayer<Scalar>>("pool1", s, 2);
    s = pool1->outputShape();
    net->add(std::move(pool1));
    auto conv2 =
        std::make_unique<Conv2dLayer<Scalar>>("conv2", s, 16, 5, side(s) < 9 ? Index(2) : Index(0));
    s = conv2->outputShape();
    net->add(std::move(conv2));
    net->add(std::make_unique<ActivationLayer<Scalar>>("relu2", s, Activation::Relu));
    auto pool2 = std::make_unique<MaxPool2dLayer<Scalar>>("pool2", s, 2);
    s = pool2->outputShape();
    net->add(std::move(pool2));
    net->add(std::make_unique<FlattenLayer<Scalar>>("flatten", s));
    net->add(std::make_unique<DenseLayer<Scalar>>("dense1", s.size(), 120));
    net->add(
        std::make_unique<ActivationLayer<Scalar>>("relu3", Shape{120, 1, 1}, Activation::Relu));
    net->add(std::make_unique<DenseLayer<Scalar>>("dense2", 120, 84));
    net->add(std::make_unique<ActivationLayer<Scalar>>("relu4", Shape{84, 1, 1}, Activation::Relu));
    net->add(std::make_unique<DenseLayer<Scalar>>("dense3", 84, classes));
    net->finalize();
    return net;
}

template <typename Scalar>
std::unique_ptr<Network<Scalar>> buildModel(const ModelSpec& spec, Shape input, Index outputs) {
    if (spec.architecture == ModelSpec::Architecture::LeNet5)
        return buildLeNet5<Scalar>(input, outputs);
    return buildMlp<Scalar>(input.size(), spec.hidden, spec.activation, outputs);
}

template class Network<float>;
template class Network<double>;
template std::unique_ptr<Network<float>> buildMlp<float>(Index, const std::vector<Index>&,
                                                         Activation, Index);
template std::unique_ptr<Network<double>> buildMlp<double>(Index, const std::vector<Index>&,
                                                           Activation, Index);
template std::unique_ptr<Network<float>> buildLeNet5<float>(Shape, Index);
template std::unique_ptr<Network<double>> buildLeNet5<double>(Shape, Index);
template std::unique_ptr<Network<float>> buildModel<float>(const ModelSpec&, Shape, Index);
template std::unique_ptr<Network<double>> buildModel<double>(const ModelSpec&, Shape, Index);

} // namespace optiscope::nn
