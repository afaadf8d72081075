// The 2D test functions (SPEC §2) and the gradient noise.
#include "core/functions/portable_math.h"
#include "core/functions/test_function.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>

using namespace optiscope;
using Json = nlohmann::json;

Q_DECLARE_METATYPE(std::string)

namespace {

Json loadReference(const std::string& file) {
    std::ifstream in(std::string(OPTISCOPE_REFERENCE_DIR) + "/trajectories/" + file);
    if (!in)
        return Json();
    return Json::parse(in);
}

TestFunction makeFunction(const std::string& name, const ParamSet& overrides = {}) {
    const FunctionInfo* info = findFunction(name);
    if (!info)
        throw std::runtime_error("no function " + name);
    ParamSet set = ParamSet::defaults(info->params);
    for (const auto& [k, v] : overrides.values())
        set.set(k, v);
    return TestFunction(*info, set);
}

} // namespace

// QCOMPARE on doubles is fuzzy (1e-12 relative); determinism and golden values must be exact.
#define QCOMPARE_EXACT(actual, expected)                                                           \
    do {                                                                                           \
        const double a_ = (actual), e_ = (expected);                                               \
        QVERIFY2(a_ == e_,                                                                         \
                 qPrintable(QString("%1 != %2").arg(a_, 0, 'g', 17).arg(e_, 0, 'g', 17)));         \
    } while (false)

class TstFunctions : public QObject {
    Q_OBJECT

private slots:
    void catalog();
    void finiteDifferences_data();
    void finiteDifferences();
    void reference_data();
    void reference();
    void minima_data();
    void minima();
    void constantOverrides();
    void ackleyOrigin();
    void portableMath();
    void noiseDeterminism();
    void noiseStatistics();
    void noiseGolden();
};

void TstFunctions::catalog() {
    const char* required[] = {"rosenbrock",
                              "beale",
                              "himmelblau",
                              "booth",
                              "rastrigin",
                              "ackley",
                              "three_hump_camel",
                              "six_hump_camel",
                              "matyas",
                              "goldstein_price",
                              "styblinski_tang",
                              "quadratic_bowl",
                              "saddle",
                              "mccormick",
                              "levi",
                              "easom"};
    for (const char* name : required)
        QVERIFY2(findFunction(name), name);
    QCOMPARE(findFunction("nope"), nullptr);
    for (const auto& f : functionCatalog()) {
        QVERIFY(!f.title.empty() && !f.formula.empty());
        QVERIFY(f.bounds.xMin < f.bounds.xMax && f.bounds.yMin < f.bounds.yMax);
        QVERIFY2(f.defaultStart.x() >= f.bounds.xMin && f.defaultStart.x() <= f.bounds.xMax &&
                     f.defaultStart.y() >= f.bounds.yMin && f.defaultStart.y() <= f.bounds.yMax,
                 f.name.c_str());
        for (const auto& p : f.params) {
            QVERIFY(!p.help.empty());
            QVERIFY2(!p.check(*p.defaultValue), (f.name + "." + p.name).c_str());
        }
        // Every minimum lies in the plot bounds.
        const TestFunction fn(f, ParamSet::defaults(f.params));
        QCOMPARE(fn.minima().empty(), !f.bounded);
        for (const auto& m : fn.minima())
            QVERIFY2(m.x() >= f.bounds.xMin && m.x() <= f.bounds.xMax && m.y() >= f.bounds.yMin &&
                         m.y() <= f.bounds.yMax,
                     f.name.c_str());
    }
    QCOMPARE(findFunction("rosenbrock")->formula, std::string("(a − x)² + b(y − x²)²"));
    QCOMPARE(makeFunction("ackley").constant("c"), 2.0 * M_PI);
    QCOMPARE(makeFunction("rosenbrock").constant("b"), 100.0);
}

void TstFunctions::finiteDifferences_data() {
    QTest::addColumn<std::string>("name");
    for (const auto& f : functionCatalog())
        QTest::newRow(f.name.c_str()) << f.name;
}

void TstFunctions::finiteDifferences() {
    // Central differences (f(p + h) − f(p − h))/2h have truncation error h²/6·|f'''| and rounding
    // error ~ε·|f|/h (ε = 2.2e-16). The step h = ε^(1/3) ≈ 6e-6 balances the two: rounding is
    // ~4e-11·|f| and truncation ~6e-12·|f'''|. (An absolute step is fine: every plot bound is
    // within |p| ≤ 10, and we divide by the actual (p + h) − (p − h).) The tolerance
    // 1e-6·(1 + |g| + |f|) is ~2e4 times the rounding error, and covers truncation as long as
    // |f'''| ≲ 1e5·(1 + |g| + |f|) — true here: the fastest ripple is Lévi's 3π, whose f''' is
    // (3π)³ ≈ 840 times its amplitude. A wrong term (missing factor, wrong sign) changes the
    // gradient by O(|g|), far beyond the bound, and values reach 1e6 (Goldstein–Price) only
    // where |g| is comparably large.
    QFETCH(std::string, name);
    const TestFunction fn = makeFunction(name);
    const PlotBounds b = fn.info().bounds;
    const unsigned seed = 12345;
    qInfo("seed %u", seed);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> ux(b.xMin, b.xMax), uy(b.yMin, b.yMax);
    const double eps3 = std::cbrt(std::numeric_limits<double>::epsilon());
    for (int i = 0; i < 200; ++i) {
        const Eigen::Vector2d p(ux(rng), uy(rng));
        Eigen::Vector2d g;
        const double f = fn.evaluate(p, g);
        QCOMPARE_EXACT(fn.value(p), f);
        QVERIFY(fn.gradient(p) == g);
        for (int k = 0; k < 2; ++k) {
            const double h = eps3;
            Eigen::Vector2d pp = p, pm = p;
            pp[k] += h;
            pm[k] -= h;
            const double fd = (fn.value(pp) - fn.value(pm)) / (pp[k] - pm[k]);
            const double tol = 1e-6 * (1.0 + std::abs(g[k]) + std::abs(f));
            if (std::abs(fd - g[k]) > tol)
                QFAIL(qPrintable(QString("%1 at (%2, %3) d/d%4: analytic %5, finite diff %6")
                                     .arg(name.c_str())
                                     .arg(p.x(), 0, 'g', 17)
                                     .arg(p.y(), 0, 'g', 17)
                                     .arg(k == 0 ? "x" : "y")
                                     .arg(g[k], 0, 'g', 17)
                                     .arg(fd, 0, 'g', 17)));
        }
    }
}

void TstFunctions::reference_data() {
    QTest::addColumn<std::string>("file");
    QTest::addColumn<bool>("exact");
    // exact: the function uses only +, −, ×, ÷ (IEEE-754 rounds them identically everywhere), and
    // we evaluate it in PyTorch's order, so it must match bit for bit. The others call std::pow,
    // sin, cos, exp or sqrt; torch evaluates sin/cos/exp with SLEEF (1-ulp accurate, not
    // correctly rounded) and pow with the C library, so they may differ by about an ulp.
    const std::pair<const char*, bool> functions[] = {{"rosenbrock", true},
                                                      {"beale", true},
                                                      {"himmelblau", true},
                                                      {"booth", true},
                                                      {"rastrigin", false},
                                                      {"ackley", false},
                                                      {"three_hump_camel", false},
                                                      {"six_hump_camel", false},
                                                      {"matyas", true},
                                                      {"goldstein_price", true},
                                                      {"styblinski_tang", false},
                                                      {"quadratic_bowl", true},
                                                      {"saddle", true}};
    for (const auto& [f, exact] : functions) {
        for (const char* opt : {"sgd", "adam", "rmsprop_momentum"}) {
            const std::string file = std::string(f) + "__" + opt + ".json";
            QTest::newRow(file.c_str()) << file << exact;
        }
    }
}

void TstFunctions::reference() {
    // f and ∇f at every recorded point must equal what PyTorch's autograd computed. The records
    // are evaluated at the recorded points, so this holds whether or not a run is chaotic. Our
    // expressions follow torch's term order and sum gradient terms in autograd's order, so
    // functions made of basic operations match bit for bit. For the others (see _data) the bound
    // is 4 ulp of a scale for the magnitudes of the terms, 1 + |f| + |∇f|₁·(1 + |p|₁) (for a
    // polynomial, |x·∂f/∂x| measures its terms), so that near-cancelling components are compared
    // on their terms' scale, not their own. Observed: under 1 ulp of that scale.
    QFETCH(std::string, file);
    QFETCH(bool, exact);
    const Json ref = loadReference(file);
    QVERIFY2(!ref.is_null(), ("missing reference " + file).c_str());
    const Json& fj = ref["function"];
    const FunctionInfo* info = findFunction(fj["name"]);
    QVERIFY(info);
    ParamSet params = ParamSet::defaults(info->params);
    for (const auto& [k, v] : fj["params"].items()) {
        if (findParam(info->params, k))
            params.set(k, v.get<double>());
        else // styblinski_tang's ½ is built in (the reference names it s = 0.5)
            QCOMPARE(k + "=" + std::to_string(v.get<double>()), std::string("s=0.500000"));
    }
    const TestFunction fn(*info, params);
    double worst = 0;
    for (const auto& r : ref["records"]) {
        const Eigen::Vector2d p(r["x"].get<double>(), r["y"].get<double>());
        Eigen::Vector2d g;
        const double f = fn.evaluate(p, g);
        const double rf = r["loss"].get<double>();
        const Eigen::Vector2d rg(r["grad"][0].get<double>(), r["grad"][1].get<double>());
        const double eps = std::numeric_limits<double>::epsilon();
        const double scale = 1.0 + std::abs(rf) + rg.cwiseAbs().sum() * (1.0 + p.cwiseAbs().sum());
        worst = std::max(worst, std::abs(f - rf) / scale);
        const double tol = exact ? 0.0 : 4 * eps * scale;
        QVERIFY2(std::abs(f - rf) <= tol, qPrintable(QString("k=%1 f %2 vs torch %3")
                                                         .arg(r["k"].get<int>())
                                                         .arg(f, 0, 'g', 17)
                                                         .arg(rf, 0, 'g', 17)));
        for (int k = 0; k < 2; ++k) {
            worst = std::max(worst, std::abs(g[k] - rg[k]) / scale);
            QVERIFY2(std::abs(g[k] - rg[k]) <= tol,
                     qPrintable(QString("k=%1 grad[%2] %3 vs torch %4")
                                    .arg(r["k"].get<int>())
                                    .arg(k)
                                    .arg(g[k], 0, 'g', 17)
                                    .arg(rg[k], 0, 'g', 17)));
        }
    }
    qInfo("worst deviation %.3g (in units of the terms' scale; eps = 2.2e-16)", worst);
}

void TstFunctions::minima_data() {
    QTest::addColumn<std::string>("name");
    QTest::addColumn<double>("fmin");
    QTest::addColumn<int>("count");
    // Known minimum values from the literature (Styblinski–Tang with the ½: −39.16617 per
    // coordinate; Goldstein–Price 3; six-hump camel −1.031628453; McCormick −√3/2 − ½ +
    // (1 − 2π/3)/2; Easom −1).
    QTest::newRow("rosenbrock") << std::string("rosenbrock") << 0.0 << 1;
    QTest::newRow("beale") << std::string("beale") << 0.0 << 1;
    QTest::newRow("himmelblau") << std::string("himmelblau") << 0.0 << 4;
    QTest::newRow("booth") << std::string("booth") << 0.0 << 1;
    QTest::newRow("rastrigin") << std::string("rastrigin") << 0.0 << 1;
    QTest::newRow("ackley") << std::string("ackley") << 0.0 << 1;
    QTest::newRow("three_hump_camel") << std::string("three_hump_camel") << 0.0 << 1;
    QTest::newRow("six_hump_camel") << std::string("six_hump_camel") << -1.0316284534898774 << 2;
    QTest::newRow("matyas") << std::string("matyas") << 0.0 << 1;
    QTest::newRow("goldstein_price") << std::string("goldstein_price") << 3.0 << 1;
    QTest::newRow("styblinski_tang") << std::string("styblinski_tang") << -78.33233140754282 << 1;
    QTest::newRow("quadratic_bowl") << std::string("quadratic_bowl") << 0.0 << 1;
    QTest::newRow("saddle") << std::string("saddle") << 0.0 << 0;
    QTest::newRow("mccormick") << std::string("mccormick")
                               << -std::sqrt(3.0) / 2 - 0.5 + 0.5 * (1 - 2 * M_PI / 3) << 1;
    QTest::newRow("levi") << std::string("levi") << 0.0 << 1;
    QTest::newRow("easom") << std::string("easom") << -1.0 << 1;
}

void TstFunctions::minima() {
    QFETCH(std::string, name);
    QFETCH(double, fmin);
    QFETCH(int, count);
    const TestFunction fn = makeFunction(name);
    const auto mins = fn.minima();
    QCOMPARE(int(mins.size()), count);
    for (const auto& m : mins) {
        Eigen::Vector2d g;
        const double f = fn.evaluate(m, g);
        // The minimizers are exact or Newton-polished to the last ulp; f there is within a few
        // ulp of the minimum (values cited to 16 digits), and ∇f vanishes up to the rounding of
        // its terms (|terms| ≲ 100 here, so 1e-12 is ~50 ulp of them).
        QVERIFY2(
            std::abs(f - fmin) <= 1e-13 * (1 + std::abs(fmin)),
            qPrintable(QString("f = %1, expected %2").arg(f, 0, 'g', 17).arg(fmin, 0, 'g', 17)));
        QVERIFY2(g.norm() <= 1e-12, qPrintable(QString("|grad| = %1").arg(g.norm())));
        // And it is a minimum: nothing lower on a small ring around it.
        for (int i = 0; i < 16; ++i) {
            const double t = 2 * M_PI * i / 16;
            QVERIFY(fn.value(m + 1e-3 * Eigen::Vector2d(std::cos(t), std::sin(t))) > f);
        }
    }
    if (count == 0) { // the saddle: a stationary point that is not a minimum
        QCOMPARE(fn.gradient({0, 0}), Eigen::Vector2d(0, 0));
        QVERIFY(fn.value({0, 1e-3}) < fn.value({0, 0}));
        QVERIFY(!fn.info().bounded);
    }
}

void TstFunctions::constantOverrides() {
    ParamSet b20;
    b20.set("b", 20.0);
    const TestFunction classic = makeFunction("rosenbrock"), soft = makeFunction("rosenbrock", b20);
    QCOMPARE(soft.constant("b"), 20.0);
    QCOMPARE(soft.constant("a"), 1.0);
    const Eigen::Vector2d p(-1.5, 2.0);
    // f = (1 + 1.5)² + b(2 − 2.25)² = 6.25 + 0.0625·b
    QCOMPARE(classic.value(p), 6.25 + 0.0625 * 100);
    QCOMPARE(soft.value(p), 6.25 + 0.0625 * 20);
    // ∂f/∂y = 2b(y − x²) = −0.5·b
    QCOMPARE(soft.gradient(p).y(), -10.0);
    QCOMPARE(classic.gradient(p).y(), -50.0);

    ParamSet a2;
    a2.set("a", -1.5);
    const TestFunction moved = makeFunction("rosenbrock", a2);
    QCOMPARE(moved.minima().front(), Eigen::Vector2d(-1.5, 2.25));
    QCOMPARE(moved.value({-1.5, 2.25}), 0.0);

    ParamSet c;
    c.set("c1", 4.0);
    c.set("c2", 0.5);
    const TestFunction bowl = makeFunction("quadratic_bowl", c);
    QCOMPARE(bowl.gradient({1.0, 2.0}), Eigen::Vector2d(4.0, 1.0));
    QCOMPARE(bowl.value({1.0, 2.0}), 3.0);

    ParamSet A0;
    A0.set("A", 0.0);
    QCOMPARE(makeFunction("rastrigin", A0).value({0.5, 0.5}), 0.5);
    QCOMPARE(makeFunction("rastrigin").value({0.5, 0.5}), 40.5);

    QVERIFY_THROWS_EXCEPTION(std::out_of_range, (void)classic.constant("zz"));
}

void TstFunctions::ackleyOrigin() {
    // Autograd gives NaN at the origin (√ at 0); we return 0 — the origin is the minimum.
    const TestFunction fn = makeFunction("ackley");
    QCOMPARE(fn.gradient({0.0, 0.0}), Eigen::Vector2d(0.0, 0.0));
    QVERIFY(std::abs(fn.value({0.0, 0.0})) < 1e-15);
    // Next to the origin the cone's slope a·b/√2 = 2.83 (plus the ripple's ~0) points away.
    const Eigen::Vector2d g = fn.gradient({1e-10, 0.0});
    QVERIFY2(std::abs(g.x() - 20 * 0.2 / std::sqrt(2.0)) < 1e-6,
             qPrintable(QString::number(g.x())));
    QCOMPARE_EXACT(g.y(), 0.0);
}

void TstFunctions::portableMath() {
    // Our own log/sin/cos (used by the noise) agree with the C library to a few ulp.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < 100000; ++i) {
        const double t = i < 4 ? i * 0.25 + (i == 0 ? 0.0 : 1e-17) : u(rng);
        double s = 0, c = 0;
        portable::sinCosTurns(t, s, c);
        const double a = 2 * M_PI * t;
        QVERIFY2(std::abs(s - std::sin(a)) <= 1e-15, qPrintable(QString::number(t, 'g', 17)));
        QVERIFY2(std::abs(c - std::cos(a)) <= 1e-15, qPrintable(QString::number(t, 'g', 17)));
        const double x = i < 4 ? std::ldexp(1.0, -53 * i) : u(rng) + 1e-300;
        const double l = std::log(x);
        QVERIFY2(std::abs(portable::log(x) - l) <= 4e-16 * std::max(1.0, std::abs(l)),
                 qPrintable(QString::number(x, 'g', 17)));
    }
    QCOMPARE(portable::log(1.0), 0.0);
}

void TstFunctions::noiseDeterminism() {
    GradientNoise a(1.5, 42), b(1.5, 42), c(1.5, 43);
    std::vector<double> first;
    int differ = 0;
    for (int i = 0; i < 1000; ++i) {
        const double va = a.next();
        QCOMPARE_EXACT(b.next(), va);
        differ += c.next() != va;
        first.push_back(va);
    }
    QCOMPARE_EXACT(differ, 1000);
    a.reset();
    for (double v : first)
        QCOMPARE_EXACT(a.next(), v);
    // Reset in the middle of a Box–Muller pair discards the spare.
    a.reset();
    (void)a.next();
    a.reset();
    QCOMPARE_EXACT(a.next(), first[0]);

    // stddev 0: exact +0, and the generator still advances identically.
    GradientNoise z(0.0, 42);
    for (int i = 0; i < 100; ++i) {
        const double v = z.next();
        QVERIFY(v == 0.0 && !std::signbit(v));
    }
    // Scaling: stddev 3 gives exactly 3× the unit draws (same seed).
    GradientNoise unit(1.0, 9), three(3.0, 9);
    for (int i = 0; i < 100; ++i)
        QCOMPARE_EXACT(three.next(), 3.0 * unit.next());
}

void TstFunctions::noiseStatistics() {
    // n = 100000 draws of N(0, σ²), σ = 2: the sample mean has sd σ/√n = 0.0063, so |mean| < 0.032
    // is a 5-sd bound; the sample variance has sd σ²·√(2/n) = 0.018, so |var − 4| < 0.09 is 5 sd.
    // The fraction within 1σ (0.6827) has sd √(p(1−p)/n) = 0.0015: 5 sd is 0.0074.
    // Seeds are fixed, so this cannot flake; 5 sd makes it robust to the choice of seed.
    for (std::uint64_t seed : {1ull, 2ull, 12345ull}) {
        GradientNoise n(2.0, seed);
        const int count = 100000;
        double sum = 0, sum2 = 0;
        int within = 0;
        for (int i = 0; i < count; ++i) {
            const double v = n.next();
            QVERIFY(std::isfinite(v));
            sum += v;
            sum2 += v * v;
            within += std::abs(v) < 2.0;
        }
        const double mean = sum / count, var = sum2 / count - mean * mean;
        qInfo("seed %llu: mean %.4f var %.4f within-1sd %.4f", (unsigned long long)seed, mean, var,
              double(within) / count);
        QVERIFY(std::abs(mean) < 0.032);
        QVERIFY(std::abs(var - 4.0) < 0.09);
        QVERIFY(std::abs(double(within) / count - 0.682689492) < 0.0074);
    }
}

void TstFunctions::noiseGolden() {
    // The first values for seed 1, computed once with this implementation and pinned. Pinning is
    // right here because SPEC §2 promises that a noise seed gives the same sequence on every
    // platform and in every run (std::mt19937_64 is fixed by the standard; the Box–Muller
    // transform uses only IEEE-754-exact operations). Any change to these numbers changes every
    // noisy experiment users have saved, so it must be a deliberate, visible decision.
    // (An independent Python transcription — mt19937_64 + math.log/cos/sin — agrees to 1 ulp.)
    GradientNoise n(1.0, 1);
    const double golden[4] = {1.3128515289855618, 1.5159465040060627, 1.2506039211781217,
                              0.16617138105239221};
    for (double g : golden)
        QCOMPARE_EXACT(n.next(), g);
}

QTEST_GUILESS_MAIN(TstFunctions)
#include "tst_functions.moc"
