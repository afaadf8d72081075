// Typed functions (problem "function": "custom"): every built-in's formula typed as an
// expression follows the built-in's Adam trajectory; exact gradients against finite differences
// (here only); the symbolic derivative agrees with the automatic one; every bad input is refused
// with its field and column; the CLI runs them and refuses bad ones with exit 2.
#include "core/experiment/experiment_io.h"
#include "core/functions/custom_function.h"
#include "core/functions/expression.h"
#include "core/run/function_run.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>

using namespace optiscope;

namespace {

struct Typed {
    const char* name;
    const char* expression;
    std::vector<std::pair<std::string, double>> params;
};

// The formulas of core/functions/test_function.cpp, typed as a user would.
const std::vector<Typed>& typedBuiltins() {
    static const std::vector<Typed> t = {
        {"rosenbrock", "(a - x)^2 + b*(y - x^2)^2", {{"a", 1.0}, {"b", 100.0}}},
        {"beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", {}},
        {"himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", {}},
        {"booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2", {}},
        {"rastrigin", "2*A + (x^2 - A*cos(2*pi*x)) + (y^2 - A*cos(2*pi*y))", {{"A", 10.0}}},
        {"ackley",
         "-a*exp(-b*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(c*x) + cos(c*y))) + a + e",
         {{"a", 20.0}, {"b", 0.2}, {"c", 2.0 * std::numbers::pi}}},
        {"three_hump_camel", "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", {}},
        {"six_hump_camel", "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2", {}},
        {"matyas", "0.26*(x^2 + y^2) - 0.48*x*y", {}},
        {"goldstein_price",
         "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
         " * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
         {}},
        {"styblinski_tang", "0.5*((x^4 - 16*x^2 + 5*x) + (y^4 - 16*y^2 + 5*y))", {}},
        {"quadratic_bowl", "0.5*(c1*x^2 + c2*y^2)", {{"c1", 1.0}, {"c2", 10.0}}},
        {"saddle", "x^2 - y^2", {}},
        {"mccormick", "sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1", {}},
        {"levi",
         "sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)",
         {}},
        {"easom", "-cos(x)*cos(y)*exp(-((x - pi)^2 + (y - pi)^2))", {}},
    };
    return t;
}

const Typed* typedFor(const std::string& name) {
    for (const auto& t : typedBuiltins())
        if (name == t.name)
            return &t;
    return nullptr;
}

std::shared_ptr<const CustomFunction> makeOrFail(const std::string& text,
                                                 std::vector<std::pair<std::string, double>> p,
                                                 PlotBounds b = {-5, 5, -5, 5}) {
    CustomFunction::Error why;
    auto f = CustomFunction::make(text, p, b, {}, &why);
    if (!f)
        qWarning("%s: %s: %s", text.c_str(), why.field.c_str(), why.text().c_str());
    return f;
}

Experiment adamExperiment(const FunctionProblem& problem, long long steps, double lr) {
    Experiment e;
    e.problemType = Experiment::ProblemType::Function;
    e.function = problem;
    e.steps = steps;
    RunConfig run;
    run.name = "Adam";
    run.optimizer.type = "adam";
    run.optimizer.params = ParamSet::defaults(findOptimizer("adam")->params);
    run.optimizer.params.set("lr", lr);
    e.runs.push_back(run);
    return e;
}

std::vector<FunctionStep> trajectory(const Experiment& e) {
    FunctionRun run(e, expandRuns(e).front());
    std::vector<FunctionStep> rows{run.current()};
    while (run.advance())
        rows.push_back(run.current());
    return rows;
}

// A central difference of f along x (axis 0) or y (axis 1), step h scaled to the point.
double centralDifference(const Expression& f, const double* params, double x, double y, int axis) {
    const double h = 1e-6 * std::max(1.0, std::abs(axis == 0 ? x : y));
    if (axis == 0)
        return (f.value(x + h, y, params) - f.value(x - h, y, params)) / (2 * h);
    return (f.value(x, y + h, params) - f.value(x, y - h, params)) / (2 * h);
}

struct CliResult {
    int exitCode = -1;
    QString err;
};

CliResult runCli(const QStringList& args, bool display = true) {
    QProcess p;
    if (!display) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        p.setProcessEnvironment(env);
    }
    p.start(QStringLiteral(OPTISCOPE_CLI), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(300000))
        qFatal("optiscope-cli did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardError())};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const std::string& data) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) ||
        f.write(data.data(), qint64(data.size())) != qint64(data.size()))
        qFatal("cannot write test file");
    return path;
}

std::string customProblemJson(const std::string& expressionJson, const std::string& extra = "") {
    return R"({"problem": {"type": "function", "function": "custom", "expression": )" +
           expressionJson + extra +
           R"(}, "steps": 50, "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}]})";
}

} // namespace

class TestCustomFunction : public QObject {
    Q_OBJECT
private slots:
    void builtinFormulasFollowTheBuiltinTrajectory_data();
    void builtinFormulasFollowTheBuiltinTrajectory();
    void gradientsMatchFiniteDifferences_data();
    void gradientsMatchFiniteDifferences();
    void symbolicDerivativeAgreesWithAutomatic();
    void symbolicDerivativeText();
    void parsesSyntax();
    void badExpressions_data();
    void badExpressions();
    void badParamsAndBounds();
    void readerNamesFieldAndColumn_data();
    void readerNamesFieldAndColumn();
    void experimentRoundTrip();
    void nonFiniteIsDivergenceNotError();
    void cliRunsAndRefuses();
};

void TestCustomFunction::builtinFormulasFollowTheBuiltinTrajectory_data() {
    QTest::addColumn<QString>("name");
    for (const auto& f : functionCatalog())
        QTest::newRow(f.name.c_str()) << QString::fromStdString(f.name);
}

// 1,000 Adam steps (lr 0.01, from each function's default start) on the built-in and on its
// typed formula: every point and loss within 1e-12 relative (to max(|value|, 1)).
void TestCustomFunction::builtinFormulasFollowTheBuiltinTrajectory() {
    QFETCH(QString, name);
    const FunctionInfo* info = findFunction(name.toStdString());
    QVERIFY(info);
    const Typed* typed = typedFor(info->name);
    QVERIFY2(typed, "every catalog function has a typed formula in this test");

    FunctionProblem builtin;
    builtin.function = info->name;
    builtin.params = ParamSet::defaults(info->params);
    builtin.start = info->defaultStart;

    FunctionProblem custom;
    custom.function = "custom";
    custom.custom.function = makeOrFail(typed->expression, typed->params, info->bounds);
    QVERIFY(custom.custom);
    custom.params = ParamSet::defaults(custom.custom->info().params);
    custom.start = info->defaultStart;

    const auto a = trajectory(adamExperiment(builtin, 1000, 0.01));
    const auto b = trajectory(adamExperiment(custom, 1000, 0.01));
    QCOMPARE(b.size(), a.size());
    QCOMPARE(a.size(), size_t(1001));
    double worst = 0.0;
    for (size_t k = 0; k < a.size(); ++k) {
        const double scale = std::max(1.0, a[k].point.norm());
        worst = std::max(worst, (a[k].point - b[k].point).norm() / scale);
        worst =
            std::max(worst, std::abs(a[k].loss - b[k].loss) / std::max(1.0, std::abs(a[k].loss)));
    }
    qInfo("%s: largest relative difference over 1000 steps %.3g", info->name.c_str(), worst);
    QVERIFY2(worst <= 1e-12, qPrintable(QString("relative difference %1").arg(worst)));
}

void TestCustomFunction::gradientsMatchFiniteDifferences_data() {
    QTest::addColumn<QString>("expression");
    for (const auto& t : typedBuiltins())
        if (t.params.empty())
            QTest::newRow(t.name) << QString(t.expression);
    // Every function and operator, at points where each is smooth.
    QTest::newRow("trig") << "sin(x)*cos(y) + tan(0.3*x) - atan(x*y)";
    QTest::newRow("inverse trig") << "asin(0.1*x) + acos(0.1*y) + atan(x - y)";
    QTest::newRow("hyperbolic") << "sinh(0.5*x) + cosh(0.3*y) + tanh(x*y)";
    QTest::newRow("exp log") << "exp(-x^2) + log(1 + y^2) + log10(2 + x^2*y^2)";
    QTest::newRow("sqrt abs") << "sqrt(1 + x^2 + y^2) + abs(x - 0.123)*y";
    QTest::newRow("min max") << "min(x^2, y + 3) + max(x*y, -y)";
    QTest::newRow("powers") << "(1 + x^2)^1.5 + (2 + sin(y))^(x/3) + 2^y - x^-2 + y^3";
    QTest::newRow("division") << "(x + 1)/(y^2 + 2) - 1/(1 + x^2)";
    QTest::newRow("unary") << "-x^2 - -y + +x*-y";
}

void TestCustomFunction::gradientsMatchFiniteDifferences() {
    QFETCH(QString, expression);
    ExpressionError err;
    const auto f = Expression::parse(expression.toStdString(), {}, &err);
    QVERIFY2(f, err.reason.c_str());
    std::mt19937_64 rng(20261206); // fixed seed, printed for reproduction
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    int checked = 0;
    for (int i = 0; i < 200; ++i) {
        const double x = u(rng), y = u(rng);
        double gx = 0, gy = 0;
        const double v = f->evaluate(x, y, nullptr, gx, gy);
        if (!std::isfinite(v) || !std::isfinite(gx) || !std::isfinite(gy))
            continue;
        QCOMPARE(v, f->value(x, y, nullptr));
        const double fx = centralDifference(*f, nullptr, x, y, 0);
        const double fy = centralDifference(*f, nullptr, x, y, 1);
        const double scale = std::max({1.0, std::abs(gx), std::abs(gy), std::abs(v) * 1e-3});
        QVERIFY2(std::abs(fx - gx) <= 1e-5 * scale,
                 qPrintable(QString("d/dx at (%1, %2): exact %3, differences %4")
                                .arg(x)
                                .arg(y)
                                .arg(gx)
                                .arg(fx)));
        QVERIFY2(std::abs(fy - gy) <= 1e-5 * scale,
                 qPrintable(QString("d/dy at (%1, %2): exact %3, differences %4")
                                .arg(x)
                                .arg(y)
                                .arg(gy)
                                .arg(fy)));
        ++checked;
    }
    QVERIFY(checked >= 150);
}

void TestCustomFunction::symbolicDerivativeAgreesWithAutomatic() {
    std::vector<std::string> exprs;
    for (const auto& t : typedBuiltins())
        if (t.params.empty())
            exprs.emplace_back(t.expression);
    exprs.insert(exprs.end(), {"asin(0.1*x) + acos(0.1*y) + atan(x - y)",
                               "sinh(0.5*x) + cosh(0.3*y) + tanh(x*y) + tan(0.2*x*y)",
                               "exp(-x^2) + log(1 + y^2) + log10(2 + x^2*y^2)",
                               "sqrt(1 + x^2 + y^2) + abs(x - 0.123)*y",
                               "(1 + x^2)^1.5 + (2 + sin(y))^(x/3) + 2^y - x^-2",
                               "(x + 1)/(y^2 + 2) - 1/(1 + x^2)"});
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    for (const auto& text : exprs) {
        const auto f = Expression::parse(text, {}, nullptr);
        QVERIFY(f);
        const auto dx = f->derivative(0), dy = f->derivative(1);
        QVERIFY2(dx && dy, text.c_str());
        // The printed derivative parses back to the same function.
        const auto dxText = Expression::parse(f->derivativeText(0), {}, nullptr);
        QVERIFY2(dxText, f->derivativeText(0).c_str());
        for (int i = 0; i < 50; ++i) {
            const double x = u(rng), y = u(rng);
            double gx = 0, gy = 0;
            f->evaluate(x, y, nullptr, gx, gy);
            if (!std::isfinite(gx) || !std::isfinite(gy))
                continue;
            const double sx = dx->value(x, y, nullptr), sy = dy->value(x, y, nullptr);
            const double scale = std::max({1.0, std::abs(gx), std::abs(gy)});
            QVERIFY2(std::abs(sx - gx) <= 1e-9 * scale, text.c_str());
            QVERIFY2(std::abs(sy - gy) <= 1e-9 * scale, text.c_str());
            QVERIFY(std::abs(dxText->value(x, y, nullptr) - sx) <=
                    1e-12 * std::max(1.0, std::abs(sx)));
        }
    }
    // min and max are piecewise: no symbolic form, but exact gradients all the same.
    const auto m = Expression::parse("min(x, y)", {}, nullptr);
    QVERIFY(m && !m->derivative(0) && m->derivativeText(0).empty());
}

void TestCustomFunction::symbolicDerivativeText() {
    const auto f = Expression::parse("(a - x)^2 + b*(y - x^2)^2", {"a", "b"}, nullptr);
    QVERIFY(f);
    QCOMPARE(f->derivativeText(0), std::string("-2*(a - x) - b*2*(y - x^2)*2*x"));
    QCOMPARE(f->derivativeText(1), std::string("b*2*(y - x^2)"));
    QCOMPARE(f->canonicalText(), std::string("(a - x)^2 + b*(y - x^2)^2"));
    const auto g = Expression::parse("sin(x)*exp(y)", {}, nullptr);
    QCOMPARE(g->derivativeText(0), std::string("cos(x)*exp(y)"));
    QCOMPARE(g->derivativeText(1), std::string("sin(x)*exp(y)"));
    // A derivative longer than asked for is not shown.
    QVERIFY(g->derivativeText(0, 5).empty());
}

void TestCustomFunction::parsesSyntax() {
    struct Case {
        const char* text;
        double x, y, expected;
    };
    const double pi = std::numbers::pi;
    const Case cases[] = {
        {"1 + 2*3", 0, 0, 7},
        {"2^3^2", 0, 0, 512}, // right-associative
        {"-x^2", 3, 0, -9},   // the power binds tighter than the sign
        {"2^-1", 0, 0, 0.5},
        {"x**2", 3, 0, 9},  // ** as in Python
        {"8/4/2", 0, 0, 1}, // left-associative
        {"10 - 4 - 3", 0, 0, 3},
        {"1.5e2 + .5", 0, 0, 150.5},
        {"pi + e", 0, 0, pi + std::numbers::e},
        {"min(x, y) + max(x, y)", 2, 5, 7},
        {"abs(-x)", 3, 0, 3},
        {"log(e) + log10(1000) + sqrt(16)", 0, 0, 8},
        {"\xe2\x88\x92x \xc2\xb7 y", 2, 3, -6}, // "−x · y" (U+2212, U+00B7)
        {" ( x ) ", 4, 0, 4},
    };
    for (const auto& c : cases) {
        ExpressionError err;
        const auto f = Expression::parse(c.text, {}, &err);
        QVERIFY2(f, (std::string(c.text) + ": " + err.reason).c_str());
        QCOMPARE(f->value(c.x, c.y, nullptr), c.expected);
    }
    const double params[] = {2.0, 5.0};
    const auto f = Expression::parse("k*x + b2", {"k", "b2"}, nullptr);
    QVERIFY(f);
    QCOMPARE(f->value(3, 0, params), 11.0);
}

void TestCustomFunction::badExpressions_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << "" << 1 << "is empty";
    QTest::newRow("blank") << "   " << 4 << "is empty";
    QTest::newRow("unknown name") << "x + z" << 5 << "unknown name 'z'";
    QTest::newRow("unknown function") << "2*foo(x)" << 3 << "unknown function 'foo'";
    QTest::newRow("function without call") << "sin + x" << 1 << "sin is a function";
    QTest::newRow("missing operand") << "x +" << 4 << "ends too early";
    QTest::newRow("missing operand mid") << "x * * y" << 5 << "expected a number";
    QTest::newRow("unclosed paren") << "(x + y" << 7 << "expected ')' to close the '(' at column 1";
    QTest::newRow("unopened paren") << "x + y)" << 6 << "without a matching '('";
    QTest::newRow("implicit product") << "2x" << 2 << "expected an operator before 'x'";
    QTest::newRow("bad character") << "x # y" << 3 << "unexpected character '#'";
    QTest::newRow("superscript") << "x\xc2\xb2" << 2 << "write a power as ^2";
    QTest::newRow("max one arg") << "max(x)" << 6 << "takes two arguments";
    QTest::newRow("sin two args") << "sin(x, y)" << 6 << "takes one argument";
    QTest::newRow("comma at top") << "x, y" << 2 << "only min and max";
    QTest::newRow("huge number") << "1e999*x" << 1 << "out of range";
    QTest::newRow("bad utf8") << QString::fromLatin1("x + ") + QChar(0xFFFD) << 5
                              << "unexpected character";
    QTest::newRow("too long") << ("x" + QString(" + x").repeated(1024)) << 4097
                              << "longer than 4096 characters";
    QTest::newRow("too deep parens") << QString("(").repeated(65) + "x" + QString(")").repeated(65)
                                     << 66 << "nests deeper than 64 levels";
    QTest::newRow("too deep signs")
        << QString("-").repeated(65) + "x" << 66 << "nests deeper than 64 levels";
    QTest::newRow("too deep calls")
        << QString("sin(").repeated(65) + "x" + QString(")").repeated(65) << 261
        << "nests deeper than 64 levels";
}

void TestCustomFunction::badExpressions() {
    QFETCH(QString, text);
    QFETCH(int, column);
    QFETCH(QString, reason);
    ExpressionError err;
    const auto f = Expression::parse(text.toStdString(), {"a"}, &err);
    QVERIFY2(!f, qPrintable(text));
    QVERIFY2(QString::fromStdString(err.reason).contains(reason),
             qPrintable(QString::fromStdString(err.reason)));
    QCOMPARE(err.column, column);
}

void TestCustomFunction::badParamsAndBounds() {
    // 64 levels is the limit, not 63.
    QVERIFY(Expression::parse(std::string(64, '(') + "x" + std::string(64, ')'), {}, nullptr));
    QVERIFY(Expression::parse(std::string(4095, ' ') + "x", {}, nullptr));
    // Raw bytes that are not UTF-8.
    ExpressionError err;
    QVERIFY(!Expression::parse("x + \xff", {}, &err));
    QCOMPARE(err.column, 5);
    QVERIFY(QString::fromStdString(err.reason).contains("UTF-8"));

    for (const char* shadow : {"x", "y", "pi", "e", "sin", "max"}) {
        CustomFunction::Error why;
        QVERIFY(!CustomFunction::make("x + y", {{shadow, 1.0}}, {-1, 1, -1, 1}, {}, &why));
        QCOMPARE(why.field, std::string("params.") + shadow);
        QVERIFY(QString::fromStdString(why.reason).contains("shadows"));
    }
    CustomFunction::Error why;
    QVERIFY(!CustomFunction::make("x", {{"2a", 1.0}}, {-1, 1, -1, 1}, {}, &why));
    QCOMPARE(why.field, std::string("params.2a"));
    for (const PlotBounds& b : {PlotBounds{1, -1, -1, 1}, PlotBounds{-1, 1, 2, 2},
                                PlotBounds{-1, NAN, -1, 1}, PlotBounds{-1, 1, -1, 1e13}}) {
        QVERIFY(!CustomFunction::make("x", {}, b, {}, &why));
        QCOMPARE(why.field, std::string("bounds"));
    }
    QVERIFY(!CustomFunction::make("x + k", {}, {-1, 1, -1, 1}, {}, &why));
    QCOMPARE(why.field, std::string("expression"));
    QCOMPARE(why.text(), std::string("column 5: unknown name 'k'; the names are x, y, pi, e "
                                     "(add a constant to the params)"));
}

void TestCustomFunction::readerNamesFieldAndColumn_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    auto row = [](const char* tag, const std::string& json, const char* message) {
        QTest::newRow(tag) << QString::fromStdString(json) << QString(message);
    };
    row("unknown name", customProblemJson(R"("x + q")"),
        "problem.expression: column 5: unknown name 'q'");
    row("empty", customProblemJson(R"("")"), "problem.expression: column 1: is empty");
    row("too long", customProblemJson("\"" + std::string(4097, 'x') + "\""),
        "problem.expression: column 4097: is longer than 4096 characters");
    row("too deep",
        customProblemJson("\"" + std::string(65, '(') + "x" + std::string(65, ')') + "\""),
        "problem.expression: column 66: nests deeper than 64 levels");
    row("not a string", customProblemJson("3"), "problem.expression");
    row("missing",
        R"({"problem": {"type": "function", "function": "custom"}, "runs": [{"name": "A", "optimizer": {"type": "adam"}}]})",
        "problem.expression: is required for a custom function");
    row("shadow x", customProblemJson(R"("x")", R"(, "params": {"x": 1})"),
        "problem.params.x: shadows the built-in name 'x'");
    row("shadow pi", customProblemJson(R"("x")", R"(, "params": {"pi": 3})"),
        "problem.params.pi: shadows");
    row("param not number", customProblemJson(R"("a*x")", R"(, "params": {"a": "big"})"),
        "problem.params.a");
    row("bounds decreasing", customProblemJson(R"("x")", R"(, "bounds": [[2, 1], [0, 1]])"),
        "problem.bounds: must be two increasing pairs");
    row("bounds shape", customProblemJson(R"("x")", R"(, "bounds": [[0, 1]])"),
        "problem.bounds: must be two increasing pairs");
    row("minima shape", customProblemJson(R"("x")", R"(, "minima": [[0]])"),
        "problem.minima[0]: must be a point");
    row("expression on a built-in",
        R"({"problem": {"type": "function", "function": "booth", "expression": "x"}, "runs": [{"name": "A", "optimizer": {"type": "adam"}}]})",
        "problem.expression: is only for \"function\": \"custom\"");
}

void TestCustomFunction::readerNamesFieldAndColumn() {
    QFETCH(QString, json);
    QFETCH(QString, message);
    const auto parsed = parseExperiment(json.toStdString());
    QVERIFY(!parsed.experiment);
    const QString all = QString::fromStdString(parsed.messages("exp.json"));
    QVERIFY2(all.contains("exp.json: " + message), qPrintable(all));
}

void TestCustomFunction::experimentRoundTrip() {
    const std::string json =
        R"({"title": "ravine", "problem": {"type": "function", "function": "custom",
            "expression": "(a - x)^2 + b*(y - x^2)^2", "params": {"a": 1, "b": 100},
            "bounds": [[-2, 2], [-1, 3]], "minima": [[1, 1]], "start": [-1.5, 2]},
            "steps": 200, "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05}}]})";
    const auto parsed = parseExperiment(json);
    QVERIFY2(parsed.experiment, parsed.messages("exp.json").c_str());
    const Experiment& e = *parsed.experiment;
    QCOMPARE(e.function.function, std::string("custom"));
    QVERIFY(e.function.custom);
    QCOMPARE(e.function.params.real("b"), 100.0);
    const FunctionInfo* info = functionInfo(e.function);
    QVERIFY(info);
    QCOMPARE(info->bounds.yMax, 3.0);
    QCOMPARE(TestFunction(*info, e.function.params).minima().front(), Eigen::Vector2d(1, 1));

    const std::string written = experimentToJson(e);
    const auto again = parseExperiment(written);
    QVERIFY2(again.experiment, again.messages("written").c_str());
    QVERIFY(*again.experiment == e);
    const auto doc = nlohmann::json::parse(written);
    QCOMPARE(doc["problem"]["expression"].get<std::string>(),
             std::string("(a - x)^2 + b*(y - x^2)^2"));
    QCOMPARE(doc["problem"]["bounds"][1][1].get<double>(), 3.0);

    // A changed constant is kept (the constants live in problem.params, as for built-ins).
    Experiment changed = e;
    changed.function.params.set("b", 20.0);
    const auto third = parseExperiment(experimentToJson(changed));
    QVERIFY(third.experiment && *third.experiment == changed);
    QVERIFY(!(changed == e));
    // Another expression is another experiment.
    Experiment other = e;
    other.function.custom.function =
        makeOrFail("(a - x)^2 + b*(y - x^2)^4", {{"a", 1}, {"b", 100}});
    QVERIFY(!(other == e));
}

void TestCustomFunction::nonFiniteIsDivergenceNotError() {
    // log of a negative number: a valid function, and a run that reaches it diverges.
    FunctionProblem p;
    p.function = "custom";
    p.custom.function = makeOrFail("log(x) + y^2", {});
    QVERIFY(p.custom);
    p.start = {1.0, 1.0};
    const Experiment e = adamExperiment(p, 500, 0.5);
    FunctionRun run(e, expandRuns(e).front());
    while (run.advance()) {
    }
    QVERIFY(run.diverged());
    QVERIFY(run.divergedAt() > 0);
    QVERIFY(std::isfinite(run.current().loss));
}

void TestCustomFunction::cliRunsAndRefuses() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string good =
        R"({"problem": {"type": "function", "function": "custom", "expression": "x^2 + 10*y^2",
            "bounds": [[-2, 2], [-2, 2]], "start": [1.5, 1]},
            "steps": 100, "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05}}]})";
    const QString file = writeFile(dir, "good.json", good);
    const CliResult ok = runCli({"run", file, "--out", dir.filePath("out")});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QFile trace(dir.filePath("out/adam.csv"));
    QVERIFY(trace.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(trace.readAll()).count('\n'), 102); // header + rows 0..100

    const QString bad = writeFile(dir, "bad.json", customProblemJson(R"j("x + sinn(y)")j"));
    const CliResult refused = runCli({"run", bad, "--out", dir.filePath("out2")});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("bad.json: problem.expression: column 5: unknown function "
                                  "'sinn'"),
             qPrintable(refused.err));
    QVERIFY(!QDir(dir.filePath("out2")).exists());

    // --plots surface without a display: said on stderr, the other plots written, exit 0.
    const CliResult noGl =
        runCli({"run", file, "--out", dir.filePath("plots"), "--plots", "png,surface"}, false);
    QVERIFY2(noGl.exitCode == 0, qPrintable(noGl.err));
    QVERIFY2(noGl.err.contains("--plots surface: not written"), qPrintable(noGl.err));
    QVERIFY(QFile::exists(dir.filePath("plots/trajectories.png")));
    QVERIFY(!QFile::exists(dir.filePath("plots/surface.png")));
    // With a display (DISPLAY set, e.g. Xvfb with Mesa): the 3D view as a PNG of the size asked.
    if (qEnvironmentVariableIsSet("DISPLAY")) {
        const CliResult gl = runCli({"run", file, "--out", dir.filePath("surface"), "--plots",
                                     "surface", "--size", "800x600"});
        QVERIFY2(gl.exitCode == 0, qPrintable(gl.err));
        QFile png(dir.filePath("surface/surface.png"));
        if (png.open(QIODevice::ReadOnly)) {
            const QByteArray head = png.read(24);
            QVERIFY(head.startsWith("\x89PNG"));
            QCOMPARE(qFromBigEndian<quint32>(head.constData() + 16), 800u);
            QCOMPARE(qFromBigEndian<quint32>(head.constData() + 20), 600u);
            QVERIFY(png.size() > 20000);
        } else {
            QVERIFY2(gl.err.contains("--plots surface: not written"), qPrintable(gl.err));
        }
    }

    // A study over a typed function's constant.
    const std::string study =
        R"({"problem": {"type": "function", "function": "custom", "expression": "x^2 + k*y^2",
            "params": {"k": 10}, "start": [1.5, 1]}, "steps": 50,
            "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05}}],
            "study": {"grid": {"problem.params.k": [1, 100]}}})";
    const QString studyFile = writeFile(dir, "study.json", study);
    const CliResult s = runCli({"study", studyFile, "--out", dir.filePath("study")});
    QVERIFY2(s.exitCode == 0, qPrintable(s.err));
    QVERIFY(QDir(dir.filePath("study")).exists());
}

QTEST_GUILESS_MAIN(TestCustomFunction)
#include "tst_custom_function.moc"
