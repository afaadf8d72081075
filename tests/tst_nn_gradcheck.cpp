// Finite-difference check of every layer type (dense, conv2d, max-pool, flatten, each activation)
// and both losses, in double precision: the layers are templated on the scalar type, so the
// analytic backward pass of Network<double> is compared with central differences of its forward.
#include "core/nn/loss.h"
#include "core/nn/network.h"

#include <QtTest/QtTest>

#include <cmath>
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
    if (id == "lenet5-32x32") // conv1's im2col runs one sample per chunk: the chunked path
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

} // namespace

class TestNnGradcheck : public QObject {
    Q_OBJECT
private slots:
    void gradients_data();
    void gradients();
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

void TestNnGradcheck::shapes() {
    auto classic = buildLeNet5<float>(Shape{3, 32, 32}, 10);
    QVERIFY(classic->findTensor("conv1.weight"));
    QCOMPARE(classic->findTensor("dense1.weight")->shape.at(1), Index(16 * 5 * 5));
    QCOMPARE(classic->params().size(),
             Index(6 * 75 + 6 + 16 * 150 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10));
    auto mnist = buildLeNet5<float>(Shape{1, 28, 28}, 10);
    QCOMPARE(mnist->findTensor("dense1.weight")->shape.at(1), Index(16 * 4 * 4));
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
    // He uniform bound for dense1 (fan_in 2): √3; Glorot for dense3 (16 → 3): √(6/19).
    const auto w1 = a->tensor(*a->findTensor("dense1.weight"));
    QVERIFY(w1.cwiseAbs().maxCoeff() <= std::sqrt(3.0f));
    QVERIFY(w1.cwiseAbs().maxCoeff() > 0.5f * std::sqrt(3.0f));
    const auto w3 = a->tensor(*a->findTensor("dense3.weight"));
    QVERIFY(w3.cwiseAbs().maxCoeff() <= std::sqrt(6.0f / 19.0f));
    QCOMPARE(a->tensor(*a->findTensor("dense1.bias")).cwiseAbs().maxCoeff(), 0.0f);
}

QTEST_GUILESS_MAIN(TestNnGradcheck)
#include "tst_nn_gradcheck.moc"
