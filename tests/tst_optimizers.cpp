// Update rules against PyTorch 1.13's golden trajectories (replay of recorded gradients), the
// catalog against torch's constructor defaults, parameter validation, reset() and setMomentum().
#include "core/optim/update_rule.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>

using namespace optiscope;
using json = nlohmann::json;

namespace {

const QString kTrajectoryDir = QStringLiteral(OPTISCOPE_REFERENCE_DIR "/trajectories");

json loadJson(const QString& path) {
    std::ifstream in(path.toStdString());
    if (!in)
        throw std::runtime_error("cannot open " + path.toStdString());
    return json::parse(in);
}

const std::map<std::string, std::string>& classToType() {
    static const std::map<std::string, std::string> m{
        {"SGD", "sgd"},           {"Adagrad", "adagrad"}, {"RMSprop", "rmsprop"},
        {"Adadelta", "adadelta"}, {"Adam", "adam"},       {"AdamW", "adamw"},
        {"Adamax", "adamax"},     {"NAdam", "nadam"},     {"RAdam", "radam"}};
    return m;
}

ParamValue toParamValue(const json& j) {
    if (j.is_boolean())
        return j.get<bool>();
    if (j.is_number())
        return j.get<double>();
    if (j.is_array())
        return j.get<std::vector<double>>();
    return j.get<std::string>();
}

ParamSet paramSetFromJson(const QString& text) {
    const json j = json::parse(text.toStdString());
    ParamSet set;
    for (const auto& [key, value] : j.items())
        set.set(key, toParamValue(value));
    return set;
}

/// The type and parameter set of a trajectory file's optimizer, from its full param_group
/// (`hyperparameters`); torch-only flags (foreach, maximize, ...) are not ours and are dropped.
std::pair<std::string, ParamSet> optimizerOf(const json& file) {
    const std::string type = classToType().at(file["optimizer"]["class"].get<std::string>());
    const OptimizerInfo* info = findOptimizer(type);
    ParamSet set;
    for (const auto& [key, value] : file["optimizer"]["hyperparameters"].items())
        if (findParam(info->params, key))
            set.set(key, toParamValue(value));
    return {type, set};
}

template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, 1> vec2(const json& a, const json& b) {
    Eigen::Matrix<Scalar, Eigen::Dynamic, 1> v(2);
    v << static_cast<Scalar>(a.get<double>()), static_cast<Scalar>(b.get<double>());
    return v;
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Distance in units in the last place (for messages only).
long long ulpDistance(double a, double b) {
    long long ia, ib;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    if (ia < 0)
        ia = std::numeric_limits<long long>::min() - ia;
    if (ib < 0)
        ib = std::numeric_limits<long long>::min() - ib;
    return ia > ib ? ia - ib : ib - ia;
}

QString describe(const std::string& what, int k, double ours, double ref) {
    return QString::asprintf("%s at step %d: ours %.17g, torch %.17g (%lld ulp)", what.c_str(), k,
                             ours, ref, ulpDistance(ours, ref));
}

bool closeRel(double a, double b, double rel) {
    return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

// Reference names of derived quantities that our state() spells differently.
std::string ourName(const std::string& derivedKey) {
    return derivedKey == "denom_torch" ? "denom" : derivedKey;
}

/// Relative tolerance of derived quantities and eff_lr: they are computed the way torch computes
/// them, but the reference's Python-side order of a few is not documented; 1e-15 is ~4.5 ulp.
constexpr double kDerivedRel = 1e-15;

} // namespace

class TestOptimizers : public QObject {
    Q_OBJECT

private slots:
    void trajectoryFilesPresent();
    void replay_data();
    void replay();
    void floatTracksDouble_data();
    void floatTracksDouble();
    void defaultsMatchTorch_data();
    void defaultsMatchTorch();
    void catalogIsComplete();
    void paramChecks_data();
    void paramChecks();
    void resetClearsState_data();
    void resetClearsState();
    void nonFiniteGradientPropagates_data();
    void nonFiniteGradientPropagates();
    void lionSteps();
    void setMomentum_data();
    void setMomentum();
};

void TestOptimizers::trajectoryFilesPresent() {
    const QStringList files = QDir(kTrajectoryDir).entryList({"*.json"}, QDir::Files);
    QCOMPARE(files.size(), 234);
}

void TestOptimizers::replay_data() {
    QTest::addColumn<QString>("path");
    const QDir dir(kTrajectoryDir);
    for (const QString& name : dir.entryList({"*.json"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(QFileInfo(name).completeBaseName())) << dir.filePath(name);
}

void TestOptimizers::replay() {
    QFETCH(QString, path);
    const json file = loadJson(path);
    const std::string id = file["optimizer"]["id"].get<std::string>();
    const auto [type, params] = optimizerOf(file);
    const auto problems = checkOptimizerParams(type, params);
    QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().second.c_str());
    const double lr = params.real("lr");
    const json& records = file["records"];

    auto rule = makeUpdateRule<double>(type, params);
    rule->reset(2);
    Eigen::VectorXd p = vec2<double>(records[0]["x"], records[0]["y"]);

    if (id == "nadam") {
        // torch 1.13's default NAdam path has the mu_product_next bug (PR 92699); we implement
        // the corrected formula. Show that: one step from the same start and gradient equals the
        // sibling nadam_foreach file's first step bit for bit, shares the buggy file's moments,
        // and differs from the buggy file's params by exactly the extra mu_t factor.
        const QString siblingPath = QString(path).replace("__nadam.json", "__nadam_foreach.json");
        const json sibling = loadJson(siblingPath);
        QVERIFY(sibling["start"] == file["start"]);
        QVERIFY(sibling["records"][0]["grad"] == records[0]["grad"]);
        QVERIFY(optimizerOf(sibling).second == params);
        rule->step(p, vec2<double>(records[0]["grad"][0], records[0]["grad"][1]), lr);
        const json& fixed = sibling["records"][1];
        QVERIFY2(sameBits(p[0], fixed["x"].get<double>()) &&
                     sameBits(p[1], fixed["y"].get<double>()),
                 "first NAdam step differs from torch's corrected (foreach) path");
        QVERIFY2(!sameBits(p[0], records[1]["x"].get<double>()) ||
                     !sameBits(p[1], records[1]["y"].get<double>()),
                 "first NAdam step reproduces the 1.13 single-tensor bug");
        const OptimizerState st = rule->state();
        for (const char* name : {"exp_avg", "exp_avg_sq"})
            for (int i = 0; i < 2; ++i)
                QVERIFY(sameBits(st.tensor(name)->values[i],
                                 records[1]["state"][name][i].get<double>()));
        const double buggyNext = records[1]["derived"]["mu_product_next"].get<double>();
        QVERIFY(closeRel(st.scalar("mu_product_next")->value * st.scalar("mu")->value, buggyNext,
                         kDerivedRel));
        return;
    }

    for (size_t k = 1; k < records.size(); ++k) {
        const int step = static_cast<int>(k);
        const json& rec = records[k];
        const json& g = records[k - 1]["grad"];
        rule->step(p, vec2<double>(g[0], g[1]), lr);
        QCOMPARE(rule->stepCount(), static_cast<long long>(k));

        QVERIFY2(sameBits(p[0], rec["x"].get<double>()),
                 qPrintable(describe("x", step, p[0], rec["x"].get<double>())));
        QVERIFY2(sameBits(p[1], rec["y"].get<double>()),
                 qPrintable(describe("y", step, p[1], rec["y"].get<double>())));

        const OptimizerState st = rule->state();
        for (const auto& [name, value] : rec["state"].items()) {
            if (value.is_null()) { // SGD without momentum: torch keeps momentum_buffer None
                QVERIFY2(!st.tensor(name), qPrintable(QString::fromStdString(name)));
                continue;
            }
            if (value.is_array()) {
                const StateTensor* t = st.tensor(name);
                QVERIFY2(t, qPrintable("missing state tensor " + QString::fromStdString(name)));
                QCOMPARE(t->values.size(), Eigen::Index(2));
                for (int i = 0; i < 2; ++i)
                    QVERIFY2(
                        sameBits(t->values[i], value[i].get<double>()),
                        qPrintable(describe(name, step, t->values[i], value[i].get<double>())));
            } else {
                const StateScalar* s = st.scalar(name);
                QVERIFY2(s, qPrintable("missing state scalar " + QString::fromStdString(name)));
                QVERIFY2(sameBits(s->value, value.get<double>()),
                         qPrintable(describe(name, step, s->value, value.get<double>())));
            }
        }

        const json& derived = rec["derived"];
        const Eigen::VectorXd& eff = rule->effectiveLr();
        for (int i = 0; i < 2; ++i)
            QVERIFY2(
                closeRel(eff[i], derived["eff_lr"][i].get<double>(), kDerivedRel),
                qPrintable(describe("eff_lr", step, eff[i], derived["eff_lr"][i].get<double>())));

        // Every derived quantity we also report (m_hat, v_hat, bias corrections, g_eff, rho_t,
        // ...) must agree; a reported name the reference has must mean the same thing.
        int compared = 0;
        for (const auto& [key, value] : derived.items()) {
            if (key == "eff_lr")
                continue;
            const std::string name = ourName(key);
            if (value.is_array()) {
                const StateTensor* t = st.tensor(name);
                if (!t)
                    continue;
                for (int i = 0; i < 2; ++i)
                    QVERIFY2(closeRel(t->values[i], value[i].get<double>(), kDerivedRel),
                             qPrintable(describe(key, step, t->values[i], value[i].get<double>())));
            } else {
                const StateScalar* s = st.scalar(name);
                if (!s)
                    continue;
                const double ref =
                    value.is_boolean() ? (value.get<bool>() ? 1.0 : 0.0) : value.get<double>();
                QVERIFY2(closeRel(s->value, ref, kDerivedRel),
                         qPrintable(describe(key, step, s->value, ref)));
            }
            ++compared;
        }
        QVERIFY2(st.tensor("g_eff"), "state() lacks g_eff");
        QVERIFY(compared >= 1);
    }
}

void TestOptimizers::floatTracksDouble_data() {
    QTest::addColumn<QString>("file");
    for (const char* fn : {"quadratic_bowl", "booth", "matyas"})
        for (const char* opt :
             {"sgd_momentum", "sgd_nesterov", "adagrad", "rmsprop_centered", "rmsprop_momentum",
              "adadelta", "adam", "adam_amsgrad", "adamw", "adamax", "nadam_foreach", "radam"})
            QTest::newRow(qPrintable(QString("%1__%2").arg(fn, opt)))
                << QString("%1/%2__%3.json").arg(kTrajectoryDir, fn, opt);
}

void TestOptimizers::floatTracksDouble() {
    // Same recorded gradients, float vs double arithmetic. Float's unit roundoff is 6e-8; over
    // 50 replayed steps the difference stays within a few hundred of those relative to the
    // scale of the point, far below any visible difference in a trajectory.
    QFETCH(QString, file);
    const json f = loadJson(file);
    const auto [type, params] = optimizerOf(f);
    const double lr = params.real("lr");
    auto rd = makeUpdateRule<double>(type, params);
    auto rf = makeUpdateRule<float>(type, params);
    rd->reset(2);
    rf->reset(2);
    const json& records = f["records"];
    Eigen::VectorXd pd = vec2<double>(records[0]["x"], records[0]["y"]);
    Eigen::VectorXf pf = vec2<float>(records[0]["x"], records[0]["y"]);
    double worst = 0.0;
    for (size_t k = 1; k < records.size(); ++k) {
        const json& g = records[k - 1]["grad"];
        rd->step(pd, vec2<double>(g[0], g[1]), lr);
        rf->step(pf, vec2<float>(g[0], g[1]), lr);
        for (int i = 0; i < 2; ++i) {
            const double scale = std::max(1.0, std::fabs(pd[i]));
            worst = std::max(worst, std::fabs(static_cast<double>(pf[i]) - pd[i]) / scale);
        }
    }
    QVERIFY2(worst < 2e-5, qPrintable(QString("float drifts from double by %1").arg(worst)));
    // And the float rule did move the point the same way (not a no-op).
    QVERIFY(std::hypot(pd[0] - records[0]["x"].get<double>(),
                       pd[1] - records[0]["y"].get<double>()) > 1e-3);
}

void TestOptimizers::defaultsMatchTorch_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("torchClass");
    for (const auto& [cls, type] : classToType())
        QTest::newRow(type.c_str()) << QString::fromStdString(type) << QString::fromStdString(cls);
}

void TestOptimizers::defaultsMatchTorch() {
    QFETCH(QString, type);
    QFETCH(QString, torchClass);
    const json all = loadJson(OPTISCOPE_REFERENCE_DIR "/optimizer_defaults.json");
    const json& torch = all["torch_defaults"][torchClass.toStdString()];
    const OptimizerInfo* info = findOptimizer(type.toStdString());
    QVERIFY(info);
    // torch-only switches that change no arithmetic here (or are not exposed).
    const std::set<std::string> torchOnly{"foreach", "maximize", "capturable", "differentiable",
                                          "fused"};
    // OptiScope's own switches, whose defaults are torch's arithmetic.
    int own = 0;
    if (const ParamSpec* bc = findParam(info->params, "bias_correction")) {
        QCOMPARE(std::get<bool>(*bc->defaultValue), true);
        ++own;
    }
    if (const ParamSpec* conv = findParam(info->params, "convention")) {
        QCOMPARE(std::get<std::string>(*conv->defaultValue), std::string("torch"));
        ++own;
    }
    int shared = 0;
    for (const auto& [key, value] : torch.items()) {
        if (torchOnly.count(key))
            continue;
        const ParamSpec* spec = findParam(info->params, key);
        QVERIFY2(spec, qPrintable("missing torch parameter " + QString::fromStdString(key)));
        QVERIFY(spec->defaultValue.has_value());
        if (value.is_string()) { // SGD's lr is required in torch; SPEC gives it 0.01
            QCOMPARE(value.get<std::string>(), std::string("<required>"));
            QCOMPARE(std::get<double>(*spec->defaultValue), 0.01);
            continue;
        }
        QVERIFY2(*spec->defaultValue == toParamValue(value),
                 qPrintable(QString::fromStdString(key)));
        ++shared;
    }
    QVERIFY(shared >= 3);
    QCOMPARE(info->params.size(), size_t(shared + own + (torch["lr"].is_string() ? 1 : 0)));
}

void TestOptimizers::catalogIsComplete() {
    const std::vector<std::string> expected{"sgd",   "adagrad", "rmsprop",   "adadelta", "adam",
                                            "adamw", "adamax",  "nadam",     "radam",    "lion",
                                            "qhm",   "qhadam",  "adabelief", "yogi"};
    const auto& catalog = optimizerCatalog();
    QCOMPARE(catalog.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(catalog[i].type, expected[i]);
    for (const auto& info : catalog) {
        QVERIFY(!info.title.empty());
        QVERIFY2(!info.reference.empty(), info.type.c_str());
        QVERIFY(findOptimizer(info.type) == &info);
        for (const auto& spec : info.params) {
            QVERIFY2(spec.help.size() > 20, (info.type + "." + spec.name).c_str());
            QVERIFY2(!spec.check(*spec.defaultValue), (info.type + "." + spec.name).c_str());
        }
        QVERIFY(checkOptimizerParams(info.type, ParamSet::defaults(info.params)).empty());
        if (!info.momentumParam.empty())
            QVERIFY(findParam(info.params, info.momentumParam));
    }
    QVERIFY(!findOptimizer("adamx"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeUpdateRule<double>("adamx", ParamSet()));
}

void TestOptimizers::paramChecks_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("jsonParams");
    QTest::addColumn<QString>("badField"); // empty: the set is valid

    QTest::newRow("adam negative lr") << "adam"
                                      << R"({"lr": -0.1})"
                                      << "lr";
    QTest::newRow("adam beta2 = 1") << "adam"
                                    << R"({"betas": [0.9, 1.0]})"
                                    << "betas";
    QTest::newRow("adam beta1 < 0") << "adam"
                                    << R"({"betas": [-0.1, 0.999]})"
                                    << "betas";
    QTest::newRow("adam one beta") << "adam"
                                   << R"({"betas": [0.9]})"
                                   << "betas";
    QTest::newRow("adam negative eps") << "adam"
                                       << R"({"eps": -1e-8})"
                                       << "eps";
    QTest::newRow("adam amsgrad not bool") << "adam"
                                           << R"({"amsgrad": 1})"
                                           << "amsgrad";
    QTest::newRow("adamw negative wd") << "adamw"
                                       << R"({"weight_decay": -0.01})"
                                       << "weight_decay";
    QTest::newRow("sgd negative momentum") << "sgd"
                                           << R"({"momentum": -0.5})"
                                           << "momentum";
    QTest::newRow("sgd nesterov without momentum") << "sgd"
                                                   << R"({"nesterov": true})"
                                                   << "nesterov";
    QTest::newRow("sgd nesterov with dampening")
        << "sgd"
        << R"({"nesterov": true, "momentum": 0.9, "dampening": 0.1})"
        << "nesterov";
    QTest::newRow("sgd nesterov not bool") << "sgd"
                                           << R"({"nesterov": 1, "momentum": 0.9})"
                                           << "nesterov";
    QTest::newRow("sgd unknown parameter") << "sgd"
                                           << R"({"beta": 0.9})"
                                           << "beta";
    QTest::newRow("adadelta rho > 1") << "adadelta"
                                      << R"({"rho": 1.1})"
                                      << "rho";
    QTest::newRow("rmsprop negative alpha") << "rmsprop"
                                            << R"({"alpha": -0.1})"
                                            << "alpha";
    QTest::newRow("adagrad negative lr_decay") << "adagrad"
                                               << R"({"lr_decay": -1})"
                                               << "lr_decay";
    QTest::newRow("adagrad negative accumulator") << "adagrad"
                                                  << R"({"initial_accumulator_value": -0.1})"
                                                  << "initial_accumulator_value";
    QTest::newRow("nadam negative momentum_decay") << "nadam"
                                                   << R"({"momentum_decay": -0.004})"
                                                   << "momentum_decay";
    QTest::newRow("qhm nu > 1") << "qhm"
                                << R"({"nu": 1.5})"
                                << "nu";
    QTest::newRow("qhm negative momentum") << "qhm"
                                           << R"({"momentum": -0.1})"
                                           << "momentum";
    QTest::newRow("qhm bad weight_decay_type") << "qhm"
                                               << R"({"weight_decay_type": "both"})"
                                               << "weight_decay_type";
    QTest::newRow("qhadam nus > 1") << "qhadam"
                                    << R"({"nus": [0.7, 1.2]})"
                                    << "nus";
    QTest::newRow("qhadam bias_correction not bool") << "qhadam"
                                                     << R"({"bias_correction": 0})"
                                                     << "bias_correction";
    QTest::newRow("adabelief negative eps") << "adabelief"
                                            << R"({"eps": -1e-16})"
                                            << "eps";
    QTest::newRow("adabelief rectify not bool") << "adabelief"
                                                << R"({"rectify": "yes"})"
                                                << "rectify";
    QTest::newRow("yogi negative initial_accumulator") << "yogi"
                                                       << R"({"initial_accumulator": -1e-6})"
                                                       << "initial_accumulator";
    QTest::newRow("yogi beta1 = 1") << "yogi"
                                    << R"({"betas": [1.0, 0.999]})"
                                    << "betas";
    QTest::newRow("adam unknown convention") << "adam"
                                             << R"({"convention": "tf"})"
                                             << "convention";
    QTest::newRow("adamw has no convention") << "adamw"
                                             << R"({"convention": "keras"})"
                                             << "convention";
    QTest::newRow("nadam has no convention") << "nadam"
                                             << R"({"convention": "torch"})"
                                             << "convention";
    QTest::newRow("sgd has no bias_correction") << "sgd"
                                                << R"({"bias_correction": false})"
                                                << "bias_correction";
    QTest::newRow("adamax has no bias_correction") << "adamax"
                                                   << R"({"bias_correction": false})"
                                                   << "bias_correction";
    QTest::newRow("yogi has no bias_correction") << "yogi"
                                                 << R"({"bias_correction": false})"
                                                 << "bias_correction";
    QTest::newRow("unknown type") << "adamx"
                                  << R"({})"
                                  << "type";
    // Valid edges: torch accepts these.
    QTest::newRow("sgd nesterov ok") << "sgd"
                                     << R"({"nesterov": true, "momentum": 0.9})"
                                     << "";
    QTest::newRow("adadelta rho = 1") << "adadelta"
                                      << R"({"rho": 1.0})"
                                      << "";
    QTest::newRow("adam betas zero") << "adam"
                                     << R"({"betas": [0.0, 0.0], "lr": 0})"
                                     << "";
    QTest::newRow("sgd negative dampening") << "sgd"
                                            << R"({"momentum": 0.9, "dampening": -0.5})"
                                            << "";
}

void TestOptimizers::paramChecks() {
    QFETCH(QString, type);
    QFETCH(QString, jsonParams);
    QFETCH(QString, badField);
    const ParamSet set = paramSetFromJson(jsonParams);
    const auto problems = checkOptimizerParams(type.toStdString(), set);
    if (badField.isEmpty()) {
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().second.c_str());
        return;
    }
    QCOMPARE(problems.size(), size_t(1));
    QCOMPARE(QString::fromStdString(problems.front().first), badField);
    QVERIFY(!problems.front().second.empty());
}

void TestOptimizers::resetClearsState_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("jsonParams");
    QTest::newRow("sgd") << "sgd"
                         << R"({"momentum": 0.9, "nesterov": true})";
    QTest::newRow("adagrad") << "adagrad"
                             << R"({"lr_decay": 0.1})";
    QTest::newRow("rmsprop") << "rmsprop"
                             << R"({"momentum": 0.5, "centered": true})";
    QTest::newRow("adadelta") << "adadelta"
                              << R"({})";
    QTest::newRow("adam") << "adam"
                          << R"({"amsgrad": true})";
    QTest::newRow("adamw") << "adamw"
                           << R"({})";
    QTest::newRow("adamax") << "adamax"
                            << R"({})";
    QTest::newRow("nadam") << "nadam"
                           << R"({})";
    QTest::newRow("radam") << "radam"
                           << R"({})";
    QTest::newRow("lion") << "lion"
                          << R"({"weight_decay": 0.1})";
    QTest::newRow("qhm") << "qhm"
                         << R"({"weight_decay": 0.1, "weight_decay_type": "direct"})";
    QTest::newRow("qhadam") << "qhadam"
                            << R"({"nus": [0.7, 0.9], "bias_correction": false})";
    QTest::newRow("adabelief") << "adabelief"
                               << R"({"amsgrad": true})";
    QTest::newRow("adabelief no rectify") << "adabelief"
                                          << R"({"rectify": false, "weight_decay": 0.1})";
    QTest::newRow("yogi") << "yogi"
                          << R"({})";
    QTest::newRow("adam keras") << "adam"
                                << R"({"convention": "keras", "amsgrad": true})";
    QTest::newRow("adamax keras") << "adamax"
                                  << R"({"convention": "keras"})";
    QTest::newRow("nadam no bias correction") << "nadam"
                                              << R"({"bias_correction": false})";
    QTest::newRow("radam no bias correction") << "radam"
                                              << R"({"bias_correction": false})";
}

void TestOptimizers::resetClearsState() {
    QFETCH(QString, type);
    QFETCH(QString, jsonParams);
    const ParamSet set = paramSetFromJson(jsonParams);
    auto rule = makeUpdateRule<double>(type.toStdString(), set);

    // A run of 8 steps on f = x² + 3y², recorded, then reset and repeated: it must be identical.
    auto run = [&rule]() {
        Eigen::VectorXd p(3);
        p << 1.5, -2.0, 0.25;
        std::vector<Eigen::VectorXd> trace;
        for (int k = 0; k < 8; ++k) {
            Eigen::VectorXd g(3);
            g << 2 * p[0], 6 * p[1], -1.0;
            rule->step(p, g, 0.05);
            trace.push_back(p);
        }
        return trace;
    };
    rule->reset(3);
    const auto first = run();
    QCOMPARE(rule->stepCount(), 8LL);
    QVERIFY(first.back() != first.front());

    rule->reset(3);
    QCOMPARE(rule->stepCount(), 0LL);
    const OptimizerState cleared = rule->state();
    QVERIFY(cleared.tensors.empty());
    if (const StateScalar* s = cleared.scalar("step"))
        QCOMPARE(s->value, 0.0);
    QVERIFY(rule->effectiveLr().isZero());
    const auto second = run();
    for (size_t k = 0; k < first.size(); ++k)
        QVERIFY2(first[k] == second[k],
                 qPrintable(QString("step %1 differs after reset").arg(k + 1)));
}

void TestOptimizers::nonFiniteGradientPropagates_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("jsonParams");
    QTest::newRow("adam amsgrad") << "adam"
                                  << R"({"amsgrad": true})";
    QTest::newRow("adamax") << "adamax"
                            << R"({})";
    QTest::newRow("rmsprop") << "rmsprop"
                             << R"({})";
    QTest::newRow("sgd") << "sgd"
                         << R"({"momentum": 0.9})";
    QTest::newRow("lion") << "lion"
                          << R"({})";
    QTest::newRow("adabelief amsgrad") << "adabelief"
                                       << R"({"amsgrad": true, "rectify": false})";
    QTest::newRow("yogi") << "yogi"
                          << R"({})";
    QTest::newRow("qhadam") << "qhadam"
                            << R"({"nus": [0.7, 1.0]})";
    QTest::newRow("qhm") << "qhm"
                         << R"({})";
    QTest::newRow("adam keras amsgrad") << "adam"
                                        << R"({"convention": "keras", "amsgrad": true})";
}

void TestOptimizers::nonFiniteGradientPropagates() {
    // A NaN gradient must show up as a NaN parameter (a run's divergence is detected from it),
    // and the running maxima (AMSGrad's max_exp_avg_sq, Adamax's exp_inf) turn NaN as
    // torch.maximum / amax make them, where std::max would silently keep the old value.
    QFETCH(QString, type);
    QFETCH(QString, jsonParams);
    auto rule = makeUpdateRule<double>(type.toStdString(), paramSetFromJson(jsonParams));
    rule->reset(2);
    Eigen::VectorXd p(2), g(2);
    p << 1.0, 1.0;
    g << 0.5, 0.5;
    rule->step(p, g, 0.01);
    g << std::numeric_limits<double>::quiet_NaN(), 0.5;
    rule->step(p, g, 0.01);
    QVERIFY(std::isnan(p[0]));
    QVERIFY(std::isfinite(p[1]));
    const OptimizerState st = rule->state();
    for (const char* name : {"max_exp_avg_sq", "exp_inf", "max_exp_avg_var"})
        if (const StateTensor* t = st.tensor(name)) {
            QVERIFY2(std::isnan(t->values[0]), name);
            QVERIFY2(std::isfinite(t->values[1]), name);
        }
}

void TestOptimizers::lionSteps() {
    // No PyTorch reference exists for Lion; these steps are worked out by hand from the paper's
    // Algorithm 2 (all values below are exact in binary).
    ParamSet set;
    set.set("betas", std::vector<double>{0.5, 0.75});
    set.set("weight_decay", 0.5);
    auto rule = makeUpdateRule<double>("lion", set);
    rule->reset(3);
    Eigen::VectorXd p(3), g(3);
    p << 1.0, -2.0, 4.0;
    g << 3.0, -0.5, 0.0;
    // Step 1, lr 0.25: p *= 1 - 0.25*0.5 = 0.875; c = 0.5*g -> sign (1, -1, 0).
    rule->step(p, g, 0.25);
    QCOMPARE(p[0], 0.875 - 0.25);
    QCOMPARE(p[1], -1.75 + 0.25);
    QCOMPARE(p[2], 3.5); // a zero direction only decays
    // m = 0.25*g = (0.75, -0.125, 0).
    OptimizerState st = rule->state();
    QVERIFY(st.tensor("exp_avg"));
    QCOMPARE(st.tensor("exp_avg")->values[0], 0.75);
    QCOMPARE(st.tensor("exp_avg")->values[1], -0.125);
    QCOMPARE(st.tensor("exp_avg")->values[2], 0.0);
    // Step 2, lr 0.5 (wd factor 0.75): g = (-1, 0, 1); c = 0.5*m + 0.5*g = (-0.125, -0.0625, 0.5)
    // -> sign (-1, -1, 1): the first coordinate reverses even though m still points forward.
    const Eigen::VectorXd before = p;
    g << -1.0, 0.0, 1.0;
    rule->step(p, g, 0.5);
    QCOMPARE(p[0], before[0] * 0.75 + 0.5);
    QCOMPARE(p[1], before[1] * 0.75 + 0.5);
    QCOMPARE(p[2], before[2] * 0.75 - 0.5);
    QCOMPARE(rule->effectiveLr()[0], 0.5);
    // m = 0.75*m + 0.25*g = (0.3125, -0.09375, 0.25).
    st = rule->state();
    QCOMPARE(st.tensor("exp_avg")->values[0], 0.3125);
    QCOMPARE(st.tensor("exp_avg")->values[1], -0.09375);
    QCOMPARE(st.tensor("exp_avg")->values[2], 0.25);
}

void TestOptimizers::setMomentum_data() {
    QTest::addColumn<QString>("type");
    for (const auto& info : optimizerCatalog())
        QTest::newRow(info.type.c_str()) << QString::fromStdString(info.type);
}

void TestOptimizers::setMomentum() {
    // setMomentum(v) must act exactly like a rule built with that coefficient, and exist exactly
    // for the types whose catalog entry names a momentum parameter.
    QFETCH(QString, type);
    const OptimizerInfo* info = findOptimizer(type.toStdString());
    ParamSet base;
    ParamSet direct;
    if (info->momentumParam == "momentum") {
        base.set("momentum", 0.3);
        direct.set("momentum", 0.7);
    } else if (info->momentumParam == "betas") {
        auto betas = std::get<std::vector<double>>(*findParam(info->params, "betas")->defaultValue);
        betas[0] = 0.7;
        direct.set("betas", betas);
    }
    auto cycled = makeUpdateRule<double>(type.toStdString(), base);
    auto built = makeUpdateRule<double>(type.toStdString(), direct);
    const bool has = cycled->setMomentum(0.7);
    QCOMPARE(has, !info->momentumParam.empty());
    if (!has)
        return;
    Eigen::VectorXd a(2), b(2), g(2);
    a << 1.0, -2.0;
    b = a;
    for (int k = 0; k < 5; ++k) {
        g << 2 * a[0] + 0.1, 4 * a[1];
        cycled->step(a, g, 0.01);
        built->step(b, g, 0.01);
        QVERIFY(a == b);
    }
}

QTEST_GUILESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
