// Experiment files: parsing, validation messages (file, JSON path, reason), round trips and
// atomic writes.
#include "core/experiment/experiment_io.h"
#include "core/experiment/json_reader.h"
#include "core/io/atomic_file.h"
#include "core/optim/update_rule.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

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
    // Issue 16, defect 2: the callback parser re-scanned the parent container after every
    // object, so 1.2 MB of small objects took minutes. The SAX parser is
    // linear. The bound is loose on purpose (a guard against quadratic time, not a benchmark).
    void manySmallObjectsParseInLinearTime() {
        // 400,000 empty objects: the old parser scanned the array after each one (8·10¹⁰ steps,
        // minutes); the SAX parser takes well under a second.
        std::string doc = R"({"title": "many", "stepz": [{})";
        const int n = 400000;
        for (int i = 1; i < n; ++i)
            doc += ",{}";
        doc += "]}";
        QVERIFY(doc.size() > 1'200'000);
        QElapsedTimer timer;
        timer.start();
        std::vector<ValidationIssue> issues;
        const auto parsed = detail::parseJsonDocument(doc, issues);
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->at("stepz").size(), size_t(n));
        const auto result = parseExperiment(doc);
        QVERIFY(!result.ok());
        QVERIFY(QString::fromStdString(result.messages("f.json")).contains("stepz: unknown key"));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed()) + " ms"));
    }

    void parserKeepsOrderAndLimits() {
        std::vector<ValidationIssue> issues;
        // Key order is the file's (a study's grid keys depend on it).
        auto doc = detail::parseJsonDocument(
            R"({"z": 1, "a": {"y": 2, "b": 3}, "m": [1, {"k": 0}]})", issues);
        QVERIFY(doc);
        std::vector<std::string> keys;
        for (const auto& [k, v] : doc->items())
            keys.push_back(k);
        QCOMPARE(keys, (std::vector<std::string>{"z", "a", "m"}));
        QCOMPARE(doc->at("a").begin().key(), std::string("y"));
        QCOMPARE(doc->at("m")[1].at("k").get<int>(), 0);
        // 32 levels are allowed, 33 are not.
        QVERIFY(detail::parseJsonDocument(deepNesting(32), issues));
        QVERIFY(issues.empty());
        QVERIFY(!detail::parseJsonDocument(deepNesting(33), issues));
        QCOMPARE(issues.size(), size_t(1));
        QVERIFY(QString::fromStdString(issues[0].reason).contains("nested deeper than 32"));
        // A duplicate key deep inside names its path.
        issues.clear();
        QVERIFY(
            !detail::parseJsonDocument(R"({"runs": [{"a": 1}, {"o": {"x": 1, "x": 2}}]})", issues));
        QCOMPARE(issues.size(), size_t(1));
        QCOMPARE(issues[0].path, std::string("runs[1].o.x"));
        QVERIFY(QString::fromStdString(issues[0].reason).contains("appears twice"));
        // Trailing data after the document is refused.
        issues.clear();
        QVERIFY(!detail::parseJsonDocument("{} {}", issues));
        QVERIFY(QString::fromStdString(issues[0].reason).contains("not valid JSON"));
        // Over 16 MiB is refused before parsing.
        issues.clear();
        const std::string big(size_t(ExperimentLimits::maxFileBytes) + 1, ' ');
        QVERIFY(!detail::parseJsonDocument(big, issues));
        QVERIFY(QString::fromStdString(issues[0].reason).contains("larger than 16 MiB"));
    }

    // Issue 16, defect 6: a FIFO with no writer hung the loader forever; a folder was "larger
    // than 16 MiB".
    void onlyRegularFilesAreRead() {
        QTemporaryDir dir;
        const std::string fifo = (dir.path() + "/pipe.json").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        const auto fromFifo = loadExperiment(fifo); // returns at once: no writer needed
        QVERIFY(!fromFifo.ok());
        QVERIFY2(QString::fromStdString(fromFifo.messages("pipe.json")).contains("FIFO"),
                 fromFifo.messages("pipe.json").c_str());
        const auto fromFolder = loadExperiment(dir.path().toStdString());
        QVERIFY(!fromFolder.ok());
        const QString folderMessage = QString::fromStdString(fromFolder.messages("d"));
        QVERIFY2(folderMessage.contains("is a folder, not a file"), qPrintable(folderMessage));
        QVERIFY(!folderMessage.contains("larger than"));
        const auto fromDevice = loadExperiment("/dev/zero");
        QVERIFY(!fromDevice.ok());
        QVERIFY(QString::fromStdString(fromDevice.messages("z")).contains("is a device"));
    }

    // Issue 16, defect 6: "must be >= 0, got 1e+301" hid the upper limit the value broke.
    void rangeMessageStatesTheWholeRange() {
        const auto r = parseExperiment(
            withRun(R"({"name": "A", "optimizer": {"type": "adam", "weight_decay": 1e301}})"));
        QVERIFY(!r.ok());
        const QString m = QString::fromStdString(r.messages("e.json"));
        QVERIFY2(m.contains("runs[0].optimizer.weight_decay: must be in [0, 1e+300], got 1e+301"),
                 qPrintable(m));
    }

    // Issue 16, defect 1: files committed as one unit. A failure while writing any temporary
    // renames nothing; the old files stay byte-identical and no temporary is left.
    void commitTogetherIsAllOrNothing() {
        QTemporaryDir dir;
        const std::string a = (dir.path() + "/a.csv").toStdString();
        const std::string s = (dir.path() + "/summary.json").toStdString();
        std::string error;
        QVERIFY(writeFileAtomically(a, "old a", &error));
        QVERIFY(writeFileAtomically(s, "old summary", &error));
        {
            AtomicFile fa(a), fs(s);
            QVERIFY(fa.open() && fs.open());
            fa.write(std::string(200000, 'x'));
            fs.write("new summary");
            // The file-size limit makes the big temporary fail, as a full disk would.
            struct rlimit old {};
            QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
            auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
            struct rlimit small = old;
            small.rlim_cur = 100000;
            QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
            const bool ok = commitTogether({&fa, &fs}, &error);
            QCOMPARE(::setrlimit(RLIMIT_FSIZE, &old), 0);
            std::signal(SIGXFSZ, oldHandler);
            QVERIFY(!ok);
            QVERIFY2(QString::fromStdString(error).contains("a.csv"), error.c_str());
        }
        auto content = [](const std::string& p) {
            QFile f(QString::fromStdString(p));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
        };
        QCOMPARE(content(a), QByteArray("old a"));
        QCOMPARE(content(s), QByteArray("old summary"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);
        // Success renames all, the summary last.
        AtomicFile fa(a), fs(s);
        QVERIFY(fa.open() && fs.open());
        fa.write("new a");
        fs.write("new summary");
        QVERIFY(commitTogether({&fa, &fs}, &error));
        QCOMPARE(content(a), QByteArray("new a"));
        QCOMPARE(content(s), QByteArray("new summary"));
    }

    // Issue 16, defect 3: a killed run's temporaries are swept, and only those.
    void staleTemporariesAreSwept() {
        QTemporaryDir dir;
        const QString d = dir.path();
        for (const char* name : {"a.csv.tmp-Ab12Z9", "summary.json.tmp-000000", "keep.tmp-12345",
                                 "keep.csv", "keep.tmp-abcdefg", "x.tmp-ab_def"}) {
            QFile f(d + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QVERIFY(QDir(d).mkdir("folder.tmp-ABCDEF")); // not a regular file: kept
        QVERIFY(isAtomicTemporaryName("a.csv.tmp-Ab12Z9"));
        QVERIFY(!isAtomicTemporaryName("keep.tmp-12345"));
        QCOMPARE(removeStaleTemporaries(d.toStdString()), 2);
        QStringList left = QDir(d).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        left.sort();
        QCOMPARE(left, (QStringList{"folder.tmp-ABCDEF", "keep.csv", "keep.tmp-12345",
                                    "keep.tmp-abcdefg", "x.tmp-ab_def"}));
    }
};

QTEST_GUILESS_MAIN(TestExperimentIo)
#include "tst_experiment_io.moc"
