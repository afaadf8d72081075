// Finite-difference check of every layer type (dense, conv2d, max-pool, flatten, each activation)
// and both losses, in double precision: the layers are templated on the scalar type, so the
// analytic backward pass of Network<double> is compared with central differences of its forward.
#include "core/nn/loss.h"
#include "core/nn/network.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <random>

using namespace optiscope::nn;
using Eigen::Index;
using Net = Network<double>;
using Matrix = Types<double>::Matrix;
using ConstMap = Types<double>::ConstMap;
using Map = Types<double>::Map;

namespace {

std::unique_ptr<Net> buildCase(const QString& id) {
    if (id.startsWith("dense-")) {
        Activation act{};
        parseActivation(id.mid(6).toStdString(), &act);
        auto net = std::make_unique<Net>(Shape{3, 1, 1});
        net->add(std::make_unique<DenseLayer<double>>("dense1", 3, 5));
        net->add(std::make_unique<ActivationLayer<double>>("act1", Shape{5, 1, 1}, act));
        net->add(std::make_unique<DenseLayer<double>>("dense2", 5, 4));
        net->finalize();
        return net;
    }
    if (id == "conv-valid") { // 2×7×7 → conv 3×3 (4) → relu → pool → flatten → dense
        const Shape in{2, 7, 7};
        auto net = std::make_unique<Net>(in);
        auto conv = std::make_unique<Conv2dLayer<double>>("conv1", in, 4, 3, 0);
        const Shape c = conv->outputShape(); // 4×5×5
        net->add(std::move(conv));
        net->add(std::make_unique<ActivationLayer<double>>("act1", c, Activation::Relu));
        auto pool = std::make_unique<MaxPool2dLayer<double>>("pool1", c, 2); // odd: 5 → 2
        const Shape p = pool->outputShape();
        net->add(std::move(pool));
        net->add(std::make_unique<FlattenLayer<double>>("flatten", p));
        net->add(std::make_unique<DenseLayer<double>>("dense1", p.size(), 3));
        net->finalize();
        return net;
    }
    if (id == "conv-padded") { // 3×6×6 → conv 5×5 pad 2 (2) → tanh → pool → conv 3×3 pad 1 → dense
        const Shape in{3, 6, 6};
        auto net = std::make_unique<Net>(in);
        auto conv = std::make_unique<Conv2dLayer<double>>("conv1", in, 2, 5, 2);
        const Shape c = conv->outputShape();
        net->add(std::move(conv));
        net->add(std::make_unique<ActivationLayer<double>>("act1", c, Activation::Tanh));
        auto pool = std::make_unique<MaxPool2dLayer<double>>("pool1", c, 2);
        const Shape p = pool->outputShape();
        net->add(std::move(pool));
        auto conv2 = std::make_unique<Conv2dLayer<double>>("conv2", p, 3, 3, 1);
        const Shape c2 = conv2->outputShape();
        net->add(std::move(conv2));
        net->add(std::make_unique<ActivationLayer<double>>("act2", c2, Activation::Sigmoid));
        net->add(std::make_unique<DenseLayer<double>>("dense1", c2.size(), 3));
        net->finalize();
        return net;
    }
    if (id == "lenet5-8x8")
        return buildLeNet5<double>(Shape{1, 8, 8}, 3);
    if (id == "lenet5-32x32") // full-width rows: two vectors of output pixels per row
        return buildLeNet5<double>(Shape{3, 32, 32}, 3);
    return nullptr;
}

double lossOf(Net& net, const Matrix& x, const std::vector<int>& labels, const Matrix& targets,
              bool ce, Matrix* dOut) {
    ConstMap out = net.forward(ConstMap(x.data(), x.rows(), x.cols()));
    Map* dp = nullptr;
    Map dm(dOut ? dOut->data() : nullptr, out.rows(), out.cols());
    if (dOut)
        dp = &dm;
    if (ce)
        return softmaxCrossEntropy<double>(out, labels.data(), dp);
    return meanSquaredError<double>(out, ConstMap(targets.data(), targets.rows(), targets.cols()),
                                    dp);
}

/// Largest error of a Conv2dLayer<S> (forward, weight, bias and input gradients) against plain
/// loops in double, relative to the rounding bound n·u·Σ|terms| of an n-term sum in S (the
/// layer's summation order is its own, so only that worst-case bound is guaranteed).
template <typename S>
double convErrorOverBound(Index c, Index h, Index w, Index oc, Index k, Index pad, Index n) {
    Conv2dLayer<S> layer("conv", Shape{c, h, w}, oc, k, pad);
    const Shape os = layer.outputShape();
    const Index ho = os.height, wo = os.width, patch = k * k * c;
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<S> params(static_cast<std::size_t>(oc * patch + oc)), grads(params.size());
    for (S& v : params)
        v = static_cast<S>(u(rng));
    layer.bind(params.data(), grads.data());
    typename Types<S>::Matrix in(n, c * h * w), g(n, oc * ho * wo), out(n, oc * ho * wo),
        dIn(n, c * h * w);
    for (Index i = 0; i < in.size(); ++i)
        in.data()[i] = static_cast<S>(u(rng));
    for (Index i = 0; i < g.size(); ++i)
        g.data()[i] = static_cast<S>(u(rng));
    using CMap = typename Types<S>::ConstMap;
    using MMap = typename Types<S>::Map;
    layer.forward(CMap(in.data(), n, in.cols()), MMap(out.data(), n, out.cols()));
    MMap dInMap(dIn.data(), n, dIn.cols());
    layer.backward(CMap(in.data(), n, in.cols()), CMap(out.data(), n, out.cols()),
                   CMap(g.data(), n, g.cols()), &dInMap);

    // Reference sums and the sums of |terms| in double.
    std::vector<double> refOut(static_cast<std::size_t>(out.size())), absOut(refOut.size());
    std::vector<double> refW(static_cast<std::size_t>(oc * patch)), absW(refW.size());
    std::vector<double> refB(static_cast<std::size_t>(oc)), absB(refB.size());
    std::vector<double> refIn(static_cast<std::size_t>(dIn.size())), absIn(refIn.size());
    for (Index s = 0; s < n; ++s)
        for (Index oy = 0; oy < ho; ++oy)
            for (Index ox = 0; ox < wo; ++ox)
                for (Index o = 0; o < oc; ++o) {
                    const auto oi =
                        static_cast<std::size_t>(s * g.cols() + (oy * wo + ox) * oc + o);
                    const double gv = g.data()[oi];
                    refOut[oi] = params[static_cast<std::size_t>(oc * patch + o)];
                    absOut[oi] = std::abs(refOut[oi]);
                    refB[static_cast<std::size_t>(o)] += gv;
                    absB[static_cast<std::size_t>(o)] += std::abs(gv);
                    for (Index ky = 0; ky < k; ++ky)
                        for (Index kx = 0; kx < k; ++kx) {
                            const Index iy = oy + ky - pad, ix = ox + kx - pad;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                continue;
                            for (Index ci = 0; ci < c; ++ci) {
                                const auto wi =
                                    static_cast<std::size_t>(((o * k + ky) * k + kx) * c + ci);
                                const auto ii = static_cast<std::size_t>(s * in.cols() +
                                                                         (iy * w + ix) * c + ci);
                                const double x = in.data()[ii], wv = params[wi];
                                refOut[oi] += wv * x;
                                absOut[oi] += std::abs(wv * x);
                                refW[wi] += gv * x;
                                absW[wi] += std::abs(gv * x);
                                refIn[ii] += wv * gv;
                                absIn[ii] += std::abs(wv * gv);
                            }
                        }
                }
    const double unit = std::numeric_limits<S>::epsilon() / 2;
    double worst = 0;
    auto check = [&](const S* got, const std::vector<double>& ref, const std::vector<double>& abs,
                     double terms) {
        for (std::size_t i = 0; i < ref.size(); ++i) {
            const double bound = terms * unit * abs[i] + 1e-300;
            worst = std::max(worst, std::abs(static_cast<double>(got[i]) - ref[i]) / bound);
        }
    };
    check(out.data(), refOut, absOut, static_cast<double>(patch + 1));
    check(grads.data(), refW, absW, static_cast<double>(n * ho * wo));
    check(grads.data() + oc * patch, refB, absB, static_cast<double>(n * ho * wo));
    check(dIn.data(), refIn, absIn, static_cast<double>(oc * k * k));
    return worst;
}

} // namespace

class TestNnGradcheck : public QObject {
    Q_OBJECT
private slots:
    void gradients_data();
    void gradients();
    void convMatchesNaive_data();
    void convMatchesNaive();
    void shapes();
    void initializationIsSeeded();
};

void TestNnGradcheck::gradients_data() {
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("crossEntropy");
    for (const char* m : {"dense-relu", "dense-tanh", "dense-sigmoid", "dense-linear", "conv-valid",
                          "conv-padded", "lenet5-8x8", "lenet5-32x32"}) {
        QTest::newRow((std::string(m) + " ce").c_str()) << QString(m) << true;
        QTest::newRow((std::string(m) + " mse").c_str()) << QString(m) << false;
    }
}

// Central differences with h = 1e-6 have truncation error ~h²·f''' ≈ 1e-12 and rounding error
// ~1e-16/h = 1e-10 on O(1) losses (observed: at most 5e-9); 1e-7·max(1, |g|) leaves a 20×
// margin while any wrong index or missing term in a backward pass gives errors of order |g|.
void TestNnGradcheck::gradients() {
    QFETCH(QString, model);
    QFETCH(bool, crossEntropy);
    auto net = buildCase(model);
    QVERIFY(net);
    const std::uint64_t seed = 12345;
    qInfo("seed %llu, %lld parameters", static_cast<unsigned long long>(seed),
          static_cast<long long>(net->params().size()));
    net->initialize(seed);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    // Random biases too, so that every bias gradient and ReLU pattern is exercised.
    for (Index i = 0; i < net->params().size(); ++i)
        net->params()[i] += 0.1 * u(rng);
    const Index n = 5, k = net->outputSize();
    Matrix x(n, net->inputSize()), targets(n, k), dOut(n, k);
    for (Index i = 0; i < x.size(); ++i)
        x.data()[i] = u(rng);
    for (Index i = 0; i < targets.size(); ++i)
        targets.data()[i] = u(rng);
    std::vector<int> labels;
    for (Index i = 0; i < n; ++i)
        labels.push_back(static_cast<int>(i % k));

    lossOf(*net, x, labels, targets, crossEntropy, &dOut);
    net->backward(ConstMap(dOut.data(), n, k));
    const Eigen::VectorXd analytic = net->grads();

    const double h = 1e-6;
    double worst = 0;
    Index worstAt = -1;
    // Every parameter of small models; a fixed random subset of the larger LeNet.
    std::vector<Index> check;
    const Index p = net->params().size();
    if (p <= 600) {
        for (Index i = 0; i < p; ++i)
            check.push_back(i);
    } else {
        for (const auto& t : net->tensors()) // first, last and 40 random of each tensor
            for (Index j : {Index(0), t.size - 1})
                check.push_back(t.offset + j);
        std::uniform_int_distribution<Index> pick(0, p - 1);
        for (int i = 0; i < 400; ++i)
            check.push_back(pick(rng));
    }
    for (Index i : check) {
        const double saved = net->params()[i];
        net->params()[i] = saved + h;
        const double up = lossOf(*net, x, labels, targets, crossEntropy, nullptr);
        net->params()[i] = saved - h;
        const double down = lossOf(*net, x, labels, targets, crossEntropy, nullptr);
        net->params()[i] = saved;
        const double fd = (up - down) / (2 * h);
        const double err = std::abs(fd - analytic[i]) / std::max(1.0, std::abs(analytic[i]));
        if (err > worst) {
            worst = err;
            worstAt = i;
        }
    }
    qInfo("checked %zu parameters, worst relative error %.3g at %lld", check.size(), worst,
          static_cast<long long>(worstAt));
    QVERIFY2(worst < 1e-7,
             qPrintable(QString("gradient mismatch %1 at parameter %2").arg(worst).arg(worstAt)));
    QVERIFY(analytic.cwiseAbs().maxCoeff() > 1e-3); // the check is not vacuous
}

void TestNnGradcheck::convMatchesNaive_data() {
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("oc");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("pad");
    // LeNet's layers on CIFAR, MNIST and the 8x8 digits, then odd sizes: output channels that
    // are not a multiple of the kernels' blocks, kernels wider than their 5-column chunks, rows
    // wider than one vector, 1x1 kernels and padding up to kernel − 1.
    QTest::newRow("lenet conv1 3x32x32") << 3 << 32 << 32 << 6 << 5 << 0;
    QTest::newRow("lenet conv2 6x14x14") << 6 << 14 << 14 << 16 << 5 << 0;
    QTest::newRow("mnist conv1 1x28x28") << 1 << 28 << 28 << 6 << 5 << 0;
    QTest::newRow("digits conv1 1x8x8 pad 2") << 1 << 8 << 8 << 6 << 5 << 2;
    QTest::newRow("13 channels 7x7 pad 3") << 2 << 9 << 11 << 13 << 7 << 3;
    QTest::newRow("3x3 pad 1 wide rows") << 4 << 5 << 37 << 3 << 3 << 1;
    QTest::newRow("1x1") << 5 << 6 << 20 << 9 << 1 << 0;
    QTest::newRow("pad kernel-1") << 1 << 3 << 3 << 2 << 3 << 2;
    // Unpadded layers with whole vectors of output channels take the channel-vectorised path:
    // blocks of pixels that divide the row, overlapping ones, rows narrower than a block, and
    // two vectors of channels (four in double).
    QTest::newRow("mnist conv2 6x12x12") << 6 << 12 << 12 << 16 << 5 << 0;
    QTest::newRow("16 channels, overlapping blocks") << 2 << 5 << 15 << 16 << 3 << 0;
    QTest::newRow("16 channels, narrow rows") << 1 << 4 << 5 << 16 << 3 << 0;
    QTest::newRow("32 channels") << 3 << 6 << 6 << 32 << 2 << 0;
}

// The vectorised direct convolution against plain loops, in float (what training uses: 16 lanes)
// and double (8 lanes, also what the finite differences above check), on 3 samples.
void TestNnGradcheck::convMatchesNaive() {
    QFETCH(int, c);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, oc);
    QFETCH(int, k);
    QFETCH(int, pad);
    const double f = convErrorOverBound<float>(c, h, w, oc, k, pad, 3);
    const double d = convErrorOverBound<double>(c, h, w, oc, k, pad, 3);
    qInfo("error / rounding bound: float %.3g, double %.3g", f, d);
    QVERIFY2(f <= 1.0, qPrintable(QString("float error %1 x the bound").arg(f)));
    QVERIFY2(d <= 1.0, qPrintable(QString("double error %1 x the bound").arg(d)));
}

void TestNnGradcheck::shapes() {
    auto classic = buildLeNet5<float>(Shape{3, 32, 32}, 10);
    QVERIFY(classic->findTensor("conv1.weight"));
    QCOMPARE(classic->findTensor("dense1.weight")->shape.at(1), Index(16 * 5 * 5));
    QCOMPARE(classic->params().size(),
             Index(6 * 75 + 6 + 16 * 150 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10));
    // 28×28 is padded as LeNet-5 padded MNIST (to 32×32): the classic 16×5×5 features.
    auto mnist = buildLeNet5<float>(Shape{1, 28, 28}, 10);
    QCOMPARE(mnist->findTensor("dense1.weight")->shape.at(1), Index(16 * 5 * 5));
    auto digits = buildLeNet5<float>(Shape{1, 8, 8}, 10);
    QCOMPARE(digits->findTensor("dense1.weight")->shape.at(1), Index(16 * 2 * 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildLeNet5<float>(Shape{1, 3, 3}, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             Conv2dLayer<float>("c", Shape{1, 4, 4}, 2, 5, 0));
}

void TestNnGradcheck::initializationIsSeeded() {
    auto a = buildMlp<float>(2, {16, 16}, Activation::Relu, 3);
    auto b = buildMlp<float>(2, {16, 16}, Activation::Relu, 3);
    a->initialize(7);
    b->initialize(7);
    QVERIFY(a->params() == b->params());
    b->initialize(8);
    QVERIFY(a->params() != b->params());
    // PyTorch's default (InitScheme::Torch): weights and biases uniform in ±1/√fan_in, so a
    // bias is not zero and each tensor nearly fills its bound.
    for (const ParamTensor& t : a->tensors()) {
        const std::string layer = t.name.substr(0, t.name.find('.'));
        const auto& w = *a->findTensor(layer + ".weight");
        const double fanIn = double(w.shape.at(1));
        const float bound = float(1.0 / std::sqrt(fanIn));
        const auto v = a->tensor(t);
        QVERIFY2(v.cwiseAbs().maxCoeff() <= bound, t.name.c_str());
        if (t.size >= 16)
            QVERIFY2(v.cwiseAbs().maxCoeff() > 0.6f * bound, t.name.c_str());
    }
    // Keras' default: glorot_uniform weights, √(6/(fan_in + fan_out)), zero biases.
    a->initialize(7, InitScheme::Keras);
    const auto w1 = a->tensor(*a->findTensor("dense1.weight"));
    QVERIFY(w1.cwiseAbs().maxCoeff() <= std::sqrt(6.0f / 18.0f));
    QVERIFY(w1.cwiseAbs().maxCoeff() > 0.5f * std::sqrt(6.0f / 18.0f));
    const auto w3 = a->tensor(*a->findTensor("dense3.weight"));
    QVERIFY(w3.cwiseAbs().maxCoeff() <= std::sqrt(6.0f / 19.0f));
    QCOMPARE(a->tensor(*a->findTensor("dense1.bias")).cwiseAbs().maxCoeff(), 0.0f);
    // Convolutions: fan_in = in_channels × kernel area (PyTorch) — conv1 of LeNet-5 on 1×28×28.
    auto lenet = buildLeNet5<float>(Shape{1, 28, 28}, 10);
    lenet->initialize(3);
    for (const char* name : {"conv1.weight", "conv1.bias"}) {
        const auto v = lenet->tensor(*lenet->findTensor(name));
        QVERIFY2(v.cwiseAbs().maxCoeff() <= 0.2f, name); // 1/√25
    }
    const auto c2 = lenet->tensor(*lenet->findTensor("conv2.weight"));
    QVERIFY(c2.cwiseAbs().maxCoeff() <= float(1.0 / std::sqrt(150.0)));
}

QTEST_GUILESS_MAIN(TestNnGradcheck)
#include "tst_nn_gradcheck.moc"
