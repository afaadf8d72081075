// Learning-rate schedules against the PyTorch 1.13 / Keras reference data, plus parameter tables
// and cross-field validation.
#include "core/schedule/lr_schedule.h"
#include "core/schedule/reduce_lr_on_plateau.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <set>

using namespace optiscope;
using nlohmann::json;

namespace {

json loadReference(const char* file) {
    const std::string path = std::string(OPTISCOPE_REFERENCE_DIR) + "/" + file;
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return json::parse(in);
}

const json& torchRef() {
    static const json j = loadReference("lr_schedules_torch.json");
    return j;
}
const json& kerasRef() {
    static const json j = loadReference("lr_schedules_keras.json");
    return j;
}
const json& plateauRef() {
    static const json j = loadReference("reduce_lr_on_plateau.json");
    return j;
}

const json* findById(const json& list, const std::string& key, const std::string& id) {
    for (const auto& e : list)
        if (e.at(key).get<std::string>() == id)
            return &e;
    return nullptr;
}

ParamValue toParam(const json& v) {
    if (v.is_boolean())
        return v.get<bool>();
    if (v.is_number())
        return v.get<double>();
    if (v.is_string())
        return v.get<std::string>();
    std::vector<double> out;
    for (const auto& x : v)
        out.push_back(x.get<double>());
    return out;
}

/// Relative difference in units of the double epsilon (0 when bit-identical).
double relUlps(double got, double want) {
    if (got == want)
        return 0.0;
    const double scale = std::max(std::fabs(want), std::numeric_limits<double>::min());
    return std::fabs(got - want) / scale / std::numeric_limits<double>::epsilon();
}

QString describe(const char* what, size_t k, double got, double want) {
    return QStringLiteral("%1[%2]: got %3, want %4")
        .arg(QString::fromLatin1(what))
        .arg(k)
        .arg(QString::fromStdString(formatDouble(got)), QString::fromStdString(formatDouble(want)));
}

const std::map<std::string, std::string> kTorchTypes = {
    {"StepLR", "step"},
    {"MultiStepLR", "multistep"},
    {"ExponentialLR", "exponential"},
    {"CosineAnnealingLR", "cosine"},
    {"CosineAnnealingWarmRestarts", "cosine_warm_restarts"},
    {"LinearLR", "linear"},
    {"ConstantLR", "constant_lr"},
    {"PolynomialLR", "polynomial"},
    {"OneCycleLR", "one_cycle"},
    {"CyclicLR", "cyclic"},
};

const std::map<std::string, std::string> kKerasTypes = {
    {"ExponentialDecay", "exponential_decay"},
    {"natural_exp_decay", "natural_exp_decay"},
    {"InverseTimeDecay", "inverse_time_decay"},
    {"PolynomialDecay", "polynomial_decay"},
    {"CosineDecay", "cosine_decay"},
    {"CosineDecayRestarts", "cosine_decay_restarts"},
    {"PiecewiseConstantDecay", "piecewise_constant"},
};

/// A valid parameter set for every type (required parameters filled in).
ParamSet sampleParams(const std::string& type) {
    ParamSet p;
    if (type == "exponential_decay" || type == "natural_exp_decay" ||
        type == "inverse_time_decay") {
        p.set("decay_steps", 10.0);
        p.set("decay_rate", 0.5);
    } else if (type == "polynomial_decay" || type == "cosine_decay") {
        p.set("decay_steps", 10.0);
    } else if (type == "cosine_decay_restarts") {
        p.set("first_decay_steps", 10.0);
    } else if (type == "piecewise_constant") {
        p.set("boundaries", std::vector<double>{5, 10});
        p.set("values", std::vector<double>{0.1, 0.05, 0.01});
    } else if (type == "step") {
        p.set("step_size", 3.0);
    } else if (type == "multistep") {
        p.set("milestones", std::vector<double>{3, 6});
    } else if (type == "exponential") {
        p.set("gamma", 0.9);
    } else if (type == "cosine") {
        p.set("T_max", 10.0);
    } else if (type == "cosine_warm_restarts") {
        p.set("T_0", 10.0);
    } else if (type == "one_cycle") {
        p.set("max_lr", 0.1);
        p.set("total_steps", 20.0);
    } else if (type == "cyclic") {
        p.set("base_lr", 0.001);
        p.set("max_lr", 0.1);
        p.set("step_size_up", 4.0);
    }
    return p;
}

bool hasIssue(const std::vector<std::pair<std::string, std::string>>& issues,
              const std::string& field) {
    for (const auto& [f, why] : issues)
        if (f == field && !why.empty())
            return true;
    return false;
}

} // namespace

class TestSchedules : public QObject {
    Q_OBJECT

private slots:
    void torchReference_data();
    void torchReference();
    void kerasReference_data();
    void kerasReference();
    void naturalExpLiteralForm();
    void plateauReference_data();
    void plateauReference();

    void catalogIsComplete();
    void everyScheduleBuildsFromDefaults();
    void requiredParameters_data();
    void requiredParameters();
    void badValues_data();
    void badValues();
    void crossFieldChecks_data();
    void crossFieldChecks();
    void makeScheduleRejectsInvalid();
    void checkToleratesWrongKinds();
    void oneCycleHoldsAfterTheEnd();
    void cyclicWithoutMomentum();
    void editorStartValuesAreSensible_data();
    void editorStartValuesAreSensible();
};

// ---- PyTorch 1.13 ----------------------------------------------------------------------------

void TestSchedules::torchReference_data() {
    QTest::addColumn<QString>("id");
    for (const auto& s : torchRef().at("schedules")) {
        const std::string id = s.at("id").get<std::string>();
        QTest::newRow(id.c_str()) << QString::fromStdString(id);
    }
}

void TestSchedules::torchReference() {
    QFETCH(QString, id);
    const json& s = *findById(torchRef().at("schedules"), "id", id.toStdString());
    const std::string cls = s.at("class").get<std::string>();
    if (cls == "SequentialLR")
        QSKIP("SequentialLR chains two configured schedulers; a ParamSet cannot hold nested "
              "schedules, so OptiScope has no `sequential` type (use linear/cosine_decay warmup)");
    QVERIFY2(kTorchTypes.count(cls), cls.c_str());
    const std::string type = kTorchTypes.at(cls);

    ParamSet params;
    for (const auto& [key, value] : s.at("kwargs").items())
        params.set(key, toParam(value));
    QVERIFY2(checkScheduleParams(type, params).empty(), "reference kwargs must be valid");
    for (const auto& [key, value] : params.values()) {
        const ParamSpec* spec = findParam(findSchedule(type)->params, key);
        QVERIFY2(spec, key.c_str());
        QVERIFY2(!spec->check(value), key.c_str());
    }

    const double lr0 = s.at("initial_lr").get<double>();
    auto sched = makeSchedule(type, params, lr0);

    const auto& lr = s.at("lr");
    const json* mom = s.contains("momentum") ? &s.at("momentum")
                      : s.contains("beta1")  ? &s.at("beta1")
                                             : nullptr;
    if (!mom)
        QVERIFY(!sched->momentum().has_value());
    // Every PyTorch schedule here is transcribed in torch's own operation order (the recursion
    // for chainable ones, the closed form for OneCycle/Cyclic/WarmRestarts), so we demand
    // bit-identical values: SCHEMA.md states the scalar transcription is bit-exact.
    for (size_t k = 0; k < lr.size(); ++k) {
        if (k > 0)
            sched->step(0.0);
        const double want = lr[k].get<double>();
        QVERIFY2(sched->lr() == want, qPrintable(describe("lr", k, sched->lr(), want)));
        if (mom) {
            QVERIFY(sched->momentum().has_value());
            const double wantM = (*mom)[k].get<double>();
            QVERIFY2(*sched->momentum() == wantM,
                     qPrintable(describe("momentum", k, *sched->momentum(), wantM)));
        }
        QVERIFY(!sched->reducedOnLastStep());
    }
}

// ---- Keras / TF ------------------------------------------------------------------------------

void TestSchedules::kerasReference_data() {
    QTest::addColumn<QString>("id");
    for (const auto& s : kerasRef().at("schedules")) {
        const std::string id = s.at("id").get<std::string>();
        QTest::newRow(id.c_str()) << QString::fromStdString(id);
    }
}

void TestSchedules::kerasReference() {
    QFETCH(QString, id);
    const json& s = *findById(kerasRef().at("schedules"), "id", id.toStdString());
    const std::string cls = s.at("class").get<std::string>();
    QVERIFY2(kKerasTypes.count(cls), cls.c_str());
    const std::string type = kKerasTypes.at(cls);

    double lr0 = 0.0;
    ParamSet params;
    for (const auto& [key, value] : s.at("config").items()) {
        if (key == "initial_learning_rate")
            lr0 = value.get<double>();
        else
            params.set(key, toParam(value));
    }
    QVERIFY(checkScheduleParams(type, params).empty());
    auto sched = makeSchedule(type, params, lr0);
    QVERIFY(!sched->momentum().has_value());

    // The reference is the Keras formula evaluated in float64 by the generator; we evaluate the
    // same operations in the same order. The remaining differences come from the math library:
    // pow/exp/log/cos may differ by 1 ulp between glibc and the generator's kernels (torch uses
    // SLEEF, <= 1 ulp each, so up to 2 ulp apart). For exp/pow that stays a relative error of a
    // few ulps. For cosines, 1 + cos(x) near x = pi cancels, so an ulp of cos (~1.1e-16) becomes
    // an absolute error of amplitude·ulp(1), not a relative one. Accepted: <= 8 ulps relative, or
    // an absolute error <= 4·eps·peak (peak = the largest lr of the series, which bounds the
    // cosine's amplitude). Observed worst cases are printed.
    const auto& steps = s.at("steps");
    const auto& lr = s.at("lr");
    double peak = 0.0;
    for (const auto& v : lr)
        peak = std::max(peak, std::fabs(v.get<double>()));
    double worst = 0.0;
    for (size_t k = 0; k < lr.size(); ++k) {
        QCOMPARE(steps[k].get<long long>(), static_cast<long long>(k));
        if (k > 0)
            sched->step(0.0);
        const double want = lr[k].get<double>();
        const double ulps = relUlps(sched->lr(), want);
        worst = std::max(worst, ulps);
        const bool close = ulps <= 8.0 || std::fabs(sched->lr() - want) <=
                                              4.0 * std::numeric_limits<double>::epsilon() * peak;
        QVERIFY2(close, qPrintable(describe("lr", k, sched->lr(), want)));
    }
    if (worst > 0)
        qInfo("%s: largest relative deviation %.1f ulp", qPrintable(id), worst);
}

void TestSchedules::naturalExpLiteralForm() {
    // TF's natural_exp_decay is lr·exp(-rate)^p; the literal lr·exp(-rate·p) is the same
    // function, so the two may only differ by rounding.
    const json& s = *findById(kerasRef().at("schedules"), "id", "natural_exp_decay");
    ParamSet params;
    params.set("decay_steps", s.at("config").at("decay_steps").get<double>());
    params.set("decay_rate", s.at("config").at("decay_rate").get<double>());
    auto sched = makeSchedule("natural_exp_decay", params,
                              s.at("config").at("initial_learning_rate").get<double>());
    const auto& lit = s.at("lr_exp_form");
    for (size_t k = 0; k < lit.size(); ++k) {
        if (k > 0)
            sched->step(0.0);
        QVERIFY2(relUlps(sched->lr(), lit[k].get<double>()) <= 64.0,
                 qPrintable(describe("lr_exp_form", k, sched->lr(), lit[k].get<double>())));
    }
}

// ---- ReduceLROnPlateau -------------------------------------------------------------------------

void TestSchedules::plateauReference_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("flavor");
    for (const auto& s : plateauRef().at("scenarios")) {
        const std::string id = s.at("id").get<std::string>();
        for (const char* flavor : {"torch", "keras"})
            QTest::newRow((id + "/" + flavor).c_str())
                << QString::fromStdString(id) << QString::fromLatin1(flavor);
    }
}

void TestSchedules::plateauReference() {
    QFETCH(QString, id);
    QFETCH(QString, flavor);
    const json& s = *findById(plateauRef().at("scenarios"), "id", id.toStdString());
    const json& ref = s.at(flavor.toStdString());
    const json& kw = ref.at("kwargs");

    ParamSet params;
    params.set("flavor", flavor.toStdString());
    for (const auto& [key, value] : kw.items()) {
        if (key == "monitor")
            continue;
        if (key == "mode" && value.get<std::string>() == "auto") {
            // Keras' auto mode: max when the monitored name contains "acc".
            const bool acc = kw.at("monitor").get<std::string>().find("acc") != std::string::npos;
            params.set("mode", std::string(acc ? "max" : "min"));
            continue;
        }
        params.set(key, toParam(value));
    }
    QVERIFY2(checkScheduleParams("reduce_on_plateau", params).empty(),
             "reference kwargs must be valid for the flavor");
    auto sched = makeSchedule("reduce_on_plateau", params, s.at("initial_lr").get<double>());
    auto* plateau = dynamic_cast<ReduceLrOnPlateau*>(sched.get());
    QVERIFY(plateau);
    QCOMPARE(sched->lr(), s.at("initial_lr").get<double>());

    const bool torch = flavor == QLatin1String("torch");
    const auto& metrics = s.at("metrics");
    const auto& lrAfter = ref.at("lr_after");
    const auto& reduced = ref.at("reduced");
    const auto& bad = ref.at(torch ? "num_bad_epochs" : "wait");
    const auto& cooldown = ref.at("cooldown_counter");
    const auto& best = ref.at("best");
    for (size_t i = 0; i < metrics.size(); ++i) {
        sched->step(metrics[i].get<double>());
        // Only multiplications by factor and max() with min_lr: bit-exact.
        QVERIFY2(sched->lr() == lrAfter[i].get<double>(),
                 qPrintable(describe("lr_after", i, sched->lr(), lrAfter[i].get<double>())));
        QVERIFY2(sched->reducedOnLastStep() == reduced[i].get<bool>(),
                 qPrintable(QStringLiteral("reduced[%1]").arg(i)));
        QCOMPARE(plateau->badEpochs(), bad[i].get<long long>());
        QCOMPARE(plateau->cooldownCounter(), cooldown[i].get<long long>());
        QCOMPARE(plateau->best(), best[i].get<double>());
    }
}

// ---- tables and validation ---------------------------------------------------------------------

void TestSchedules::catalogIsComplete() {
    const std::vector<std::string> expected = {"constant",
                                               "exponential_decay",
                                               "natural_exp_decay",
                                               "inverse_time_decay",
                                               "polynomial_decay",
                                               "cosine_decay",
                                               "cosine_decay_restarts",
                                               "piecewise_constant",
                                               "step",
                                               "multistep",
                                               "exponential",
                                               "cosine",
                                               "cosine_warm_restarts",
                                               "linear",
                                               "constant_lr",
                                               "polynomial",
                                               "one_cycle",
                                               "cyclic",
                                               "reduce_on_plateau"};
    std::set<std::string> seen;
    for (const auto& info : scheduleCatalog()) {
        QVERIFY2(seen.insert(info.type).second, info.type.c_str());
        QVERIFY(!info.title.empty());
        QVERIFY(!info.origin.empty());
        QVERIFY(!info.formula.empty());
        QCOMPARE(findSchedule(info.type), &info);
        QCOMPARE(info.watchesMetric, info.type == "reduce_on_plateau");
        QCOMPARE(info.cyclesMomentum, info.type == "one_cycle" || info.type == "cyclic");
        std::set<std::string> names;
        for (const auto& spec : info.params) {
            QVERIFY2(names.insert(spec.name).second, spec.name.c_str());
            QVERIFY2(!spec.help.empty(), spec.name.c_str());
            if (spec.defaultValue)
                QVERIFY2(!spec.check(*spec.defaultValue),
                         (info.type + "." + spec.name + " default fails its own range").c_str());
        }
    }
    for (const auto& type : expected)
        QVERIFY2(findSchedule(type), type.c_str());
    QCOMPARE(seen.size(), expected.size());
    QVERIFY(!findSchedule("sequential"));
    QVERIFY(!findSchedule("Exponential_Decay"));
}

void TestSchedules::everyScheduleBuildsFromDefaults() {
    for (const auto& info : scheduleCatalog()) {
        const ParamSet p = sampleParams(info.type);
        QVERIFY2(checkScheduleParams(info.type, p).empty(), info.type.c_str());
        auto sched = makeSchedule(info.type, p, 0.05);
        QVERIFY(sched);
        for (int k = 0; k < 200; ++k) {
            QVERIFY2(std::isfinite(sched->lr()) && sched->lr() >= 0.0, info.type.c_str());
            sched->step(1.0);
        }
        QCOMPARE(sched->momentum().has_value(), info.cyclesMomentum);
    }
    // constant really is constant; the lr of update 1 is lr0 for schedules that start there.
    auto c = makeSchedule("constant", {}, 0.25);
    for (int k = 0; k < 5; ++k, c->step(0.0))
        QCOMPARE(c->lr(), 0.25);
    for (const char* type : {"exponential_decay", "inverse_time_decay", "step", "cosine"}) {
        auto s = makeSchedule(type, sampleParams(type), 0.25);
        QCOMPARE(s->lr(), 0.25);
    }
}

void TestSchedules::requiredParameters_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("param");
    QTest::addColumn<bool>("required");
    QTest::newRow("step.step_size") << "step"
                                    << "step_size" << true;
    QTest::newRow("step.gamma") << "step"
                                << "gamma" << false;
    QTest::newRow("multistep.milestones") << "multistep"
                                          << "milestones" << true;
    QTest::newRow("exponential.gamma") << "exponential"
                                       << "gamma" << true;
    QTest::newRow("cosine.T_max") << "cosine"
                                  << "T_max" << true;
    QTest::newRow("cosine_warm_restarts.T_0") << "cosine_warm_restarts"
                                              << "T_0" << true;
    QTest::newRow("one_cycle.max_lr") << "one_cycle"
                                      << "max_lr" << true;
    QTest::newRow("cyclic.base_lr") << "cyclic"
                                    << "base_lr" << true;
    QTest::newRow("cyclic.max_lr") << "cyclic"
                                   << "max_lr" << true;
    QTest::newRow("exponential_decay.decay_steps") << "exponential_decay"
                                                   << "decay_steps" << true;
    QTest::newRow("reduce_on_plateau.factor") << "reduce_on_plateau"
                                              << "factor" << false;
}

void TestSchedules::requiredParameters() {
    QFETCH(QString, type);
    QFETCH(QString, param);
    QFETCH(bool, required);
    const ScheduleInfo* info = findSchedule(type.toStdString());
    QVERIFY(info);
    const ParamSpec* spec = findParam(info->params, param.toStdString());
    QVERIFY(spec);
    QCOMPARE(!spec->defaultValue && !spec->optional, required);
    if (required)
        QCOMPARE(QString::fromStdString(spec->defaultText()), QStringLiteral("required"));
}

void TestSchedules::badValues_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("value"); // JSON
    QTest::addColumn<QString>("reason");
    QTest::newRow("decay_rate 0") << "exponential_decay"
                                  << "decay_rate"
                                  << "0"
                                  << "must be > 0";
    QTest::newRow("decay_steps 0") << "exponential_decay"
                                   << "decay_steps"
                                   << "0"
                                   << ">= 1";
    QTest::newRow("decay_steps 2.5") << "inverse_time_decay"
                                     << "decay_steps"
                                     << "2.5"
                                     << "whole number";
    QTest::newRow("staircase string") << "exponential_decay"
                                      << "staircase"
                                      << "\"yes\""
                                      << "true or false";
    QTest::newRow("alpha 1.5") << "cosine_decay"
                               << "alpha"
                               << "1.5"
                               << "[0, 1]";
    QTest::newRow("t_mul 0.5") << "cosine_decay_restarts"
                               << "t_mul"
                               << "0.5"
                               << ">= 1";
    QTest::newRow("values negative") << "piecewise_constant"
                                     << "values"
                                     << "[0.1, -0.1]"
                                     << "[1]";
    QTest::newRow("step_size 0") << "step"
                                 << "step_size"
                                 << "0"
                                 << ">= 1";
    QTest::newRow("gamma 0") << "step"
                             << "gamma"
                             << "0"
                             << "> 0";
    QTest::newRow("milestones -1") << "multistep"
                                   << "milestones"
                                   << "[3, -1]"
                                   << "[1]";
    QTest::newRow("milestones 2.5") << "multistep"
                                    << "milestones"
                                    << "[2.5]"
                                    << "whole";
    QTest::newRow("T_max 0") << "cosine"
                             << "T_max"
                             << "0"
                             << ">= 1";
    QTest::newRow("T_mult 0") << "cosine_warm_restarts"
                              << "T_mult"
                              << "0"
                              << ">= 1";
    QTest::newRow("start_factor 0") << "linear"
                                    << "start_factor"
                                    << "0"
                                    << "(0, 1]";
    QTest::newRow("end_factor 1.2") << "linear"
                                    << "end_factor"
                                    << "1.2"
                                    << "[0, 1]";
    QTest::newRow("constant_lr factor 0") << "constant_lr"
                                          << "factor"
                                          << "0"
                                          << "(0, 1]";
    QTest::newRow("pct_start 1.5") << "one_cycle"
                                   << "pct_start"
                                   << "1.5"
                                   << "[0, 1]";
    QTest::newRow("anneal sine") << "one_cycle"
                                 << "anneal_strategy"
                                 << "\"sine\""
                                 << "one of cos, linear";
    QTest::newRow("max_momentum 1") << "one_cycle"
                                    << "max_momentum"
                                    << "1"
                                    << "[0, 1)";
    QTest::newRow("cyclic mode") << "cyclic"
                                 << "mode"
                                 << "\"triangle\""
                                 << "one of";
    QTest::newRow("gamma 1.1") << "cyclic"
                               << "gamma"
                               << "1.1"
                               << "(0, 1]";
    QTest::newRow("factor 1") << "reduce_on_plateau"
                              << "factor"
                              << "1"
                              << "(0, 1)";
    QTest::newRow("factor 0") << "reduce_on_plateau"
                              << "factor"
                              << "0"
                              << "(0, 1)";
    QTest::newRow("patience -1") << "reduce_on_plateau"
                                 << "patience"
                                 << "-1"
                                 << ">= 0";
    QTest::newRow("flavor") << "reduce_on_plateau"
                            << "flavor"
                            << "\"tf\""
                            << "keras, torch";
    QTest::newRow("threshold_mode") << "reduce_on_plateau"
                                    << "threshold_mode"
                                    << "\"relative\""
                                    << "rel, abs";
}

void TestSchedules::badValues() {
    QFETCH(QString, type);
    QFETCH(QString, param);
    QFETCH(QString, value);
    QFETCH(QString, reason);
    const ScheduleInfo* info = findSchedule(type.toStdString());
    QVERIFY(info);
    const ParamSpec* spec = findParam(info->params, param.toStdString());
    QVERIFY(spec);
    const auto why = spec->check(toParam(json::parse(value.toStdString())));
    QVERIFY2(why.has_value(), "the bad value was accepted");
    QVERIFY2(QString::fromStdString(*why).contains(reason), why->c_str());

    // makeSchedule refuses it too, naming the field.
    ParamSet p = sampleParams(type.toStdString());
    p.set(param.toStdString(), toParam(json::parse(value.toStdString())));
    try {
        (void)makeSchedule(type.toStdString(), p, 0.1);
        QFAIL("makeSchedule accepted a bad value");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString::fromLatin1(e.what()).startsWith(param + QLatin1Char(':')), e.what());
    }
}

void TestSchedules::crossFieldChecks_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params"); // JSON object
    QTest::addColumn<QString>("field");  // empty: valid
    QTest::newRow("one_cycle total_steps") << "one_cycle"
                                           << R"({"max_lr":0.1,"total_steps":10})"
                                           << "";
    QTest::newRow("one_cycle epochs x spe") << "one_cycle"
                                            << R"({"max_lr":0.1,"epochs":3,"steps_per_epoch":10})"
                                            << "";
    QTest::newRow("one_cycle nothing") << "one_cycle"
                                       << R"({"max_lr":0.1})"
                                       << "total_steps";
    QTest::newRow("one_cycle epochs only") << "one_cycle"
                                           << R"({"max_lr":0.1,"epochs":3})"
                                           << "steps_per_epoch";
    QTest::newRow("one_cycle spe only") << "one_cycle"
                                        << R"({"max_lr":0.1,"steps_per_epoch":3})"
                                        << "epochs";
    QTest::newRow("one_cycle both")
        << "one_cycle"
        << R"({"max_lr":0.1,"total_steps":9,"epochs":3,"steps_per_epoch":3})"
        << "epochs";
    QTest::newRow("one_cycle zero phase") << "one_cycle"
                                          << R"({"max_lr":0.1,"total_steps":10,"pct_start":0.1})"
                                          << "pct_start";
    QTest::newRow("cyclic ok") << "cyclic"
                               << R"({"base_lr":0.01,"max_lr":0.1})"
                               << "";
    QTest::newRow("cyclic equal") << "cyclic"
                                  << R"({"base_lr":0.1,"max_lr":0.1})"
                                  << "max_lr";
    QTest::newRow("cyclic inverted") << "cyclic"
                                     << R"({"base_lr":0.2,"max_lr":0.1})"
                                     << "max_lr";
    QTest::newRow("cyclic gamma unused") << "cyclic"
                                         << R"({"base_lr":0.01,"max_lr":0.1,"gamma":0.9})"
                                         << "gamma";
    QTest::newRow("cyclic gamma exp_range")
        << "cyclic"
        << R"({"base_lr":0.01,"max_lr":0.1,"gamma":0.9,"mode":"exp_range"})"
        << "";
    QTest::newRow("multistep duplicates allowed") << "multistep"
                                                  << R"({"milestones":[5,12,12,30]})"
                                                  << "";
    QTest::newRow("multistep unsorted allowed") << "multistep"
                                                << R"({"milestones":[30,5]})"
                                                << "";
    QTest::newRow("multistep empty") << "multistep"
                                     << R"({"milestones":[]})"
                                     << "milestones";
    QTest::newRow("piecewise ok") << "piecewise_constant"
                                  << R"({"boundaries":[10,30],"values":[0.1,0.05,0.01]})"
                                  << "";
    QTest::newRow("piecewise count") << "piecewise_constant"
                                     << R"({"boundaries":[10,30],"values":[0.1,0.05]})"
                                     << "values";
    QTest::newRow("piecewise order") << "piecewise_constant"
                                     << R"({"boundaries":[30,10],"values":[0.1,0.05,0.01]})"
                                     << "boundaries";
    QTest::newRow("piecewise empty") << "piecewise_constant"
                                     << R"({"boundaries":[],"values":[0.1]})"
                                     << "boundaries";
    QTest::newRow("cosine warmup without target") << "cosine_decay"
                                                  << R"({"decay_steps":10,"warmup_steps":5})"
                                                  << "warmup_steps";
    QTest::newRow("cosine warmup with target")
        << "cosine_decay"
        << R"({"decay_steps":10,"warmup_steps":5,"warmup_target":0.1})"
        << "";
    QTest::newRow("plateau keras default") << "reduce_on_plateau"
                                           << R"({})"
                                           << "";
    QTest::newRow("plateau keras threshold") << "reduce_on_plateau"
                                             << R"({"threshold":0.01})"
                                             << "threshold";
    QTest::newRow("plateau keras threshold_mode") << "reduce_on_plateau"
                                                  << R"({"threshold_mode":"abs"})"
                                                  << "threshold_mode";
    QTest::newRow("plateau torch threshold") << "reduce_on_plateau"
                                             << R"({"flavor":"torch","threshold":0.01})"
                                             << "";
    QTest::newRow("plateau torch min_delta") << "reduce_on_plateau"
                                             << R"({"flavor":"torch","min_delta":0.01})"
                                             << "min_delta";
    QTest::newRow("unknown type") << "warmup"
                                  << R"({})"
                                  << "type";
}

void TestSchedules::crossFieldChecks() {
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, field);
    ParamSet p;
    const json object = json::parse(params.toStdString());
    for (const auto& [key, value] : object.items())
        p.set(key, toParam(value));
    const auto issues = checkScheduleParams(type.toStdString(), p);
    if (field.isEmpty()) {
        QVERIFY2(issues.empty(),
                 issues.empty() ? "" : (issues[0].first + ": " + issues[0].second).c_str());
        QVERIFY(makeSchedule(type.toStdString(), p, 0.1));
    } else {
        QVERIFY2(hasIssue(issues, field.toStdString()), "expected issue not reported");
        if (findSchedule(type.toStdString()))
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                     (void)makeSchedule(type.toStdString(), p, 0.1));
    }
}

void TestSchedules::makeScheduleRejectsInvalid() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)makeSchedule("nope", {}, 0.1));
    // required parameter missing
    try {
        (void)makeSchedule("step", {}, 0.1);
        QFAIL("missing step_size accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString::fromLatin1(e.what()).startsWith(QLatin1String("step_size:")), e.what());
    }
    // unknown parameter
    ParamSet p = sampleParams("cosine");
    p.set("Tmax", 3.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)makeSchedule("cosine", p, 0.1));
    // wrong kind of value
    ParamSet q = sampleParams("cosine");
    q.set("T_max", std::string("ten"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)makeSchedule("cosine", q, 0.1));
}

void TestSchedules::checkToleratesWrongKinds() {
    // checkScheduleParams may see unvalidated input (the table check reports the wrong kind);
    // it must never throw, and makeSchedule must turn it into std::invalid_argument.
    const std::vector<ParamValue> wrong = {ParamValue(std::string("x")), ParamValue(true),
                                           ParamValue(std::vector<double>{1.0}), ParamValue(2.0)};
    for (const auto& info : scheduleCatalog())
        for (const auto& spec : info.params)
            for (const auto& value : wrong) {
                ParamSet p = sampleParams(info.type);
                p.set(spec.name, value);
                try {
                    (void)checkScheduleParams(info.type, p);
                } catch (const std::exception& e) {
                    QFAIL(qPrintable(QString::fromStdString(info.type + "." + spec.name + ": ") +
                                     QString::fromLatin1(e.what())));
                }
                if (spec.check(value)) {
                    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                             (void)makeSchedule(info.type, p, 0.1));
                }
            }
}

void TestSchedules::oneCycleHoldsAfterTheEnd() {
    ParamSet p;
    p.set("max_lr", 0.1);
    p.set("total_steps", 10.0);
    auto s = makeSchedule("one_cycle", p, 123.0 /* ignored, as in torch */);
    // torch's first value is 0.1 + (0.004 - 0.1)/2·2, 0.004 up to rounding.
    QVERIFY(std::fabs(s->lr() - 0.004) < 1e-17);
    QCOMPARE(*s->momentum(), 0.95);
    for (int k = 0; k < 9; ++k)
        s->step(0.0);
    const double last = s->lr();
    QVERIFY(std::fabs(last - 0.004 / 1e4) <= 1e-20);
    QCOMPARE(*s->momentum(), 0.95);
    for (int k = 0; k < 5; ++k) {
        s->step(0.0);
        QCOMPARE(s->lr(), last);
        QCOMPARE(*s->momentum(), 0.95);
    }
}

void TestSchedules::cyclicWithoutMomentum() {
    ParamSet p = sampleParams("cyclic");
    p.set("cycle_momentum", false);
    auto s = makeSchedule("cyclic", p, 0.5);
    QVERIFY(!s->momentum().has_value());
    QCOMPARE(s->lr(), 0.001); // base_lr replaces the optimizer's lr
    for (int k = 0; k < 4; ++k)
        s->step(0.0);
    QCOMPARE(s->lr(), 0.1); // peak after step_size_up steps
}

void TestSchedules::editorStartValuesAreSensible_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("budget");
    for (const ScheduleInfo& info : scheduleCatalog())
        for (int budget : {30, 1500, 1000000})
            QTest::newRow(
                qPrintable(QString("%1 %2").arg(QString::fromStdString(info.type)).arg(budget)))
                << QString::fromStdString(info.type) << budget;
}

// A schedule chosen in the editor starts from values that build and keep the lr within
// [0, 10·lr0] over the whole budget (ExponentialLR's gamma once started at 500: lr 3e+303).
void TestSchedules::editorStartValuesAreSensible() {
    QFETCH(QString, type);
    QFETCH(int, budget);
    const ScheduleInfo* info = findSchedule(type.toStdString());
    QVERIFY(info);
    const double lr0 = 0.1;
    const ParamSet p = scheduleStartValues(*info, budget, lr0);
    const auto issues = checkScheduleParams(info->type, p);
    QVERIFY2(issues.empty(), issues.empty() ? "" : issues.front().second.c_str());
    auto schedule = makeSchedule(info->type, p, lr0);
    double lo = INFINITY, hi = 0;
    const int steps = std::min(budget, 200000);
    for (int k = 0; k < steps; ++k) {
        const double lr = schedule->lr();
        QVERIFY2(std::isfinite(lr), qPrintable(QString("step %1").arg(k)));
        lo = std::min(lo, lr);
        hi = std::max(hi, lr);
        schedule->step(1.0 / (k + 1)); // an improving metric for plateau schedules
    }
    QVERIFY2(lo >= 0 && hi <= 10 * lr0, qPrintable(QString("lr in [%1, %2]").arg(lo).arg(hi)));
    // Rates and factors start near 1 or below, never at a length (500 was a third of 1500 steps).
    for (const ParamSpec& spec : info->params)
        if (spec.kind == ParamKind::Real && p.has(spec.name) && !spec.defaultValue)
            QVERIFY2(p.real(spec.name) <= 10.0, spec.name.c_str());
}

QTEST_APPLESS_MAIN(TestSchedules)
#include "tst_schedules.moc"
