// The optimizers beyond torch.optim (QHM, QHAdam, AdaBelief, Yogi) and the Adam-family options
// (bias_correction, convention "keras") against reference steps written from the authors'
// published code and run with PyTorch 1.13 (tests/data/optimizer_golden.json, made by
// tests/tools/make_optimizer_golden.py), in float64 and float32. Replay: the recorded gradients
// are fed to our rule and every parameter must come out bit for bit; the reference's state
// tensors likewise, and the effective learning rate (defined in each rule's header) within a
// few ulp.
#include "core/experiment/experiment_io.h"
#include "core/optim/update_rule.h"
#include "core/run/run_parts.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

using namespace optiscope;
using Json = nlohmann::json;

namespace {

const Json& golden() {
    static const Json data = [] {
        std::ifstream in(OPTISCOPE_SOURCE_DIR "/tests/data/optimizer_golden.json");
        return Json::parse(in);
    }();
    return data;
}

/// The case's optimizer as the experiment reader makes it (defaults, dependent defaults such as
/// keras's eps, validation), from a minimal experiment around it.
std::pair<std::string, ParamSet> readOptimizer(const Json& c, QString* error) {
    Json e = {
        {"format", "optiscope-experiment"},
        {"version", 1},
        {"title", "golden"},
        {"problem", {{"type", "function"}, {"function", c["function"]}, {"start", c["start"]}}},
        {"steps", 10},
        {"runs", Json::array({{{"name", "r"}, {"optimizer", c["optimizer"]}}})}};
    const auto parsed = parseExperiment(e.dump());
    if (!parsed.ok()) {
        *error = QString::fromStdString(parsed.messages("golden"));
        return {};
    }
    const OptimizerConfig& o = parsed.experiment->runs.front().optimizer;
    return {o.type, o.params};
}

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

template <typename Scalar> struct Replay {
    using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
    static Vector vec(const Json& a) {
        Vector v(2);
        v << static_cast<Scalar>(a[0].get<double>()), static_cast<Scalar>(a[1].get<double>());
        return v;
    }

    /// Replays `records`; returns an empty string or the first disagreement.
    static QString run(const std::string& type, const ParamSet& params, const Json& records,
                       double effRel, int* comparedState) {
        auto rule = makeUpdateRule<Scalar>(type, params);
        rule->reset(2);
        const double lr = params.real("lr");
        Vector p = vec(records[0]["p"]);
        for (size_t k = 1; k < records.size(); ++k) {
            rule->step(p, vec(records[k - 1]["grad"]), lr);
            const Json& rec = records[k];
            for (int i = 0; i < 2; ++i)
                if (!sameBits(double(p[i]), rec["p"][i].get<double>()))
                    return QString::asprintf("p[%d] at step %zu: ours %.17g, reference %.17g", i, k,
                                             double(p[i]), rec["p"][i].get<double>());
            const OptimizerState st = rule->state();
            for (const auto& item : rec["state"].items()) {
                const std::string name = item.key();
                const Json& value = item.value();
                if (value.is_array()) {
                    const StateTensor* t = st.tensor(name);
                    if (!t)
                        return QString("no state tensor %1").arg(QString::fromStdString(name));
                    for (int i = 0; i < 2; ++i)
                        if (!sameBits(t->values[i], value[i].get<double>()))
                            return QString::asprintf("%s[%d] at step %zu: ours %.17g, ref %.17g",
                                                     name.c_str(), i, k, t->values[i],
                                                     value[i].get<double>());
                    ++*comparedState;
                } else if (const StateScalar* s = st.scalar(name)) {
                    if (!sameBits(s->value, value.get<double>()))
                        return QString::asprintf("%s at step %zu: ours %.17g, ref %.17g",
                                                 name.c_str(), k, s->value, value.get<double>());
                    ++*comparedState;
                }
            }
            const Json& eff = rec["derived"]["eff_lr"];
            for (int i = 0; i < 2; ++i) {
                const double ours = double(rule->effectiveLr()[i]);
                const double ref = eff[i].get<double>();
                if (std::fabs(ours - ref) > effRel * std::max(std::fabs(ours), std::fabs(ref)))
                    return QString::asprintf("eff_lr[%d] at step %zu: ours %.17g, ref %.17g", i, k,
                                             ours, ref);
            }
        }
        return {};
    }
};

} // namespace

class TestOptimizerGolden : public QObject {
    Q_OBJECT
private slots:
    void coverage() {
        // Every new optimizer and option has reference data, in both dtypes.
        std::set<std::string> types, options;
        for (const auto& c : golden()["cases"]) {
            types.insert(c["optimizer"]["type"].get<std::string>());
            for (const char* o : {"bias_correction", "convention"})
                if (c["optimizer"].contains(o))
                    options.insert(c["optimizer"]["type"].get<std::string>() + "." + o);
            QVERIFY(c["float64"].size() > 50);
            QCOMPARE(c["float32"].size(), c["float64"].size());
        }
        for (const char* t : {"qhm", "qhadam", "adabelief", "yogi"})
            QVERIFY2(types.count(t), t);
        for (const char* o :
             {"adam.bias_correction", "adamw.bias_correction", "nadam.bias_correction",
              "radam.bias_correction", "qhadam.bias_correction", "adabelief.bias_correction",
              "adam.convention", "adamax.convention"})
            QVERIFY2(options.count(o), o);
    }

    void replay_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<bool>("single");
        const Json& cases = golden()["cases"];
        for (size_t i = 0; i < cases.size(); ++i)
            for (bool single : {false, true})
                QTest::newRow(
                    qPrintable(QString("%1 %2")
                                   .arg(QString::fromStdString(cases[i]["name"].get<std::string>()))
                                   .arg(single ? "float32" : "float64")))
                    << int(i) << single;
    }

    void replay() {
        QFETCH(int, index);
        QFETCH(bool, single);
        const Json& c = golden()["cases"][size_t(index)];
        QString error;
        const auto [type, params] = readOptimizer(c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        int compared = 0;
        // eff_lr: the reference computes it in double from the run's tensors; in float32 ours is
        // computed in float (a few float ulp).
        const QString why = single
                                ? Replay<float>::run(type, params, c["float32"], 1e-6, &compared)
                                : Replay<double>::run(type, params, c["float64"], 1e-15, &compared);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY(compared > 0);
        // The trajectory really moved (a rule that does nothing would fail above, but a case
        // whose start is a minimum would prove nothing).
        const Json& recs = c[single ? "float32" : "float64"];
        QVERIFY(std::hypot(recs.back()["p"][0].get<double>() - recs[0]["p"][0].get<double>(),
                           recs.back()["p"][1].get<double>() - recs[0]["p"][1].get<double>()) >
                1e-3);
    }

    void kerasEpsDefault() {
        // convention "keras" without eps takes tf.keras's 1e-7; an explicit eps stays.
        Json c = golden()["cases"][0];
        c["optimizer"] = {{"type", "adam"}, {"convention", "keras"}};
        QString error;
        auto read = readOptimizer(c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(read.second.real("eps"), 1e-7);
        c["optimizer"]["eps"] = 1e-8;
        read = readOptimizer(c, &error);
        QCOMPARE(read.second.real("eps"), 1e-8);
        c["optimizer"] = {{"type", "adam"}};
        read = readOptimizer(c, &error);
        QCOMPARE(read.second.real("eps"), 1e-8);

        // In an editor: switching the convention moves an eps still at its default, both ways,
        // and keeps one the user set.
        const ParamSet torch = read.second;
        ParamSet keras = torch;
        keras.set("convention", std::string("keras"));
        keras = followDependentDefaults("adam", torch, keras);
        QCOMPARE(keras.real("eps"), 1e-7);
        ParamSet back = keras;
        back.set("convention", std::string("torch"));
        QCOMPARE(followDependentDefaults("adam", keras, back).real("eps"), 1e-8);
        ParamSet own = torch;
        own.set("eps", 1e-6);
        ParamSet ownKeras = own;
        ownKeras.set("convention", std::string("keras"));
        QCOMPARE(followDependentDefaults("adam", own, ownKeras).real("eps"), 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestOptimizerGolden)
#include "tst_optimizer_golden.moc"
