// Run-time dispatch (core/simd): every kernel of every instruction-set level this CPU can run
// gives the results of the baseline (SSE2 / plain C++) kernels — bit-identical where the
// arithmetic is exact (the optimizers' element-wise loops always; max-pooling; the convolutions
// and dense products on dyadic inputs, whose sums are exact in any order) and within the rounding
// bound of a reordered sum otherwise — and OPTISCOPE_ISA forces a lower level.
#include "core/common/params.h"
#include "core/nn/layers.h"
#include "core/nn/loss.h"
#include "core/nn/network.h"
#include "core/optim/update_rule.h"
#include "core/simd/isa.h"
#include "core/simd/kernel_table.h"

#include <QCoreApplication>
#include <QProcess>
#include <QtTest/QtTest>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <tuple>
#include <vector>

using namespace optiscope;
using Eigen::Index;

namespace {

std::vector<simd::Isa> levels() {
    std::vector<simd::Isa> out;
    for (simd::Isa isa : {simd::Isa::Baseline, simd::Isa::Avx2, simd::Isa::Avx512})
        if (simd::kernelsFor(isa))
            out.push_back(isa);
    return out;
}

/// Switches the kernels for the scope, back to the process's choice at the end.
class UseLevel {
public:
    explicit UseLevel(simd::Isa isa) : m_before(simd::kernels().isa) {
        QVERIFY(simd::useKernels(isa));
    }
    ~UseLevel() { simd::useKernels(m_before); }
    UseLevel(const UseLevel&) = delete;
    UseLevel& operator=(const UseLevel&) = delete;

private:
    simd::Isa m_before;
};

template <typename Scalar> bool bitEqual(Scalar a, Scalar b) {
    if (std::isnan(a) && std::isnan(b))
        return true;
    return std::memcmp(&a, &b, sizeof(Scalar)) == 0;
}

/// Small multiples of 1/denominator: products and sums of a few thousand of them are exact.
template <typename Scalar>
void fillDyadic(std::vector<Scalar>& v, std::mt19937& rng, int range, Scalar denominator) {
    std::uniform_int_distribution<int> d(-range, range);
    for (Scalar& x : v)
        x = static_cast<Scalar>(d(rng)) / denominator;
}

template <typename Scalar> void fillNormal(std::vector<Scalar>& v, std::mt19937& rng) {
    std::normal_distribution<Scalar> d(0, 1);
    for (Scalar& x : v)
        x = d(rng);
}

/// One layer's forward and backward results.
template <typename Scalar> struct Pass { std::vector<Scalar> out, grads, dIn, gradsNoDIn; };

/// Runs `layer` (bound to params) on `in` and `dOut`: forward, backward with and without dL/d(in).
template <typename Scalar>
Pass<Scalar> runLayer(nn::Layer<Scalar>& layer, std::vector<Scalar>& params,
                      const std::vector<Scalar>& in, const std::vector<Scalar>& dOut, Index n) {
    using ConstMap = typename nn::Types<Scalar>::ConstMap;
    using Map = typename nn::Types<Scalar>::Map;
    const Index inSize = layer.inputShape().size(), outSize = layer.outputShape().size();
    Pass<Scalar> p;
    p.out.assign(static_cast<std::size_t>(n * outSize), Scalar(-7));
    p.grads.assign(params.size(), Scalar(-7));
    p.dIn.assign(static_cast<std::size_t>(n * inSize), Scalar(-7));
    layer.bind(params.data(), p.grads.data());
    layer.reserve(n);
    ConstMap x(in.data(), n, inSize);
    layer.forward(x, Map(p.out.data(), n, outSize));
    Map dIn(p.dIn.data(), n, inSize);
    layer.backward(x, ConstMap(p.out.data(), n, outSize), ConstMap(dOut.data(), n, outSize), &dIn);
    p.gradsNoDIn.assign(params.size(), Scalar(-7));
    layer.bind(params.data(), p.gradsNoDIn.data());
    layer.backward(x, ConstMap(p.out.data(), n, outSize), ConstMap(dOut.data(), n, outSize),
                   nullptr);
    return p;
}

struct ConvCase {
    Index c, h, w, oc, k, pad, n;
};

template <typename Scalar> std::unique_ptr<nn::Layer<Scalar>> makeConv(const ConvCase& cc) {
    return std::make_unique<nn::Conv2dLayer<Scalar>>("conv", nn::Shape{cc.c, cc.h, cc.w}, cc.oc,
                                                     cc.k, cc.pad);
}

struct DenseCase {
    Index in, out, n;
};

template <typename Scalar> std::unique_ptr<nn::Layer<Scalar>> makeDense(const DenseCase& dc) {
    return std::make_unique<nn::DenseLayer<Scalar>>("dense", dc.in, dc.out);
}

template <typename Scalar> Index paramCount(const nn::Layer<Scalar>& layer) {
    Index s = 0;
    for (const auto& t : layer.tensors())
        s += t.size();
    return s;
}

/// Every level's pass equals the baseline's bit for bit (dyadic inputs: exact sums).
template <typename Scalar, typename Make>
void checkExact(const Make& make, Index n, unsigned seed) {
    std::mt19937 rng(seed);
    auto probe = make();
    std::vector<Scalar> params(static_cast<std::size_t>(paramCount(*probe)));
    std::vector<Scalar> in(static_cast<std::size_t>(n * probe->inputShape().size()));
    std::vector<Scalar> dOut(static_cast<std::size_t>(n * probe->outputShape().size()));
    fillDyadic<Scalar>(params, rng, 4, 8);
    fillDyadic<Scalar>(in, rng, 4, 4);
    fillDyadic<Scalar>(dOut, rng, 2, 4);
    Pass<Scalar> base;
    {
        UseLevel use(simd::Isa::Baseline);
        auto layer = make();
        base = runLayer(*layer, params, in, dOut, n);
    }
    for (simd::Isa isa : levels()) {
        UseLevel use(isa);
        auto layer = make();
        const Pass<Scalar> p = runLayer(*layer, params, in, dOut, n);
        auto same = [&](const std::vector<Scalar>& a, const std::vector<Scalar>& b,
                        const char* what) {
            QCOMPARE(a.size(), b.size());
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!bitEqual(a[i], b[i]))
                    QFAIL(qPrintable(QString("%1: %2[%3] = %4, baseline %5")
                                         .arg(simd::isaName(isa), what)
                                         .arg(i)
                                         .arg(double(a[i]), 0, 'g', 17)
                                         .arg(double(b[i]), 0, 'g', 17)));
        };
        same(p.out, base.out, "output");
        same(p.grads, base.grads, "gradient");
        same(p.dIn, base.dIn, "input gradient");
        same(p.gradsNoDIn, base.gradsNoDIn, "gradient (no input gradient)");
    }
}

/// Every level's pass is within the rounding bound of a reordered sum of `terms` products:
/// both results are within γ·Σ|terms| of the exact one (γ = terms·u), so they differ by at most
/// 2γ·Σ|terms|, with Σ|terms| from the same layer on absolute values (in double).
template <typename Make, typename MakeDouble>
void checkBound(const Make& make, const MakeDouble& makeDouble, Index n, Index terms,
                unsigned seed) {
    std::mt19937 rng(seed);
    auto probe = make();
    std::vector<float> params(static_cast<std::size_t>(paramCount(*probe)));
    std::vector<float> in(static_cast<std::size_t>(n * probe->inputShape().size()));
    std::vector<float> dOut(static_cast<std::size_t>(n * probe->outputShape().size()));
    fillNormal(params, rng);
    fillNormal(in, rng);
    fillNormal(dOut, rng);
    auto absD = [](const std::vector<float>& v) {
        std::vector<double> a(v.size());
        for (std::size_t i = 0; i < v.size(); ++i)
            a[i] = std::abs(static_cast<double>(v[i]));
        return a;
    };
    std::vector<double> aParams = absD(params);
    Pass<double> magnitude;
    {
        UseLevel use(simd::Isa::Baseline);
        auto layer = makeDouble();
        magnitude = runLayer(*layer, aParams, absD(in), absD(dOut), n);
    }
    Pass<float> base;
    {
        UseLevel use(simd::Isa::Baseline);
        auto layer = make();
        base = runLayer(*layer, params, in, dOut, n);
    }
    const double gamma = 2.0 * static_cast<double>(terms + 2) *
                         static_cast<double>(std::numeric_limits<float>::epsilon()) / 2.0;
    for (simd::Isa isa : levels()) {
        UseLevel use(isa);
        auto layer = make();
        const Pass<float> p = runLayer(*layer, params, in, dOut, n);
        auto within = [&](const std::vector<float>& a, const std::vector<float>& b,
                          const std::vector<double>& mag, const char* what) {
            QCOMPARE(a.size(), b.size());
            for (std::size_t i = 0; i < a.size(); ++i) {
                const double diff = std::abs(static_cast<double>(a[i]) - b[i]);
                const double bound = gamma * mag[i] + std::numeric_limits<float>::denorm_min();
                if (!(diff <= bound))
                    QFAIL(qPrintable(QString("%1: %2[%3] = %4, baseline %5, bound %6")
                                         .arg(simd::isaName(isa), what)
                                         .arg(i)
                                         .arg(double(a[i]), 0, 'g', 9)
                                         .arg(double(b[i]), 0, 'g', 9)
                                         .arg(bound, 0, 'g', 3)));
            }
        };
        within(p.out, base.out, magnitude.out, "output");
        within(p.grads, base.grads, magnitude.grads, "gradient");
        within(p.dIn, base.dIn, magnitude.dIn, "input gradient");
    }
}

// LeNet-5's convolutions (planar and channel-vectorised paths), padded ones, odd sizes.
const ConvCase kConvCases[] = {
    {3, 32, 32, 6, 5, 0, 3},  // LeNet conv1 (planar)
    {6, 14, 14, 16, 5, 0, 3}, // LeNet conv2 (channel-vectorised)
    {2, 9, 11, 5, 3, 1, 2},   // padded, odd widths
    {1, 28, 28, 16, 5, 2, 2}, // padded, 16 channels (planar)
    {4, 7, 13, 32, 3, 0, 2},  // channel-vectorised, 32 channels, ragged rows
    {3, 6, 5, 9, 1, 0, 3},    // 1×1
    {5, 12, 12, 11, 4, 3, 2}, // even kernel, wide padding
};

const DenseCase kDenseCases[] = {
    {3, 5, 2},     // coefficient-based (tiny) product
    {2, 8, 10},    // the playground MLP
    {64, 64, 32},  // digits
    {784, 128, 9}, // MNIST, odd batch
    {37, 10, 17},  // ragged
};

} // namespace

class TestDispatch : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        std::printf("# cpu: %s\n# levels:", simd::cpuModelName().c_str());
        for (simd::Isa isa : levels())
            std::printf(" %s", simd::isaName(isa));
        std::printf("\n# active: %s\n", simd::isaName(simd::kernels().isa));
        QVERIFY(simd::kernelsFor(simd::Isa::Baseline));
        QCOMPARE(simd::kernelsFor(simd::bestIsa())->isa, simd::bestIsa());
    }

    void tablesAreComplete() {
        for (simd::Isa isa : levels()) {
            const simd::KernelTable* t = simd::kernelsFor(isa);
            QCOMPARE(t->isa, isa);
            auto check = [](const auto& k) {
                QVERIFY(k.convForward && k.convBackward);
                QVERIFY(k.denseCreate && k.denseDestroy && k.denseReserve && k.denseForward &&
                        k.denseBackward);
                QVERIFY(k.activationForward && k.activationBackward);
                QVERIFY(k.maxPoolForward && k.maxPoolBackward);
                QVERIFY(k.adamUpdate && k.adamDerived && k.adamKeras && k.fmaScalar &&
                        k.fmaInPlace && k.fmaDecay);
                QVERIFY(k.scaleInPlace && k.rmspropUpdate && k.adagradUpdate && k.adadeltaUpdate &&
                        k.adamaxUpdate && k.nadamUpdate && k.radamUpdate && k.qhmUpdate &&
                        k.qhadamUpdate && k.adabeliefUpdate && k.yogiUpdate && k.lionUpdate);
            };
            check(t->f32);
            check(t->f64);
        }
    }

    void convExact() {
        unsigned seed = 1;
        for (const ConvCase& cc : kConvCases) {
            checkExact<float>([&] { return makeConv<float>(cc); }, cc.n, seed++);
            checkExact<double>([&] { return makeConv<double>(cc); }, cc.n, seed++);
        }
    }

    void convWithinRoundingBound() {
        unsigned seed = 100;
        for (const ConvCase& cc : kConvCases) {
            const Index terms = std::max(cc.k * cc.k * std::max(cc.c, cc.oc),
                                         cc.n * (cc.h + 2 * cc.pad) * (cc.w + 2 * cc.pad)) +
                                1;
            checkBound([&] { return makeConv<float>(cc); }, [&] { return makeConv<double>(cc); },
                       cc.n, terms, seed++);
        }
    }

    void denseExact() {
        unsigned seed = 200;
        for (const DenseCase& dc : kDenseCases) {
            checkExact<float>([&] { return makeDense<float>(dc); }, dc.n, seed++);
            checkExact<double>([&] { return makeDense<double>(dc); }, dc.n, seed++);
        }
    }

    void denseWithinRoundingBound() {
        unsigned seed = 300;
        for (const DenseCase& dc : kDenseCases) {
            const Index terms = std::max({dc.in, dc.out, dc.n}) + 1;
            checkBound([&] { return makeDense<float>(dc); }, [&] { return makeDense<double>(dc); },
                       dc.n, terms, seed++);
        }
    }

    void maxPoolExact() {
        // LeNet-5's pools, odd sizes (the floor), windows of 1 and 3, channels below and above
        // the vector widths.
        const std::tuple<nn::Shape, Index, Index> cases[] = {
            {nn::Shape{6, 28, 28}, 2, 3}, {nn::Shape{16, 10, 10}, 2, 3},
            {nn::Shape{3, 7, 9}, 2, 2},   {nn::Shape{1, 5, 5}, 1, 2},
            {nn::Shape{19, 9, 7}, 3, 3},  {nn::Shape{33, 4, 6}, 2, 1},
        };
        unsigned seed = 400;
        for (const auto& [shape, size, n] : cases) {
            checkMaxPool<float>(shape, size, n, seed++);
            checkMaxPool<double>(shape, size, n, seed++);
        }
    }

    void activations() {
        for (nn::Activation act : {nn::Activation::Relu, nn::Activation::Tanh,
                                   nn::Activation::Sigmoid, nn::Activation::Linear}) {
            checkActivation<float>(act);
            checkActivation<double>(act);
        }
    }

    void optimizersBitExact() {
        struct Case {
            const char* type;
            std::vector<std::pair<const char*, ParamValue>> set;
        };
        const Case cases[] = {
            {"adam", {}},
            {"adam", {{"amsgrad", true}, {"weight_decay", 0.01}}},
            {"adamw", {}},
            {"adamw", {{"amsgrad", true}}},
            {"adam", {{"convention", std::string("keras")}}},
            {"adam", {{"convention", std::string("keras")}, {"amsgrad", true}}},
            {"sgd", {}},
            {"sgd", {{"weight_decay", 0.1}}},
            {"sgd", {{"momentum", 0.9}, {"dampening", 0.3}}},
            {"sgd", {{"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 0.05}}},
            {"rmsprop", {}},
            {"rmsprop", {{"centered", true}}},
            {"rmsprop", {{"momentum", 0.9}}},
            {"rmsprop", {{"centered", true}, {"momentum", 0.5}, {"weight_decay", 0.01}}},
            {"adagrad", {}},
            {"adagrad",
             {{"lr_decay", 0.01}, {"weight_decay", 0.1}, {"initial_accumulator_value", 0.1}}},
            {"adadelta", {}},
            {"adadelta", {{"weight_decay", 0.1}}},
            {"adamax", {}},
            {"adamax", {{"convention", std::string("keras")}, {"weight_decay", 0.01}}},
            {"nadam", {}},
            {"nadam", {{"weight_decay", 0.01}}},
            {"radam", {}}, // rectified from the 6th step
            {"radam", {{"betas", std::vector<double>{0.8, 0.9}}, {"bias_correction", false}}},
            {"qhm", {}},
            {"qhm", {{"weight_decay", 0.1}, {"weight_decay_type", std::string("direct")}}},
            {"qhadam", {}},
            {"qhadam", {{"nus", std::vector<double>{0.7, 0.9}}, {"weight_decay", 0.01}}},
            {"qhadam",
             {{"nus", std::vector<double>{1.0, 0.5}},
              {"eps", 0.0},
              {"decouple_weight_decay", true},
              {"weight_decay", 0.1}}},
            {"adabelief", {}}, // SGD, then rectified
            {"adabelief", {{"amsgrad", true}}},
            {"adabelief", {{"degenerated_to_sgd", false}, {"amsgrad", true}}},
            {"adabelief", {{"rectify", false}}},
            {"adabelief",
             {{"rectify", false},
              {"amsgrad", true},
              {"weight_decouple", false},
              {"weight_decay", 0.1}}},
            {"yogi", {}},
            {"yogi", {{"weight_decay", 0.01}}},
            {"lion", {}},
            {"lion", {{"weight_decay", 0.1}}},
        };
        for (const Case& c : cases) {
            ParamSet params = ParamSet::defaults(findOptimizer(c.type)->params);
            for (const auto& [name, value] : c.set)
                params.set(name, value);
            checkOptimizer<float>(c.type, params);
            checkOptimizer<double>(c.type, params);
        }
    }

    void updateKernelsSpecialValues() {
        checkUpdateKernels<float>();
        checkUpdateKernels<double>();
    }

    void ruleKernelsSpecialValues() {
        for (std::size_t n : {std::size_t(1), std::size_t(5), std::size_t(67), std::size_t(1031)}) {
            checkRuleKernels<float>(n);
            checkRuleKernels<double>(n);
        }
    }

    void isaNames() {
        for (simd::Isa isa : {simd::Isa::Baseline, simd::Isa::Avx2, simd::Isa::Avx512}) {
            simd::Isa parsed{};
            QVERIFY(simd::parseIsa(simd::isaName(isa), &parsed));
            QCOMPARE(parsed, isa);
        }
        simd::Isa parsed{};
        QVERIFY(!simd::parseIsa("avx1024", &parsed));
    }

    /// OPTISCOPE_ISA forces a lower level, never a higher one than the CPU has; an unknown name
    /// keeps the best. Each case is a child process (the level is decided once per process).
    /// In a cross build the child runs through the emulator that ctest ran this test with
    /// (OPTISCOPE_TEST_EMULATOR, set by tests/CMakeLists.txt; without a binfmt_misc entry the
    /// kernel cannot start a foreign binary), and a shell starts it: under qemu-user (7.2) the
    /// emulated QProcess cannot start anything (its clone with CLONE_PIDFD fails with EINVAL).
    void environmentForcesLevel() {
        const simd::Isa best = simd::bestIsa();
        const QByteArray emulator = qgetenv("OPTISCOPE_TEST_EMULATOR");
        auto childLevel = [&emulator](const QString& value) {
            if (!emulator.isEmpty()) {
                const QByteArray command =
                    "OPTISCOPE_ISA='" + value.toLatin1() + "' " + emulator + " '" +
                    QCoreApplication::applicationFilePath().toLocal8Bit() + "' --print-isa";
                FILE* pipe = popen(command.constData(), "r");
                if (!pipe)
                    return QString("popen failed");
                char line[64] = {};
                const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
                const int status = pclose(pipe);
                return read && status == 0 ? QString::fromLatin1(line).trimmed()
                                           : QString("child failed");
            }
            QProcess child;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("OPTISCOPE_ISA", value);
            child.setProcessEnvironment(env);
            child.start(QCoreApplication::applicationFilePath(), {"--print-isa"});
            if (!child.waitForFinished(60000))
                return QString("timeout");
            return QString::fromLatin1(child.readAllStandardOutput()).trimmed();
        };
        QCOMPARE(childLevel("sse2"), QString(simd::isaName(simd::Isa::Baseline)));
        QCOMPARE(childLevel("avx2"), QString(simd::isaName(std::min(best, simd::Isa::Avx2))));
        QCOMPARE(childLevel("avx512"), QString(simd::isaName(best)));
        QCOMPARE(childLevel("nonsense"), QString(simd::isaName(best)));
    }

private:
    template <typename Scalar> void checkActivation(nn::Activation act) {
        std::mt19937 rng(7);
        const Index n = 5, width = 67;
        std::vector<Scalar> in(static_cast<std::size_t>(n * width));
        std::vector<Scalar> dOut(in.size());
        fillNormal(in, rng);
        fillNormal(dOut, rng);
        in[0] = 0;
        in[1] = Scalar(-0.0);
        in[2] = 30;
        in[3] = -30;
        std::vector<Scalar> noParams;
        auto make = [&] {
            return std::make_unique<nn::ActivationLayer<Scalar>>("act", nn::Shape{width, 1, 1},
                                                                 act);
        };
        Pass<Scalar> base;
        {
            UseLevel use(simd::Isa::Baseline);
            auto layer = make();
            base = runLayer(*layer, noParams, in, dOut, n);
        }
        const bool exact = act == nn::Activation::Relu || act == nn::Activation::Linear;
        // tanh and the logistic are Eigen's vectorised approximations (a few ulps, rounded
        // differently with FMA); the derivatives are a product or two of them.
        const Scalar tolerance = exact ? Scalar(0) : 16 * std::numeric_limits<Scalar>::epsilon();
        for (simd::Isa isa : levels()) {
            UseLevel use(isa);
            auto layer = make();
            const Pass<Scalar> p = runLayer(*layer, noParams, in, dOut, n);
            for (std::size_t i = 0; i < in.size(); ++i) {
                const Scalar scale = std::max(Scalar(1), std::abs(dOut[i]));
                if (exact) {
                    QVERIFY(bitEqual(p.out[i], base.out[i]));
                    QVERIFY(bitEqual(p.dIn[i], base.dIn[i]));
                } else {
                    QVERIFY2(std::abs(p.out[i] - base.out[i]) <= tolerance,
                             qPrintable(QString("%1 %2 output %3")
                                            .arg(simd::isaName(isa), nn::activationName(act))
                                            .arg(i)));
                    QVERIFY2(std::abs(p.dIn[i] - base.dIn[i]) <= tolerance * scale,
                             qPrintable(QString("%1 %2 gradient %3")
                                            .arg(simd::isaName(isa), nn::activationName(act))
                                            .arg(i)));
                }
            }
        }
    }

    template <typename Scalar> void checkOptimizer(const char* type, const ParamSet& params) {
        using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
        const Index n = 1037; // vector tails at every width
        std::mt19937 rng(11);
        std::normal_distribution<Scalar> normal(0, 1);
        Vector start(n);
        for (Index i = 0; i < n; ++i)
            start[i] = normal(rng);
        // Enough steps for RAdam's and AdaBelief's rectification (ρt > 5 from the 6th step).
        std::vector<Vector> grads(8, Vector(n));
        for (Vector& g : grads)
            for (Index i = 0; i < n; ++i)
                g[i] = normal(rng) * Scalar(i % 7 == 0 ? 1e-3 : 1);
        grads[1][5] = Scalar(-0.0);
        grads[2][6] = 0;
        auto run = [&](simd::Isa isa) {
            UseLevel use(isa);
            auto rule = makeUpdateRule<Scalar>(type, params);
            rule->reset(n);
            Vector p = start;
            for (const Vector& g : grads)
                rule->step(p, g, 0.01);
            return std::make_tuple(p, Vector(rule->effectiveLr()), rule->state());
        };
        const auto [p0, lr0, s0] = run(simd::Isa::Baseline);
        for (simd::Isa isa : levels()) {
            const auto [p, lr, s] = run(isa);
            const QString what = QString("%1 %2 (%3)")
                                     .arg(simd::isaName(isa), type)
                                     .arg(sizeof(Scalar) == 4 ? "float" : "double");
            for (Index i = 0; i < n; ++i) {
                QVERIFY2(bitEqual(p[i], p0[i]), qPrintable(what + " params"));
                QVERIFY2(bitEqual(lr[i], lr0[i]), qPrintable(what + " effective lr"));
            }
            QCOMPARE(s.tensors.size(), s0.tensors.size());
            for (std::size_t t = 0; t < s.tensors.size(); ++t) {
                QCOMPARE(s.tensors[t].name, s0.tensors[t].name);
                const auto& a = s.tensors[t].values;
                const auto& b = s0.tensors[t].values;
                QCOMPARE(a.size(), b.size());
                for (Index i = 0; i < a.size(); ++i)
                    QVERIFY2(bitEqual(a[i], b[i]),
                             qPrintable(what + " " + QString::fromStdString(s.tensors[t].name)));
            }
        }
    }

    /// A max-pool layer at every level: outputs and input gradients bit-identical to the
    /// baseline's, on values with ties (the first maximum wins), ±0, ±inf and NaN.
    template <typename Scalar>
    void checkMaxPool(nn::Shape shape, Index size, Index n, unsigned seed) {
        std::mt19937 rng(seed);
        std::vector<Scalar> in(static_cast<std::size_t>(n * shape.size()));
        fillDyadic<Scalar>(in, rng, 3, 2); // few distinct values: ties in most windows
        const Scalar special[] = {Scalar(-0.0), std::numeric_limits<Scalar>::infinity(),
                                  -std::numeric_limits<Scalar>::infinity(),
                                  std::numeric_limits<Scalar>::quiet_NaN()};
        std::uniform_int_distribution<std::size_t> at(0, in.size() - 1);
        for (std::size_t j = 0; j < in.size() / 16 + 1; ++j)
            in[at(rng)] = special[j % 4];
        auto make = [&] {
            return std::make_unique<nn::MaxPool2dLayer<Scalar>>("pool", shape, size);
        };
        std::vector<Scalar> dOut(static_cast<std::size_t>(n * make()->outputShape().size()));
        fillNormal(dOut, rng);
        std::vector<Scalar> noParams;
        Pass<Scalar> base;
        {
            UseLevel use(simd::Isa::Baseline);
            auto layer = make();
            base = runLayer(*layer, noParams, in, dOut, n);
        }
        for (simd::Isa isa : levels()) {
            UseLevel use(isa);
            auto layer = make();
            const Pass<Scalar> p = runLayer(*layer, noParams, in, dOut, n);
            QCOMPARE(p.out.size(), base.out.size());
            QCOMPARE(p.dIn.size(), base.dIn.size());
            for (std::size_t i = 0; i < p.out.size(); ++i)
                QVERIFY2(
                    bitEqual(p.out[i], base.out[i]),
                    qPrintable(QString("%1 maxpool output %2").arg(simd::isaName(isa)).arg(i)));
            for (std::size_t i = 0; i < p.dIn.size(); ++i)
                QVERIFY2(
                    bitEqual(p.dIn[i], base.dIn[i]),
                    qPrintable(
                        QString("%1 maxpool input gradient %2").arg(simd::isaName(isa)).arg(i)));
        }
    }

    /// Input vectors for a rule kernel, the same for every level: normal values with NaN,
    /// infinities, signed zeros, subnormals and huge and tiny values mixed in. Every array handed
    /// out is kept, to compare them all after the kernels ran.
    template <typename Scalar> class KernelArena {
    public:
        KernelArena(std::size_t n, unsigned seed) : m_n(n), m_rng(seed) {}
        /// A fresh array of mixed values (`nonNegative`: their absolute values, as for the
        /// squared averages; NaN stays).
        Scalar* array(bool nonNegative = false) {
            const Scalar inf = std::numeric_limits<Scalar>::infinity();
            const Scalar special[] = {0,
                                      Scalar(-0.0),
                                      inf,
                                      -inf,
                                      std::numeric_limits<Scalar>::quiet_NaN(),
                                      std::numeric_limits<Scalar>::denorm_min(),
                                      -std::numeric_limits<Scalar>::min(),
                                      Scalar(1e-30),
                                      Scalar(3e30),
                                      1,
                                      -1};
            std::uniform_int_distribution<int> pick(0, 3 * static_cast<int>(std::size(special)));
            std::normal_distribution<Scalar> normal(0, 1);
            std::vector<Scalar> v(m_n);
            for (Scalar& x : v) {
                const int k = pick(m_rng);
                x = k < static_cast<int>(std::size(special)) ? special[k] : normal(m_rng);
                if (nonNegative)
                    x = std::abs(x);
            }
            m_arrays.push_back(std::move(v));
            return m_arrays.back().data();
        }
        [[nodiscard]] Index n() const { return static_cast<Index>(m_n); }
        [[nodiscard]] const std::vector<std::vector<Scalar>>& arrays() const { return m_arrays; }

    private:
        std::size_t m_n;
        std::mt19937 m_rng;
        std::vector<std::vector<Scalar>> m_arrays;
    };

    /// Every rule kernel with every combination of its flags, on KernelArena's values: each
    /// level's outputs (parameters, state and derived vectors) equal the baseline's bit for bit.
    template <typename Scalar> void checkRuleKernels(std::size_t n) {
        using AdabeliefMode = typename optim::AdabeliefArgs<Scalar>::Mode;
        auto run = [&](const simd::KernelTable& table) {
            const auto& k = table.template of<Scalar>();
            KernelArena<Scalar> A(n, 17 + static_cast<unsigned>(n));
            k.scaleInPlace(A.n(), Scalar(0.999), A.array());
            for (bool amsgrad : {false, true}) {
                optim::AdamArgs<Scalar> a;
                a.n = A.n();
                a.amsgrad = amsgrad;
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expAvgSq = A.array(true);
                a.maxExpAvgSq = A.array(true);
                a.mHat = A.array();
                a.vHat = A.array();
                a.denom = A.array();
                a.effLr = A.array();
                a.oneMinusB1 = Scalar(0.1);
                a.oneMinusB2 = Scalar(0.001);
                a.alpha = Scalar(0.00020);
                a.eps = Scalar(1e-7);
                a.bc1 = Scalar(0.271);
                a.bc2 = Scalar(0.003);
                a.effNum = Scalar(0.0000548);
                k.adamKeras(a);
            }
            for (int flags = 0; flags < 4; ++flags) {
                optim::RmspropArgs<Scalar> a;
                a.n = A.n();
                a.centered = flags & 1;
                a.momentum = flags & 2;
                a.params = A.array();
                a.gEff = A.array();
                a.squareAvg = A.array(true);
                a.gradAvg = A.array();
                a.momentumBuffer = A.array();
                a.denom = A.array();
                a.effLr = A.array();
                a.alpha = Scalar(0.99);
                a.oneMinusAlpha = Scalar(0.01);
                a.eps = Scalar(1e-8);
                a.mom = Scalar(0.9);
                a.lr = Scalar(0.01);
                a.negLr = Scalar(-0.01);
                k.rmspropUpdate(a);
            }
            {
                optim::AdagradArgs<Scalar> a;
                a.n = A.n();
                a.params = A.array();
                a.gEff = A.array();
                a.sum = A.array(true);
                a.denom = A.array();
                a.effLr = A.array();
                a.clr = Scalar(0.0099);
                a.negClr = Scalar(-0.0099);
                a.eps = Scalar(1e-10);
                k.adagradUpdate(a);
            }
            {
                optim::AdadeltaArgs<Scalar> a;
                a.n = A.n();
                a.params = A.array();
                a.gEff = A.array();
                a.squareAvg = A.array(true);
                a.accDelta = A.array(true);
                a.stdDev = A.array();
                a.rmsDeltaPrev = A.array();
                a.effLr = A.array();
                a.rho = Scalar(0.9);
                a.oneMinusRho = Scalar(0.1);
                a.eps = Scalar(1e-6);
                a.lr = Scalar(1);
                a.negLr = Scalar(-1);
                k.adadeltaUpdate(a);
            }
            for (bool keras : {false, true}) {
                optim::AdamaxArgs<Scalar> a;
                a.n = A.n();
                a.keras = keras;
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expInf = A.array(true);
                a.mHat = A.array();
                a.effLr = A.array();
                a.b1 = Scalar(0.9);
                a.b2 = Scalar(0.999);
                a.oneMinusB1 = Scalar(0.1);
                a.eps = Scalar(1e-8);
                a.negClr = Scalar(-0.0037);
                a.bc1 = Scalar(0.271);
                a.lr = Scalar(0.001);
                k.adamaxUpdate(a);
            }
            {
                optim::NadamArgs<Scalar> a;
                a.n = A.n();
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expAvgSq = A.array(true);
                a.mHat = A.array();
                a.vHat = A.array();
                a.denom = A.array();
                a.effLr = A.array();
                a.b1 = Scalar(0.9);
                a.b2 = Scalar(0.999);
                a.oneMinusB1 = Scalar(0.1);
                a.oneMinusB2 = Scalar(0.001);
                a.bc2 = Scalar(0.003);
                a.bc2Sqrt = std::sqrt(Scalar(0.003));
                a.eps = Scalar(1e-8);
                a.lr = Scalar(0.002);
                a.c1 = Scalar(-0.0011);
                a.c2 = Scalar(-0.0047);
                a.wGrad = Scalar(0.55);
                a.wExpAvg = Scalar(2.35);
                k.nadamUpdate(a);
            }
            for (bool rectified : {false, true}) {
                optim::RadamArgs<Scalar> a;
                a.n = A.n();
                a.rectified = rectified;
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expAvgSq = A.array(true);
                a.mHat = A.array();
                a.vHat = A.array();
                a.adaptiveLr = A.array();
                a.effLr = A.array();
                a.b1 = Scalar(0.9);
                a.b2 = Scalar(0.999);
                a.oneMinusB1 = Scalar(0.1);
                a.oneMinusB2 = Scalar(0.001);
                a.bc1 = Scalar(0.469);
                a.bc2 = Scalar(0.006);
                a.bc2Sqrt = std::sqrt(Scalar(0.006));
                a.eps = Scalar(1e-8);
                a.lr = Scalar(0.001);
                a.rect = Scalar(0.0183);
                k.radamUpdate(a);
            }
            {
                optim::QhmArgs<Scalar> a;
                a.n = A.n();
                a.params = A.array();
                a.gEff = A.array();
                a.buffer = A.array();
                a.mom = Scalar(0.999);
                a.oneMinusMom = Scalar(0.001);
                a.negLrNu = Scalar(-0.007);
                a.negLrOneMinusNu = Scalar(-0.003);
                k.qhmUpdate(a);
            }
            for (int flags = 0; flags < 8; ++flags) {
                optim::QhadamArgs<Scalar> a;
                a.n = A.n();
                a.mixGrad = flags & 1;
                a.mixGradSq = flags & 2;
                a.addEps = flags & 4;
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expAvgSq = A.array(true);
                a.avgGrad = A.array();
                a.avgGradRms = A.array();
                a.effLr = A.array();
                a.b1 = Scalar(0.6);
                a.b2 = Scalar(0.7);
                a.oneMinusB1 = Scalar(0.4);
                a.oneMinusB2 = Scalar(0.3);
                a.nu1 = Scalar(0.7);
                a.nu2 = Scalar(0.9);
                a.oneMinusNu1 = Scalar(0.3);
                a.oneMinusNu2 = Scalar(0.1);
                a.eps = Scalar(1e-8);
                a.lr = Scalar(0.001);
                a.negLr = Scalar(-0.001);
                k.qhadamUpdate(a);
            }
            for (bool amsgrad : {false, true})
                for (AdabeliefMode mode : {AdabeliefMode::Adam, AdabeliefMode::Rectified,
                                           AdabeliefMode::Sgd, AdabeliefMode::Frozen}) {
                    optim::AdabeliefArgs<Scalar> a;
                    a.n = A.n();
                    a.amsgrad = amsgrad;
                    a.mode = mode;
                    a.params = A.array();
                    a.gEff = A.array();
                    a.expAvg = A.array();
                    a.expAvgVar = A.array(true);
                    a.maxExpAvgVar = A.array(true);
                    a.mHat = A.array();
                    a.denom = A.array();
                    a.effLr = A.array();
                    a.b1 = Scalar(0.9);
                    a.b2 = Scalar(0.999);
                    a.oneMinusB1 = Scalar(0.1);
                    a.oneMinusB2 = Scalar(0.001);
                    a.eps = Scalar(1e-16);
                    a.bc1 = Scalar(0.469);
                    a.bc2Sqrt = std::sqrt(Scalar(0.006));
                    a.lr = Scalar(0.001);
                    a.negStep = Scalar(-0.0039);
                    a.effNum = Scalar(0.0021);
                    k.adabeliefUpdate(a);
                }
            {
                optim::YogiArgs<Scalar> a;
                a.n = A.n();
                a.params = A.array();
                a.gEff = A.array();
                a.expAvg = A.array();
                a.expAvgSq = A.array(true);
                a.denom = A.array();
                a.mHat = A.array();
                a.effLr = A.array();
                a.b1 = Scalar(0.9);
                a.oneMinusB1 = Scalar(0.1);
                a.negOneMinusB2 = Scalar(-0.001);
                a.bc1 = Scalar(0.271);
                a.bc2Sqrt = std::sqrt(Scalar(0.003));
                a.eps = Scalar(1e-3);
                a.negStepSize = Scalar(-0.037);
                a.lr = Scalar(0.01);
                k.yogiUpdate(a);
            }
            for (bool decay : {false, true}) {
                optim::LionArgs<Scalar> a;
                a.n = A.n();
                a.decay = decay;
                a.params = A.array();
                a.grad = A.array();
                a.expAvg = A.array();
                a.direction = A.array();
                a.shrink = Scalar(0.999);
                a.b1 = Scalar(0.9);
                a.b2 = Scalar(0.99);
                a.oneMinusB1 = Scalar(0.1);
                a.oneMinusB2 = Scalar(0.01);
                a.negLr = Scalar(-0.0001);
                k.lionUpdate(a);
            }
            return A.arrays();
        };
        const auto base = run(*simd::kernelsFor(simd::Isa::Baseline));
        for (simd::Isa isa : levels()) {
            const auto o = run(*simd::kernelsFor(isa));
            QCOMPARE(o.size(), base.size());
            for (std::size_t j = 0; j < o.size(); ++j)
                for (std::size_t i = 0; i < n; ++i)
                    QVERIFY2(bitEqual(o[j][i], base[j][i]),
                             qPrintable(QString("%1 (%2, n = %3): array %4 [%5]: %6 vs %7")
                                            .arg(simd::isaName(isa))
                                            .arg(sizeof(Scalar) == 4 ? "float" : "double")
                                            .arg(n)
                                            .arg(j)
                                            .arg(i)
                                            .arg(double(o[j][i]), 0, 'g', 17)
                                            .arg(double(base[j][i]), 0, 'g', 17)));
        }
    }

    /// The table's update loops directly, on NaN, infinities, signed zeros and subnormals.
    template <typename Scalar> void checkUpdateKernels() {
        const Scalar inf = std::numeric_limits<Scalar>::infinity();
        const Scalar nan = std::numeric_limits<Scalar>::quiet_NaN();
        const Scalar tiny = std::numeric_limits<Scalar>::denorm_min();
        std::vector<Scalar> special = {0,    Scalar(-0.0), 1,      -1,   inf,    -inf,  nan,
                                       tiny, -tiny,        1e-30f, 3.5f, -2.25f, 1e30f, 0.1f};
        const std::size_t n = 61;
        std::mt19937 rng(3);
        std::uniform_int_distribution<std::size_t> pick(0, special.size() - 1);
        auto values = [&] {
            std::vector<Scalar> v(n);
            for (Scalar& x : v)
                x = special[pick(rng)];
            return v;
        };
        const auto a = values(), b = values(), c = values(), d = values(), e = values();
        struct Out {
            std::vector<std::vector<Scalar>> vectors;
        };
        auto run = [&](const simd::KernelTable& table) {
            const auto& k = table.template of<Scalar>();
            Out out;
            std::vector<Scalar> r(n);
            k.fmaScalar(static_cast<Index>(n), a.data(), Scalar(0.3), b.data(), r.data());
            out.vectors.push_back(r);
            r = b;
            k.fmaInPlace(static_cast<Index>(n), a.data(), Scalar(-0.7), r.data());
            out.vectors.push_back(r);
            r = b;
            k.fmaDecay(static_cast<Index>(n), a.data(), Scalar(0.1), r.data(), Scalar(0.9));
            out.vectors.push_back(r);
            for (int variant = 0; variant < 8; ++variant) {
                // amsgrad or not; m̂, v̂ and the effective lr in the step or by adamDerived();
                // bias corrections of 1 (a long run: the step leaves the divisions by 1 out,
                // adamDerived() divides).
                const bool amsgrad = variant % 2 == 1, deferred = variant % 4 >= 2,
                           unit = variant >= 4;
                std::vector<Scalar> p = a, m = b, v = c, vmax = d, mHat(n), vHat(n), denom(n),
                                    effLr(n);
                for (Scalar& x : v)
                    x = std::abs(x);
                optim::AdamArgs<Scalar> args;
                args.n = static_cast<Index>(n);
                args.amsgrad = amsgrad;
                args.params = p.data();
                // The deferred variants also read the gradient from `grad` and copy it.
                std::vector<Scalar> gEff = deferred ? std::vector<Scalar>(n, Scalar(-7)) : e;
                args.gEff = gEff.data();
                args.grad = deferred ? e.data() : nullptr;
                args.expAvg = m.data();
                args.expAvgSq = v.data();
                args.maxExpAvgSq = vmax.data();
                args.mHat = mHat.data();
                args.vHat = vHat.data();
                args.denom = denom.data();
                args.effLr = effLr.data();
                args.b1 = Scalar(0.9);
                args.b2 = Scalar(0.999);
                args.oneMinusB1 = Scalar(0.1);
                args.oneMinusB2 = Scalar(0.001);
                args.bc1 = unit ? Scalar(1) : Scalar(0.271);
                args.bc2 = unit ? Scalar(1) : Scalar(0.003);
                args.bc2Sqrt = unit ? Scalar(1) : std::sqrt(Scalar(0.003));
                args.eps = Scalar(1e-8);
                args.negStepSize = Scalar(-0.0037);
                args.lr = Scalar(0.001);
                args.derived = !deferred;
                k.adamUpdate(args);
                if (deferred)
                    k.adamDerived(args);
                for (auto* vec : {&p, &m, &v, &vmax, &mHat, &vHat, &denom, &effLr, &gEff})
                    out.vectors.push_back(*vec);
            }
            return out;
        };
        const Out base = run(*simd::kernelsFor(simd::Isa::Baseline));
        // Deferred and fused give the same vectors (3 fma loops, then 9 per Adam variant), with
        // bias corrections of 1 too.
        for (std::size_t first : {std::size_t(3), std::size_t(3 + 36)})
            for (std::size_t j = 0; j < 18; ++j)
                for (std::size_t i = 0; i < n; ++i)
                    QVERIFY(bitEqual(base.vectors[first + j][i], base.vectors[first + 18 + j][i]));
        for (simd::Isa isa : levels()) {
            const Out o = run(*simd::kernelsFor(isa));
            QCOMPARE(o.vectors.size(), base.vectors.size());
            for (std::size_t j = 0; j < o.vectors.size(); ++j)
                for (std::size_t i = 0; i < n; ++i)
                    QVERIFY2(bitEqual(o.vectors[j][i], base.vectors[j][i]),
                             qPrintable(QString("%1: vector %2 [%3]: %4 vs %5")
                                            .arg(simd::isaName(isa))
                                            .arg(j)
                                            .arg(i)
                                            .arg(double(o.vectors[j][i]))
                                            .arg(double(base.vectors[j][i]))));
        }
    }
};

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--print-isa") == 0) {
        std::printf("%s\n", simd::isaName(simd::kernels().isa));
        return 0;
    }
    QCoreApplication app(argc, argv);
    TestDispatch test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_dispatch.moc"
