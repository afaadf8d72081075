// Everything selectable follows the catalogs: an optimizer and a schedule registered only here, in
// the test, are read from experiment files (with their parameter ranges), listed by
// `optiscope-cli list`, offered by the GUI's run editor with their parameters, built for runs, and
// shown in the help index. Data sets come from their table the same way (reader, `list`, editor).
#include "app/cli/catalog_listing.h"
#include "core/experiment/experiment_io.h"
#include "core/experiment/help_index.h"
#include "core/nn/dataset_catalog.h"
#include "core/optim/update_rule.h"
#include "core/run/function_run.h"
#include "core/schedule/lr_schedule.h"
#include "ui/app/experiment_document.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/run_editor_panel.h"
#include "ui/function/update_formula.h"
#include "ui/network/network_problem_editor.h"
#include "ui/teaching/help_dock.h"

#include <QComboBox>
#include <QLabel>
#include <QTest>

#include <cmath>

using namespace optiscope;

namespace {

/// p ← p − lr·kick·g: a rule that exists only in this test.
template <typename Scalar> class KickUpdate final : public UpdateRule<Scalar> {
public:
    using Vector = typename UpdateRule<Scalar>::Vector;
    struct Hyper {
        double kick = 0.5;
    };
    explicit KickUpdate(const Hyper& h) : m_hyper(h) {}
    void reset(Eigen::Index size) override {
        this->m_step = 0;
        this->m_effLr = Vector::Zero(size);
    }
    void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad, double lr) override {
        if (this->m_effLr.size() != params.size())
            reset(params.size());
        ++this->m_step;
        const Scalar f = static_cast<Scalar>(lr * m_hyper.kick);
        params -= f * grad;
        this->m_effLr.setConstant(f);
    }
    [[nodiscard]] OptimizerState state() const override { return {}; }

private:
    Hyper m_hyper;
};

/// lr halves every `every` steps: a schedule that exists only in this test.
class HalvingSchedule final : public LrSchedule {
public:
    HalvingSchedule(double lr0, long long every) : m_lr(lr0), m_every(every) {}
    [[nodiscard]] double lr() const override { return m_lr; }
    void step(double) override {
        if (++m_steps % m_every == 0)
            m_lr *= 0.5;
    }

private:
    double m_lr;
    long long m_every, m_steps = 0;
};

const char* kExperiment = R"({
  "format": "optiscope-experiment", "version": 1, "title": "registry",
  "problem": {"type": "function", "function": "quadratic_bowl", "start": [2.0, 1.0]},
  "steps": 4,
  "runs": [{"name": "kick", "optimizer": {"type": "test_kick", "lr": 0.1, "kick": KICK},
            "schedule": {"type": "test_halving", "every": 2}}]
})";

std::string experimentWithKick(const std::string& kick) {
    std::string text = kExperiment;
    text.replace(text.find("KICK"), 4, kick);
    return text;
}

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        OptimizerInfo o;
        o.type = "test_kick";
        o.title = "Kick (test only)";
        o.reference = "tst_registry";
        o.summary = "a rule registered by tst_registry";
        o.formula = "theta -= lr*kick*g";
        o.helpPage = "optimizer-sgd.md";
        o.averages = {{"κ", "kick", 0}}; // not an average, but the inspector cannot tell
        o.params = {ParamSpec::real("lr", 0.01).atLeast(0).about("learning rate of the test rule"),
                    ParamSpec::real("kick", 0.5)
                        .above(0)
                        .atMost(1)
                        .about("factor on the gradient, only in this test")};
        o.makeFloat = [](const ParamSet& p) {
            return std::unique_ptr<UpdateRule<float>>(new KickUpdate<float>({p.real("kick")}));
        };
        o.makeDouble = [](const ParamSet& p) {
            return std::unique_ptr<UpdateRule<double>>(new KickUpdate<double>({p.real("kick")}));
        };
        registerOptimizer(o);

        ScheduleInfo s;
        s.type = "test_halving";
        s.title = "Halving (test only)";
        s.origin = "tst_registry";
        s.formula = "lr = lr0 · 0.5^floor(s/every)";
        s.helpPage = "schedule-step.md";
        s.params = {ParamSpec::integer("every", 10)
                        .atLeast(1)
                        .about("halve the lr every this many steps (test only)")};
        s.make = [](const ParamSet& p, double lr0) -> std::unique_ptr<LrSchedule> {
            return std::make_unique<HalvingSchedule>(lr0, p.integer("every"));
        };
        registerSchedule(s);
    }

    void cleanupTestCase() {
        QVERIFY(unregisterOptimizer("test_kick"));
        QVERIFY(unregisterSchedule("test_halving"));
        QVERIFY(!findOptimizer("test_kick"));
    }

    void readerAndRunFollowTheCatalog() {
        const auto parsed = parseExperiment(experimentWithKick("0.5"));
        QVERIFY2(parsed.ok(), parsed.messages("registry").c_str());
        const Experiment& e = *parsed.experiment;
        // The rule and the schedule the catalog entries build: p -= 0.1·0.5·g with the lr halved
        // after 2 steps, on ½(x² + 10y²) (g = (x, 10y)).
        FunctionRun run(e, expandRuns(e).front());
        double x = 2.0, y = 1.0, lr = 0.1;
        for (int k = 1; k <= 4; ++k) {
            QVERIFY(run.advance());
            x -= lr * 0.5 * x;
            y -= (lr * 0.5) * (10 * y);
            QCOMPARE(run.current().point.x(), x);
            QCOMPARE(run.current().point.y(), y);
            if (k % 2 == 0)
                lr *= 0.5;
        }
        // Its ranges are checked and named like any other parameter's.
        const auto bad = parseExperiment(experimentWithKick("2"));
        QVERIFY(!bad.ok());
        const std::string messages = bad.messages("registry");
        QVERIFY2(messages.find("runs[0].optimizer.kick") != std::string::npos, messages.c_str());
        QVERIFY2(messages.find("(0, 1]") != std::string::npos, messages.c_str());
    }

    void listFollowsTheCatalog() {
        const std::string text = cli::catalogText();
        QVERIFY(text.find("test_kick") != std::string::npos);
        QVERIFY(text.find("factor on the gradient, only in this test") != std::string::npos);
        QVERIFY(text.find("test_halving") != std::string::npos);
        QVERIFY(cli::catalogJson().find("\"test_kick\"") != std::string::npos);
    }

    void editorFollowsTheCatalog() {
        ExperimentDocument document;
        FunctionRunController controller(&document);
        const auto parsed = parseExperiment(experimentWithKick("0.25"));
        QVERIFY(parsed.ok());
        document.setExperiment(*parsed.experiment);
        RunEditorPanel panel(&controller);
        panel.setCurrentRun(0);
        auto* optimizer = panel.findChild<QComboBox*>(QStringLiteral("optimizerType"));
        auto* schedule = panel.findChild<QComboBox*>(QStringLiteral("scheduleType"));
        QVERIFY(optimizer && schedule);
        QVERIFY(optimizer->findData(QStringLiteral("test_kick")) >= 0);
        QCOMPARE(optimizer->currentData().toString(), QStringLiteral("test_kick"));
        QVERIFY(schedule->findData(QStringLiteral("test_halving")) >= 0);
        // The parameter editors are made from the entry's table.
        bool kickLabel = false;
        for (const QLabel* l : panel.findChildren<QLabel*>())
            kickLabel = kickLabel || l->text() == QLatin1String("kick");
        QVERIFY(kickLabel);
    }

    void inspectorFollowsTheCatalog() {
        // An optimizer without a formula of its own in the inspector shows its catalog formula.
        OptimizerConfig o;
        o.type = "test_kick";
        o.params = ParamSet::defaults(findOptimizer("test_kick")->params);
        RunSample previous, sample;
        sample.step = 1;
        const FormulaText f = updateFormula(o, RunStateLayout{}, sample, &previous);
        QVERIFY2(f.symbolic.contains(QStringLiteral("theta -= lr*kick*g")), qPrintable(f.symbolic));
        // Its averaging windows come from the catalog too: κ = 0.5 → about 2 steps.
        QCOMPARE(f.windows, QStringLiteral("κ = 0.5 averages over ≈ 2 steps (1/(1−κ))"));
        // And the shipped ones: Adam's two, SGD's momentum only when there is one.
        OptimizerConfig adam;
        adam.type = "adam";
        adam.params = ParamSet::defaults(findOptimizer("adam")->params);
        QCOMPARE(averagingWindows(adam),
                 QStringLiteral("β1 = 0.9 averages over ≈ 10 steps (1/(1−β1))<br>"
                                "β2 = 0.999 averages over ≈ 1000 steps (1/(1−β2))"));
        OptimizerConfig sgd;
        sgd.type = "sgd";
        sgd.params = ParamSet::defaults(findOptimizer("sgd")->params);
        QCOMPARE(averagingWindows(sgd), QString());
        sgd.params.set("momentum", 0.9);
        QCOMPARE(averagingWindows(sgd),
                 QStringLiteral("μ = 0.9 averages over ≈ 10 steps (1/(1−μ))"));
    }

    void helpIndexFollowsTheCatalog() {
        const QString index = HelpDock::indexMarkdown();
        QVERIFY2(index.contains(QStringLiteral("[Kick (test only)](optimizer-sgd.md)")),
                 qPrintable(index));
        QVERIFY(index.contains(QStringLiteral("a rule registered by tst_registry")));
        QVERIFY(index.contains(QStringLiteral("[Halving (test only)](schedule-step.md)")));
        QCOMPARE(HelpDock::optimizerPage("test_kick"), QStringLiteral("optimizer-sgd.md"));
        QCOMPARE(HelpDock::schedulePage("test_halving"), QStringLiteral("schedule-step.md"));
        // And the page of every shipped optimizer is its own.
        QCOMPARE(HelpDock::optimizerPage("adabelief"), QStringLiteral("optimizer-adabelief.md"));
    }

    // Data sets are one table too (core/nn/dataset_catalog): the reader accepts exactly its names
    // and asks for a path where an entry says so, `list` and the network editor show its entries
    // in its order, and a test split is refused where an entry has its own test files.
    void datasetsFollowTheCatalog() {
        const auto& catalog = nn::datasetCatalog();
        QVERIFY(catalog.size() >= 10);
        const std::string list = cli::catalogText();
        NetworkProblemEditor editor;
        auto* box = editor.findChild<QComboBox*>(QStringLiteral("networkDataset"));
        QVERIFY(box);
        QCOMPARE(box->count(), int(catalog.size()));
        for (int i = 0; i < int(catalog.size()); ++i) {
            const nn::DatasetInfo& d = catalog[std::size_t(i)];
            QCOMPARE(box->itemText(i).toStdString(), d.name);
            QVERIFY2(list.find("  " + d.name + "  " + d.description) != std::string::npos,
                     d.name.c_str());
            const std::string file =
                "{\"format\": \"optiscope-experiment\", \"version\": 1, \"problem\": "
                "{\"type\": \"network\", \"dataset\": {\"name\": \"" +
                d.name +
                "\", \"target_column\": \"y\"}, \"test_split\": 0.2}, \"runs\": "
                "[{\"name\": \"a\", \"optimizer\": {\"type\": \"sgd\"}}]}";
            const auto parsed = parseExperiment(file);
            const std::string messages = parsed.messages("f.json");
            QVERIFY2(messages.find("unknown dataset") == std::string::npos, messages.c_str());
            QCOMPARE(messages.find("problem.dataset.path: is required") != std::string::npos,
                     d.source == nn::DatasetInfo::Source::File);
            QCOMPARE(messages.find("problem.test_split: must be 0") != std::string::npos,
                     !d.testFiles.empty());
        }
        const auto unknown = parseExperiment(
            "{\"format\": \"optiscope-experiment\", \"version\": 1, \"problem\": "
            "{\"type\": \"network\", \"dataset\": {\"name\": \"imagenet\"}}, \"runs\": "
            "[{\"name\": \"a\", \"optimizer\": {\"type\": \"sgd\"}}]}");
        std::string expected;
        for (const auto& d : catalog)
            expected += (expected.empty() ? "" : ", ") + d.name;
        QVERIFY2(unknown.messages("f.json").find(expected) != std::string::npos,
                 unknown.messages("f.json").c_str());
    }
};

QTEST_MAIN(TestRegistry)
#include "tst_registry.moc"
