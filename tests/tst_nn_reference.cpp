// The 2-8-8-3 MLP of ../shared/reference/mlp_reference.json (PyTorch 1.13, float64): outputs,
// losses and gradients, in double (the formulas, to rounding) and in float32 (what training uses).
#include "core/nn/loss.h"
#include "core/nn/network.h"
#include "core/optim/update_rule.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace optiscope::nn;
using json = nlohmann::json;
using Eigen::Index;

namespace {

json loadReference() {
    std::ifstream in(std::string(OPTISCOPE_REFERENCE_DIR) + "/mlp_reference.json");
    if (!in)
        return {};
    return json::parse(in);
}

/// The six reference tensors W1,b1,W2,b2,W3,b3 flattened in that order = our flat layout
/// (dense1.weight [out][in], dense1.bias, ...).
std::vector<double> flatten(const json& tensors) {
    std::vector<double> out;
    for (const char* name : {"W1", "b1", "W2", "b2", "W3", "b3"}) {
        const json& t = tensors.at(name);
        if (t.at(0).is_array()) {
            for (const auto& row : t)
                for (const auto& v : row)
                    out.push_back(v.get<double>());
        } else {
            for (const auto& v : t)
                out.push_back(v.get<double>());
        }
    }
    return out;
}

template <typename Scalar> struct Evaluated {
    typename Types<Scalar>::Matrix output;
    double loss = 0;
    typename Types<Scalar>::Vector grads;
};

template <typename Scalar>
Evaluated<Scalar> evaluate(const json& ref, const std::string& activation, const std::string& loss,
                           const std::vector<double>& params) {
    Activation act{};
    if (!parseActivation(activation, &act))
        throw std::runtime_error("bad activation");
    auto net = buildMlp<Scalar>(2, {8, 8}, act, 3);
    if (net->params().size() != static_cast<Index>(params.size()))
        throw std::runtime_error("parameter count differs from the reference");
    for (Index i = 0; i < net->params().size(); ++i)
        net->params()[i] = static_cast<Scalar>(params[static_cast<std::size_t>(i)]);
    const Index n = static_cast<Index>(ref.at("inputs").size());
    typename Types<Scalar>::Matrix x(n, 2), targets(n, 3);
    std::vector<int> labels;
    for (Index i = 0; i < n; ++i) {
        for (Index j = 0; j < 2; ++j)
            x(i, j) = static_cast<Scalar>(ref["inputs"][i][j].template get<double>());
        for (Index j = 0; j < 3; ++j)
            targets(i, j) = static_cast<Scalar>(ref["targets"][i][j].template get<double>());
        labels.push_back(ref["labels"][i].template get<int>());
    }
    using ConstMap = typename Types<Scalar>::ConstMap;
    using Map = typename Types<Scalar>::Map;
    Evaluated<Scalar> e;
    ConstMap out = net->forward(ConstMap(x.data(), n, 2));
    e.output = out;
    typename Types<Scalar>::Matrix d(n, 3);
    Map dm(d.data(), n, 3);
    if (loss == "cross_entropy")
        e.loss = softmaxCrossEntropy<Scalar>(out, labels.data(), &dm);
    else
        e.loss = meanSquaredError<Scalar>(out, ConstMap(targets.data(), n, 3), &dm);
    net->backward(ConstMap(d.data(), n, 3));
    e.grads = net->grads();
    return e;
}

} // namespace

class TestNnReference : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tensorNames();
    void forwardLossGradients_data();
    void forwardLossGradients();
    void optimizerSteps_data();
    void optimizerSteps();

private:
    json m_ref;
};

void TestNnReference::initTestCase() {
    m_ref = loadReference();
    QVERIFY2(!m_ref.is_null(), "mlp_reference.json not found in OPTISCOPE_REFERENCE_DIR");
}

void TestNnReference::tensorNames() {
    auto net = buildMlp<float>(2, {8, 8}, Activation::Tanh, 3);
    std::vector<std::string> names;
    for (const auto& t : net->tensors())
        names.push_back(t.name);
    const std::vector<std::string> expected{"dense1.weight", "dense1.bias",   "dense2.weight",
                                            "dense2.bias",   "dense3.weight", "dense3.bias"};
    QCOMPARE(names, expected);
    QCOMPARE(net->params().size(), Index(2 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3));
    const ParamTensor* w2 = net->findTensor("dense2.weight");
    QVERIFY(w2);
    QCOMPARE(w2->offset, Index(24));
    QCOMPARE(net->tensor(*w2).rows(), Index(8));
}

void TestNnReference::forwardLossGradients_data() {
    QTest::addColumn<int>("variant");
    QTest::addColumn<bool>("single");
    for (int v = 0; v < 4; ++v) {
        const std::string id = m_ref["variants"][v]["id"].get<std::string>();
        QTest::newRow((id + " double").c_str()) << v << false;
        QTest::newRow((id + " float").c_str()) << v << true;
    }
}

// Tolerances. Double: numpy's own forward/backward matches torch to 6e-17 (SCHEMA.md); the only
// differences are summation order in 8-term dot products and the exp/log/tanh of two libms, so
// 1e-14 absolute is ~100 ulp of the O(1) values (observed at most 2e-16). Float32: the
// parameters and inputs are rounded to float (relative 6e-8) and every operation rounds at 6e-8;
// through three layers of fan-in <= 8 with O(1) values the accumulated error is a few 1e-8
// (observed at most 6e-8, one float ulp at 1); 1e-6 absolute (~16 float ulps at 1) bounds it on
// any SIMD path but still catches any wrong formula (a dropped term or a wrong reduction changes
// values at 1e-3 or more).
void TestNnReference::forwardLossGradients() {
    QFETCH(int, variant);
    QFETCH(bool, single);
    const json& v = m_ref["variants"][variant];
    const auto params = flatten(m_ref["init_params"]);
    const std::string act = v["activation"], loss = v["loss"];
    const double tol = single ? 1e-6 : 1e-14;

    auto check = [&](const auto& e) {
        double maxOut = 0, maxGrad = 0;
        for (Index i = 0; i < e.output.rows(); ++i)
            for (Index j = 0; j < e.output.cols(); ++j)
                maxOut = std::max(maxOut, std::abs(static_cast<double>(e.output(i, j)) -
                                                   v["output"][i][j].template get<double>()));
        const auto refGrads = flatten(v["grads"]);
        QCOMPARE(e.grads.size(), Index(refGrads.size()));
        for (Index i = 0; i < e.grads.size(); ++i)
            maxGrad = std::max(maxGrad, std::abs(static_cast<double>(e.grads[i]) -
                                                 refGrads[static_cast<std::size_t>(i)]));
        const double lossErr = std::abs(e.loss - v["loss_value"].template get<double>());
        qInfo("max |output err| %.3g, |loss err| %.3g, max |grad err| %.3g", maxOut, lossErr,
              maxGrad);
        QVERIFY2(maxOut <= tol, qPrintable(QString("output error %1").arg(maxOut)));
        QVERIFY2(lossErr <= tol, qPrintable(QString("loss error %1").arg(lossErr)));
        QVERIFY2(maxGrad <= tol, qPrintable(QString("gradient error %1").arg(maxGrad)));
    };
    if (single)
        check(evaluate<float>(m_ref, act, loss, params));
    else
        check(evaluate<double>(m_ref, act, loss, params));
}

void TestNnReference::optimizerSteps_data() {
    QTest::addColumn<int>("variant");
    QTest::addColumn<QString>("optimizer");
    QTest::addColumn<bool>("single");
    for (int v = 0; v < 4; ++v) {
        const std::string id = m_ref["variants"][v]["id"].get<std::string>();
        for (const char* opt : {"adam", "sgd_momentum"}) {
            QTest::newRow((id + " " + opt + " double").c_str()) << v << QString(opt) << false;
            QTest::newRow((id + " " + opt + " float").c_str()) << v << QString(opt) << true;
        }
    }
}

namespace {

/// Closed loop, as the reference was made: loss and gradient from our network at the current
/// parameters, then one update by the project's UpdateRule; three times.
template <typename Scalar>
void runSteps(const json& ref, const json& variant, const std::string& optimizer, double tolParams,
              double tolLoss) {
    using optiscope::ParamSet;
    const json& trace = variant[optimizer];
    const json& hp = trace["hyperparameters"];
    const std::string type = optimizer == "adam" ? "adam" : "sgd";
    const auto* info = optiscope::findOptimizer(type);
    QVERIFY(info);
    ParamSet ps = ParamSet::defaults(info->params);
    ps.set("lr", hp["lr"].get<double>());
    if (type == "sgd")
        ps.set("momentum", hp["momentum"].get<double>());
    QVERIFY(optiscope::checkOptimizerParams(type, ps).empty());
    auto rule = optiscope::makeUpdateRule<Scalar>(type, ps);
    std::vector<double> params = flatten(ref["init_params"]);
    rule->reset(static_cast<Index>(params.size()));
    typename Types<Scalar>::Vector p(static_cast<Index>(params.size()));
    for (Index i = 0; i < p.size(); ++i)
        p[i] = static_cast<Scalar>(params[static_cast<std::size_t>(i)]);
    double worstParam = 0, worstLoss = 0;
    for (int k = 0; k <= 3; ++k) {
        std::vector<double> current(p.data(), p.data() + p.size());
        const auto e = evaluate<Scalar>(ref, variant["activation"], variant["loss"], current);
        worstLoss =
            std::max(worstLoss, std::abs(e.loss - trace["losses"][k].template get<double>()));
        if (k == 3)
            break;
        rule->step(p, e.grads, hp["lr"].get<double>());
        const auto expected = flatten(trace["params"][k]);
        for (Index i = 0; i < p.size(); ++i)
            worstParam = std::max(worstParam, std::abs(static_cast<double>(p[i]) -
                                                       expected[static_cast<std::size_t>(i)]));
    }
    qInfo("max |param err| %.3g, max |loss err| %.3g", worstParam, worstLoss);
    QVERIFY2(worstParam <= tolParams, qPrintable(QString("parameter error %1").arg(worstParam)));
    QVERIFY2(worstLoss <= tolLoss, qPrintable(QString("loss error %1").arg(worstLoss)));
}

} // namespace

// Double: our gradients equal torch's to ~1e-16 and the update rules are bit-exact on given
// gradients (tst_optimizers), so three closed-loop steps stay within 1e-14. Float32: parameters
// are float (ulp 3e-8 at 0.5) and each step adds a rounded lr·direction; Adam's direction
// m̂/(√v̂+ε) divides two rounded gradient moments, so a parameter's error is a few float ulps of
// the step per step. 1e-6 (~30 ulps of the O(0.5) parameters) bounds three steps with margin, while
// a wrong step (lr, bias correction, momentum) shows as errors of 1e-3 (lr·1e-1) or more.
void TestNnReference::optimizerSteps() {
    QFETCH(int, variant);
    QFETCH(QString, optimizer);
    QFETCH(bool, single);
    const json& v = m_ref["variants"][variant];
    if (single)
        runSteps<float>(m_ref, v, optimizer.toStdString(), 1e-6, 1e-6);
    else
        runSteps<double>(m_ref, v, optimizer.toStdString(), 1e-14, 1e-14);
}

QTEST_GUILESS_MAIN(TestNnReference)
#include "tst_nn_reference.moc"
