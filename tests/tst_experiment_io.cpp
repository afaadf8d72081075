// Experiment files: parsing, validation messages (file, JSON path, reason), round trips and
// atomic writes.
#include "core/experiment/experiment_io.h"
#include "core/io/atomic_file.h"
#include "core/optim/update_rule.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace optiscope;

namespace {

const char* kSpecExample = R"({
  "format": "optiscope-experiment", "version": 1,
  "title": "Adam with and without decay",
  "problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0]},
  "steps": 500,
  "runs": [
    {"name": "Adam",
     "optimizer": {"type": "adam", "lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-8},
     "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.96},
     "compare_without_schedule": true}
  ]
})";

/// A valid one-run experiment with `run` spliced in as the run object.
std::string withRun(const std::string& run,
                    const std::string& problem = R"({"function": "rosenbrock"})",
                    const std::string& steps = "100") {
    const std::string stepsKey = steps.empty() ? "" : R"(, "steps": )" + steps;
    return R"({"problem": )" + problem + stepsKey + R"(, "runs": [)" + run + "]}";
}

std::string deepNesting(int depth) {
    return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

} // namespace

class TestExperimentIo : public QObject {
    Q_OBJECT
private slots:
    void specExampleParses() {
        const auto r = parseExperiment(kSpecExample);
        QVERIFY2(r.ok(), r.messages("spec").c_str());
        const Experiment& e = *r.experiment;
        QCOMPARE(e.title, std::string("Adam with and without decay"));
        QCOMPARE(e.function.function, std::string("rosenbrock"));
        QCOMPARE(e.function.start.x(), -1.5);
        QCOMPARE(e.steps, 500LL);
        QCOMPARE(e.runs.size(), size_t(1));
        const RunConfig& run = e.runs[0];
        QCOMPARE(run.optimizer.type, std::string("adam"));
        QCOMPARE(run.optimizer.params.real("lr"), 0.001);
        // Missing hyper-parameters take PyTorch's defaults.
        QCOMPARE(run.optimizer.params.real("weight_decay"), 0.0);
        QCOMPARE(run.optimizer.params.flag("amsgrad"), false);
        QVERIFY(run.schedule.has_value());
        QCOMPARE(run.schedule->params.real("decay_rate"), 0.96);
        QCOMPARE(run.schedule->params.flag("staircase"), false);
        QVERIFY(run.compareWithoutSchedule);
        // Function constants default too.
        QCOMPARE(e.function.params.real("b"), 100.0);
    }

    void twinsAndSlugs() {
        const auto r = parseExperiment(kSpecExample);
        QVERIFY(r.ok());
        const auto runs = expandRuns(*r.experiment);
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[1].name, std::string("Adam (no decay)"));
        QCOMPARE(runs[1].slug, std::string("adam-no-decay"));
        QVERIFY(runs[1].twin);
        QCOMPARE(slugify("Adam (lr=0.1)"), std::string("adam-lr-0-1"));
        QCOMPARE(slugify("  SGD+Momentum "), std::string("sgd-momentum"));
    }

    void roundTrip_data() {
        QTest::addColumn<QString>("json");
        QTest::newRow("spec example") << QString::fromUtf8(kSpecExample);
        QTest::newRow("default experiment")
            << QString::fromStdString(experimentToJson(Experiment::defaultExperiment()));
        QTest::newRow("every field") << QString::fromStdString(withRun(
            R"({"name": "SGD", "optimizer": {"type": "sgd", "lr": 0.002, "momentum": 0.9, "nesterov": true},
                "schedule": {"type": "multistep", "milestones": [10, 20], "gamma": 0.5},
                "compare_without_schedule": true, "color": "#ff8800", "visible": false})",
            R"({"type": "function", "function": "quadratic_bowl", "params": {"c1": 2, "c2": 30},
                "start": [0.1, 0.30000000000000004], "noise": {"std": 0.5, "seed": 7}})"));
        QTest::newRow("network") << QString::fromStdString(withRun(
            R"({"name": "Adam", "optimizer": {"type": "adam"},
                "schedule": {"type": "reduce_on_plateau", "patience": 5}})",
            R"({"type": "network", "dataset": {"name": "spirals", "samples": 300, "noise": 0.2, "seed": 3},
                "validation_split": 0.25, "model": {"hidden": [8, 8], "activation": "relu"},
                "loss": "cross_entropy", "batch_size": 16, "epochs": 12, "seed": 4})",
            ""));
    }
    void roundTrip() {
        QFETCH(QString, json);
        const auto first = parseExperiment(json.toStdString());
        QVERIFY2(first.ok(), first.messages("input").c_str());
        const std::string written = experimentToJson(*first.experiment);
        const auto second = parseExperiment(written);
        QVERIFY2(second.ok(), (second.messages("written") + written).c_str());
        QVERIFY(*first.experiment == *second.experiment);
        // Writing is stable: a second write gives the same text.
        QCOMPARE(experimentToJson(*second.experiment), written);
    }

    void invalidInput_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("reason");
        auto row = [](const char* name, const std::string& json, const char* path,
                      const char* reason) {
            QTest::newRow(name) << QByteArray::fromStdString(json) << QString(path)
                                << QString(reason);
        };
        const std::string adam = R"({"name": "A", "optimizer": {"type": "adam"}})";
        row("syntax error", R"({"steps": 10,)", "", "not valid JSON");
        row("empty file", "", "", "not valid JSON");
        row("binary garbage", std::string("\x00\xff\xfe\x01garbage", 11), "", "not valid JSON");
        row("invalid utf-8", "{\"title\": \"\xc3\x28\"}", "", "not valid JSON");
        row("huge number", R"({"steps": 1e999})", "", "not valid JSON");
        std::string deepPath;
        for (int i = 0; i < 31; ++i)
            deepPath += "[0]";
        row("deep nesting", deepNesting(100000), deepPath.c_str(), "nested deeper than 32 levels");
        row("duplicate key", R"({"steps": 10, "steps": 20})", "steps", "appears twice");
        row("not an object", "[1, 2, 3]", "", "must be an object");
        row("unknown top-level key",
            R"({"problem": {"function": "booth"}, "steps": 5, "stepz": 5, "runs": [)" + adam + "]}",
            "stepz", "unknown key");
        row("wrong format",
            R"({"format": "other", "problem": {"function": "booth"}, "steps": 5, "runs": [)" +
                adam + "]}",
            "format", "must be \"optiscope-experiment\"");
        row("newer version",
            R"({"version": 2, "problem": {"function": "booth"}, "steps": 5, "runs": [)" + adam +
                "]}",
            "version", "newer than this OptiScope reads");
        row("missing problem", R"({"steps": 5, "runs": [)" + adam + "]}", "problem", "is required");
        row("unknown function", withRun(adam, R"({"function": "rosenbruck"})"), "problem.function",
            "unknown function \"rosenbruck\"");
        row("unknown constant", withRun(adam, R"({"function": "rosenbrock", "params": {"c": 1}})"),
            "problem.params.c", "unknown parameter of rosenbrock");
        row("start wrong length", withRun(adam, R"({"function": "booth", "start": [1]})"),
            "problem.start", "must be a list of two numbers");
        row("start not a number", withRun(adam, R"({"function": "booth", "start": [1, "two"]})"),
            "problem.start[1]", "must be a number");
        row("negative noise",
            withRun(adam, R"({"function": "booth", "noise": {"std": -1, "seed": 1}})"),
            "problem.noise.std", "must be in [0,");
        row("fractional seed",
            withRun(adam, R"({"function": "booth", "noise": {"std": 1, "seed": 1.5}})"),
            "problem.noise.seed", "must be a whole number");
        row("zero steps", withRun(adam, R"({"function": "booth"})", "0"), "steps",
            "must be in [1,");
        row("absurd steps", withRun(adam, R"({"function": "booth"})", "1e15"), "steps",
            "must be in [1,");
        row("fractional steps", withRun(adam, R"({"function": "booth"})", "10.5"), "steps",
            "must be a whole number");
        row("steps as string", withRun(adam, R"({"function": "booth"})", "\"10\""), "steps",
            "must be a whole number");
        row("no runs", R"({"problem": {"function": "booth"}, "steps": 5, "runs": []})", "runs",
            "at least one run");
        row("runs not a list", R"({"problem": {"function": "booth"}, "steps": 5, "runs": {}})",
            "runs", "must be a list");
        row("betas out of range",
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "betas": [0.9, 1.2]}})"),
            "runs[0].optimizer.betas[1]", "must be in [0, 1), got 1.2");
        row("betas wrong length",
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "betas": [0.9]}})"),
            "runs[0].optimizer.betas", "two numbers");
        row("lr as string",
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "lr": "fast"}})"),
            "runs[0].optimizer.lr", "must be a number, got the string \"fast\"");
        row("negative lr", withRun(R"({"name": "A", "optimizer": {"type": "sgd", "lr": -0.1}})"),
            "runs[0].optimizer.lr", "got -0.1");
        row("unknown optimizer", withRun(R"({"name": "A", "optimizer": {"type": "adamm"}})"),
            "runs[0].optimizer.type", "unknown optimizer \"adamm\"");
        row("typo in hyperparameter",
            withRun(R"({"name": "A", "optimizer": {"type": "sgd", "momentun": 0.9}})"),
            "runs[0].optimizer.momentun", "unknown parameter of sgd");
        row("amsgrad not bool",
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "amsgrad": 1}})"),
            "runs[0].optimizer.amsgrad", "must be true or false");
        row("nesterov without momentum",
            withRun(R"({"name": "A", "optimizer": {"type": "sgd", "nesterov": true}})"),
            "runs[0].optimizer.nesterov", "requires momentum > 0");
        row("missing optimizer", withRun(R"({"name": "A"})"), "runs[0].optimizer", "is required");
        row("missing name", withRun(R"({"optimizer": {"type": "adam"}})"), "runs[0].name",
            "is required");
        row("name without letters", withRun(R"({"name": "!!", "optimizer": {"type": "adam"}})"),
            "runs[0].name", "letter or a digit");
        row("same trace file",
            R"({"problem": {"function": "booth"}, "steps": 5, "runs": [)" + adam + "," + adam +
                "]}",
            "runs[1].name", "same trace file name");
        row("unknown schedule",
            withRun(
                R"({"name": "A", "optimizer": {"type": "adam"}, "schedule": {"type": "exp_decay"}})"),
            "runs[0].schedule.type", "unknown schedule \"exp_decay\"");
        row("bad decay_rate", withRun(R"({"name": "A", "optimizer": {"type": "adam"},
                        "schedule": {"type": "exponential_decay", "decay_steps": 10, "decay_rate": -1}})"),
            "runs[0].schedule.decay_rate", "got -1");
        row("missing required schedule parameter",
            withRun(
                R"({"name": "A", "optimizer": {"type": "adam"}, "schedule": {"type": "step"}})"),
            "runs[0].schedule.step_size", "is required");
        row("per on a function problem",
            withRun(
                R"({"name": "A", "optimizer": {"type": "adam"}, "schedule": {"type": "exponential", "gamma": 0.9, "per": "epoch"}})"),
            "runs[0].schedule.per", "network problems only");
        row("bad colour",
            withRun(R"({"name": "A", "optimizer": {"type": "adam"}, "color": "red"})"),
            "runs[0].color", "#rrggbb");
        row("unknown run key",
            withRun(R"({"name": "A", "optimizer": {"type": "adam"}, "compare": true})"),
            "runs[0].compare", "unknown key");
        row("unknown dataset",
            withRun(adam, R"({"type": "network", "dataset": {"name": "imagenet"}})"),
            "problem.dataset.name", "unknown dataset");
        row("csv without path", withRun(adam, R"({"type": "network", "dataset": {"name": "csv"}})"),
            "problem.dataset.path", "is required");
        row("absurd hidden layer",
            withRun(
                adam,
                R"({"type": "network", "dataset": {"name": "xor"}, "model": {"hidden": [100000000]}})"),
            "problem.model.hidden[0]", "must be in [1,");
        row("steps on a network problem",
            withRun(adam, R"({"type": "network", "dataset": {"name": "xor"}})"), "steps",
            "problem.epochs");
        row("unknown problem type", withRun(adam, R"({"type": "graph"})"), "problem.type",
            "must be one of");
    }
    void invalidInput() {
        QFETCH(QByteArray, json);
        QFETCH(QString, path);
        QFETCH(QString, reason);
        const auto r = parseExperiment(std::string_view(json.constData(), size_t(json.size())));
        QVERIFY(!r.ok());
        QVERIFY(!r.issues.empty());
        bool found = false;
        for (const auto& issue : r.issues)
            found = found || (QString::fromStdString(issue.path) == path &&
                              QString::fromStdString(issue.reason).contains(reason));
        QVERIFY2(found, ("expected " + path + ": ..." + reason + "\ngot:\n" +
                         QString::fromStdString(r.messages("exp.json")))
                            .toUtf8()
                            .constData());
    }

    void messageNamesFileFieldAndReason() {
        const auto r = parseExperiment(
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "betas": [0.9, 1.2]}})"));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].message("exp.json"),
                 std::string("exp.json: runs[0].optimizer.betas[1]: must be in [0, 1), got 1.2"));
    }

    void everyIssueIsReported() {
        // Two independent mistakes: the user sees both at once rather than one per attempt.
        const auto r = parseExperiment(
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "lr": -1, "eps": "x"}})"));
        QCOMPARE(r.issues.size(), size_t(2));
    }

    void loadReportsIoProblems() {
        QTemporaryDir dir;
        const auto missing = loadExperiment((dir.path() + "/nope.json").toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.messages("nope.json")).contains("cannot open file"));
        const auto folder = loadExperiment(dir.path().toStdString());
        QVERIFY(!folder.ok());
    }

    void saveAndLoad() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/exp.json").toStdString();
        const Experiment e = Experiment::defaultExperiment();
        std::string error;
        QVERIFY2(saveExperiment(e, path, &error), error.c_str());
        const auto loaded = loadExperiment(path);
        QVERIFY2(loaded.ok(), loaded.messages(path).c_str());
        QVERIFY(*loaded.experiment == e);
        // No temporary file is left beside it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void defaultExperimentIsSpecs() {
        const Experiment e = Experiment::defaultExperiment();
        QCOMPARE(e.function.function, std::string("rosenbrock"));
        QCOMPARE(e.function.start, Eigen::Vector2d(-1.5, 2.0));
        QCOMPARE(e.steps, 1500LL);
        QVERIFY(e.function.noise.has_value());
        QCOMPARE(e.function.noise->stddev, 2.0);
        QCOMPARE(e.function.noise->seed, std::uint64_t(1));
        QCOMPARE(e.runs.size(), size_t(1));
        QCOMPARE(e.runs[0].optimizer.params.real("lr"), 0.1);
        QCOMPARE(e.runs[0].optimizer.params.list("betas"), (std::vector<double>{0.9, 0.999}));
        QCOMPARE(e.runs[0].schedule->type, std::string("exponential_decay"));
        QCOMPARE(e.runs[0].schedule->params.real("decay_steps"), 300.0);
        QCOMPARE(e.runs[0].schedule->params.real("decay_rate"), 0.7);
        QVERIFY(e.runs[0].compareWithoutSchedule);
    }

    void atomicFileKeepsOldContentUntilCommit() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/out.txt").toStdString();
        std::string error;
        QVERIFY(writeFileAtomically(path, "old", &error));
        {
            AtomicFile file(path);
            QVERIFY(file.open());
            file.write("new content");
            // Not committed: the old file is what a reader sees ...
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), QByteArray("old"));
        } // ... and dropping the writer discards the temporary file.
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("old"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);

        AtomicFile file(path);
        QVERIFY(file.open());
        file.write("new");
        QVERIFY(file.commit());
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("new"));
    }

    void atomicFileReportsUnwritableTarget() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/missing-folder/out.txt").toStdString();
        std::string error;
        QVERIFY(!writeFileAtomically(path, "data", &error));
        QVERIFY(QString::fromStdString(error).contains("out.txt"));
        QVERIFY(QString::fromStdString(error).contains("cannot create file"));
    }
};

QTEST_GUILESS_MAIN(TestExperimentIo)
#include "tst_experiment_io.moc"
