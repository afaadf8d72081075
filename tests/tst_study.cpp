// Studies in the core (SPEC §6): the grid and its validation, job order and seeds, the statistics
// against hand-computed values, the tables, and jobs that resume, shard and thread into
// identical results.
#include "core/experiment/experiment_io.h"
#include "core/experiment/study_grid.h"
#include "core/study/study_curves.h"
#include "core/study/study_runner.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <numbers>

using namespace optiscope;

namespace {

const char* kBase = R"({
  "format": "optiscope-experiment", "version": 1, "title": "study test",
  "problem": {"type": "function", "function": "rosenbrock", "start": [-1.5, 2.0],
              "noise": {"std": 1.0, "seed": 5}},
  "steps": 400,
  "runs": [
    {"name": "Adam", "optimizer": {"type": "adam", "lr": 0.05},
     "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5},
     "compare_without_schedule": true},
    {"name": "SGD", "optimizer": {"type": "sgd", "lr": 0.001, "momentum": 0.9}}
  ],
  "study": STUDY
})";

std::string withStudy(const std::string& study, const char* base = kBase) {
    std::string text = base;
    text.replace(text.find("STUDY"), 5, study);
    return text;
}

Experiment parseOrFail(const std::string& text) {
    auto r = parseExperiment(text);
    if (!r.experiment)
        qFatal("%s", r.messages("test").c_str());
    return *r.experiment;
}

double optimizerLr(const Experiment& e, std::size_t run) {
    return e.runs.at(run).optimizer.params.real("lr");
}

QString readText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// A CSV without its last column (the wall time, the one thing that differs between runs).
QString withoutLastColumn(const QString& csv) {
    QStringList out;
    for (const QString& line : csv.split('\n', Qt::SkipEmptyParts))
        out << line.left(line.lastIndexOf(','));
    return out.join('\n');
}

struct RunAll {
    std::size_t completed = 0;
    std::vector<std::optional<JobRecord>> records;
};

RunAll runJobs(const StudyPlan& plan, const QString& dir, const std::vector<std::size_t>& jobs,
               int threads, TraceMode traces = TraceMode::Thin) {
    StudyFolder folder(dir.toStdString());
    std::string error;
    if (!folder.claim(plan, &error))
        qFatal("%s", error.c_str());
    StudyRunOptions options;
    options.threads = threads;
    options.job.traces = traces;
    RunControl control;
    const StudyRunOutcome outcome = runStudyJobs(plan, folder, jobs, options, control, nullptr, {});
    if (!outcome.failures.empty())
        qFatal("%s", outcome.failures.front().message.c_str());
    RunAll r;
    r.completed = outcome.completed;
    r.records = folder.scan(plan, nullptr);
    return r;
}

std::vector<std::size_t> allJobs(const StudyPlan& plan) {
    std::vector<std::size_t> v(plan.jobCount());
    std::iota(v.begin(), v.end(), std::size_t(0));
    return v;
}

} // namespace

class TestStudy : public QObject {
    Q_OBJECT
private slots:
    void cellsJobsAndSeeds();
    void rangesGiveExactValues();
    void badStudies_data();
    void badStudies();
    void roundTrip();
    void sampleStatisticsByHand();
    void pairedTestByHand();
    void tablesByHand();
    void jobFilesAndMetrics();
    void threadsShardsAndResumeAgree();
    void folderBelongsToOneStudy();
    void corruptSummaryRunsAgain();
    void traceCutShortRunsAgain();
    void networkJobHasTestMetrics();
};

// Cells are the cross product (last key fastest); jobs go cell, run (twin after it), repeat; a
// job's experiment has its cell's values in every run and its repeat's seeds.
void TestStudy::cellsJobsAndSeeds() {
    const Experiment e = parseOrFail(withStudy(
        R"({"repeats": 3, "grid": {"optimizer.lr": [0.1, 0.01], "schedule.decay_rate": [0.9, 0.5, 0.2]}})"));
    const StudyPlan plan(e);
    QCOMPARE(plan.cellCount(), std::size_t(6));
    QCOMPARE(plan.instances().size(), std::size_t(3)); // Adam, Adam (no decay), SGD
    QCOMPARE(plan.jobCount(), std::size_t(6 * 3 * 3));
    QCOMPARE(cellValueIndices(plan.study(), 4), (std::vector<std::size_t>{1, 1}));
    QCOMPARE(plan.cellValues(4), (std::vector<std::string>{"0.01", "0.5"}));
    QCOMPARE(plan.cellName(4), std::string("c0004"));
    const StudyJob job = plan.job(4 * 9 + 1 * 3 + 2);
    QCOMPARE(job.cell, std::size_t(4));
    QCOMPARE(job.instance, std::size_t(1));
    QCOMPARE(job.repeat, 2);
    QCOMPARE(plan.jobIndex(4, 1, 2), job.index);
    QCOMPARE(plan.jobFolder(job), std::string("jobs/c0004/adam-no-decay/r2"));
    const Experiment je = plan.jobExperiment(job);
    QVERIFY(!je.study);
    QCOMPARE(optimizerLr(je, 0), 0.01);
    QCOMPARE(optimizerLr(je, 1), 0.01); // every run
    QCOMPARE(je.runs[0].schedule->params.real("decay_rate"), 0.5);
    QVERIFY(!je.runs[1].schedule); // the SGD run has none: the key does not apply to it
    QCOMPARE(je.function.noise->seed, std::uint64_t(5 + 2));
    // Network problems: the problem's seed and a generated data set's seed move together.
    Experiment n;
    n.problemType = Experiment::ProblemType::Network;
    n.network.seed = 10;
    n.network.dataset.name = "moons";
    n.network.dataset.seed = 20;
    const Experiment n2 = withRepeatSeeds(n, 4);
    QCOMPARE(n2.network.seed, std::uint64_t(14));
    QCOMPARE(n2.network.dataset.seed, std::uint64_t(24));
    n.network.dataset.name = "digits";
    QCOMPARE(withRepeatSeeds(n, 4).network.dataset.seed, std::uint64_t(20));
    // Problem keys: a start coordinate.
    const Experiment s = parseOrFail(
        withStudy(R"({"grid": {"problem.start[0]": [0.5, 1.5], "problem.noise.std": [0, 2]}})"));
    const Experiment c3 =
        StudyPlan(s).jobExperiment(StudyPlan(s).job(StudyPlan(s).jobIndex(3, 0, 0)));
    QCOMPARE(c3.function.start.x(), 1.5);
    QCOMPARE(c3.function.start.y(), 2.0);
    QCOMPARE(c3.function.noise->stddev, 2.0);
}

void TestStudy::rangesGiveExactValues() {
    const Experiment e = parseOrFail(withStudy(R"({"grid": {
        "optimizer.lr": {"from": 0.0001, "to": 0.1, "num": 4, "scale": "log"},
        "schedule.decay_rate": {"from": 0.1, "to": 0.9, "num": 5},
        "schedule.decay_steps": {"from": 8, "to": 256, "num": 6, "scale": "log"}}})"));
    const auto& g = e.study->grid;
    auto values = [](const GridAxis& a) {
        std::vector<double> v;
        for (const auto& x : a.values)
            v.push_back(std::get<double>(x));
        return v;
    };
    QCOMPARE(values(g[0]), (std::vector<double>{0.0001, 0.001, 0.01, 0.1}));
    QCOMPARE(values(g[1]), (std::vector<double>{0.1, 0.3, 0.5, 0.7, 0.9}));
    QCOMPARE(values(g[2]), (std::vector<double>{8, 16, 32, 64, 128, 256}));
    QVERIFY(g[0].logSpaced() && !g[1].logSpaced() && g[2].logSpaced());
    QVERIFY(g[0].numeric());
    // A list that happens to be log-spaced counts as such (for the heatmap's axes).
    GridAxis listed;
    listed.key = "optimizer.lr";
    listed.values = {ParamValue(1e-4), ParamValue(1e-3), ParamValue(1e-2)};
    QVERIFY(listed.logSpaced());
    listed.values = {ParamValue(1.0), ParamValue(2.0), ParamValue(3.0)};
    QVERIFY(!listed.logSpaced());
}

void TestStudy::badStudies_data() {
    QTest::addColumn<QString>("study");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("repeats 0") << R"({"repeats": 0})"
                               << "study.repeats"
                               << "must be in [1, 1000], got 0";
    QTest::newRow("repeats 1001") << R"({"repeats": 1001})"
                                  << "study.repeats"
                                  << "must be in [1, 1000], got 1001";
    QTest::newRow("unknown key") << R"({"repeat": 3})"
                                 << "study.repeat"
                                 << "unknown key";
    QTest::newRow("unknown root") << R"({"grid": {"runs.lr": [1]}})"
                                  << "study.grid.runs.lr"
                                  << "must start with optimizer., schedule. or problem.";
    QTest::newRow("malformed path") << R"({"grid": {"optimizer..lr": [1]}})"
                                    << "study.grid.optimizer..lr"
                                    << "is not a path";
    QTest::newRow("type") << R"({"grid": {"optimizer.type": ["sgd"]}})"
                          << "study.grid.optimizer.type"
                          << "cannot vary in a grid";
    QTest::newRow("empty list") << R"({"grid": {"optimizer.lr": []}})"
                                << "study.grid.optimizer.lr"
                                << "must hold at least one value";
    QTest::newRow("num 0") << R"({"grid": {"optimizer.lr": {"from": 1, "to": 2, "num": 0}}})"
                           << "study.grid.optimizer.lr.num"
                           << "got 0";
    QTest::newRow("log from 0")
        << R"({"grid": {"optimizer.lr": {"from": 0, "to": 1, "num": 3, "scale": "log"}}})"
        << "study.grid.optimizer.lr"
        << "a log scale needs from and to above 0";
    QTest::newRow("scale")
        << R"({"grid": {"optimizer.lr": {"from": 1, "to": 2, "num": 2, "scale": "cubic"}}})"
        << "study.grid.optimizer.lr.scale"
        << "must be linear or log";
    QTest::newRow("over a million jobs")
        << R"({"grid": {"optimizer.lr": {"from": 0.001, "to": 1, "num": 1000}, "schedule.decay_rate": {"from": 0.1, "to": 0.9, "num": 1000}}})"
        << "study"
        << "gives 3000000 jobs";
    QTest::newRow("value out of range")
        << R"({"grid": {"optimizer.betas[1]": [0.99, 1.2]}})"
        << "study.grid.optimizer.betas[1][1]"
        << "must be in [0, 1), got 1.2 (at runs[0].optimizer.betas[1])";
    QTest::newRow("negative lr") << R"({"grid": {"optimizer.lr": [0.1, -1]}})"
                                 << "study.grid.optimizer.lr[1]"
                                 << "got -1";
    QTest::newRow("parameter no optimizer has") << R"({"grid": {"optimizer.nesterow": [true]}})"
                                                << "study.grid.optimizer.nesterow"
                                                << "no run's optimizer has a parameter nesterow";
    QTest::newRow("value of the wrong kind")
        << R"({"grid": {"optimizer.nesterov": [true, 2]}})"
        << "study.grid.optimizer.nesterov[1]"
        << "must be true or false, got 2 (at runs[1].optimizer.nesterov)";
    QTest::newRow("index past the end") << R"({"grid": {"problem.start[2]": [1]}})"
                                        << "study.grid.problem.start[2]"
                                        << "has no element [2]";
    QTest::newRow("steps of a wrong kind") << R"({"grid": {"steps": [100, 0.5]}})"
                                           << "study.grid.steps[1]"
                                           << "must be a whole number";
    QTest::newRow("key inside another")
        << R"({"grid": {"optimizer.betas": [[0.9, 0.99]], "optimizer.betas[0]": [0.8]}})"
        << "study.grid.optimizer.betas[0]"
        << "lies inside study.grid.optimizer.betas";
    QTest::newRow("metric") << R"({"metric": "test_acc"})"
                            << "study.metric"
                            << "must be one of tail_loss, final_loss";
    QTest::newRow("not an object") << R"([1, 2])"
                                   << "study"
                                   << "must be an object";
}

// Every bad study is refused before anything runs, naming study.<field> and the reason.
void TestStudy::badStudies() {
    QFETCH(QString, study);
    QFETCH(QString, path);
    QFETCH(QString, reason);
    const auto r = parseExperiment(withStudy(study.toStdString()));
    QVERIFY(!r.ok());
    const QString all = QString::fromStdString(r.messages("exp.json"));
    QVERIFY2(all.contains("exp.json: " + path + ": ") && all.contains(reason), qPrintable(all));
    // A key that no run has: the SGD-only experiment has no schedule at all.
    const char* noSchedule = R"({"problem": {"type": "function", "function": "booth"}, "steps": 10,
        "runs": [{"name": "SGD", "optimizer": {"type": "sgd"}}],
        "study": {"grid": {"schedule.decay_rate": [0.5]}}})";
    const auto s = parseExperiment(noSchedule);
    QVERIFY(QString::fromStdString(s.messages("x"))
                .contains("x: study.grid.schedule.decay_rate: no run has a schedule"));
    // Two values valid alone but not together: test_split + validation_split over 0.9.
    const char* network = R"({"problem": {"type": "network", "dataset": {"name": "moons"},
        "validation_split": 0.5, "test_split": 0.1},
        "runs": [{"name": "Adam", "optimizer": {"type": "adam"}}],
        "study": {"grid": {"problem.validation_split": [0.5, 0.7], "problem.test_split": [0.1, 0.3]}}})";
    const auto n = parseExperiment(network);
    const QString nm = QString::fromStdString(n.messages("x"));
    QVERIFY2(nm.contains("x: study.grid: cell c0003 (problem.validation_split=0.7, "
                         "problem.test_split=0.3): problem.test_split: plus validation_split"),
             qPrintable(nm));
    QVERIFY(!nm.contains("c0000"));
}

void TestStudy::roundTrip() {
    const Experiment e = parseOrFail(withStudy(R"({"repeats": 4, "metric": "final_loss", "grid": {
        "schedule.decay_rate": {"from": 0.2, "to": 0.8, "num": 4},
        "optimizer.amsgrad": [false, true],
        "optimizer.betas": [[0.9, 0.999], [0.5, 0.99]]}})"));
    const std::string text = experimentToJson(e);
    const Experiment back = parseOrFail(text);
    QVERIFY(back == e);
    QCOMPARE(back.study->grid[0].key, std::string("schedule.decay_rate")); // file order kept
    QCOMPARE(experimentToJson(back), text);
    QCOMPARE(orderedStudyMetrics(e), (std::vector<std::string>{"final_loss", "tail_loss"}));
}

// describeSample against values worked out by hand: {1, 2, 3, 4}: mean 2.5, s = √(5/3),
// t(0.975, 3) = 3.182446305284263, half-width t·s/√4.
void TestStudy::sampleStatisticsByHand() {
    const SampleStats s = describeSample({1, 2, NAN, 3, 4});
    QCOMPARE(s.n, 4);
    QCOMPARE(s.mean, 2.5);
    QVERIFY(std::fabs(s.std - std::sqrt(5.0 / 3.0)) < 1e-15);
    const double half = 3.182446305284263 * std::sqrt(5.0 / 3.0) / 2.0;
    QVERIFY(std::fabs(s.ciLow - (2.5 - half)) < 1e-12);
    QVERIFY(std::fabs(s.ciHigh - (2.5 + half)) < 1e-12);
    // Critical values from tables: dof 1 → 12.706204736, dof 2 → 4.302652730, dof 30 → 2.042272456.
    QVERIFY(std::fabs(studentTCritical(0.95, 1) - 12.706204736174705) < 1e-9);
    QVERIFY(std::fabs(studentTCritical(0.95, 2) - 4.302652729749464) < 1e-9);
    QVERIFY(std::fabs(studentTCritical(0.95, 30) - 2.042272456301238) < 1e-9);
    const SampleStats one = describeSample({7});
    QCOMPARE(one.n, 1);
    QCOMPARE(one.mean, 7.0);
    QVERIFY(std::isnan(one.std) && std::isnan(one.ciLow) && std::isnan(one.ciHigh));
    QCOMPARE(describeSample({}).n, 0);
}

// The paired t-test against closed forms: with 2 degrees of freedom the two-sided p-value is
// 1 − |t|/√(2 + t²); with 1 it is 1 − (2/π)·atan|t|.
void TestStudy::pairedTestByHand() {
    // a − b = {1, 2, 3}: mean 2, s = 1, t = 2/(1/√3) = 2√3.
    const PairedTest t3 = pairedTTest({11, 22, 33, NAN}, {10, 20, 30, 5});
    QCOMPARE(t3.difference.n, 3);
    QCOMPARE(t3.difference.mean, 2.0);
    const double t = 2.0 * std::sqrt(3.0);
    QVERIFY(std::fabs(t3.pValue - (1.0 - t / std::sqrt(2.0 + t * t))) < 1e-12);
    QVERIFY(std::fabs(t3.difference.ciLow - (2.0 - 4.302652729749464 / std::sqrt(3.0))) < 1e-9);
    // a − b = {1, 3}: mean 2, s = √2, t = 2/(√2/√2) = 2.
    const PairedTest t2 = pairedTTest({1, 3}, {0, 0});
    QVERIFY(std::fabs(t2.pValue - (1.0 - 2.0 / std::numbers::pi * std::atan(2.0))) < 1e-12);
    // Identical differences: no p-value (the test is undefined), as SPEC §6 says.
    const PairedTest same = pairedTTest({2, 3, 4}, {1, 2, 3});
    QCOMPARE(same.difference.mean, 1.0);
    QVERIFY(std::isnan(same.pValue));
    QVERIFY(std::isnan(pairedTTest({1}, {0}).pValue));
}

// summary.csv and comparisons.csv from records whose numbers are worked out by hand.
void TestStudy::tablesByHand() {
    const Experiment e =
        parseOrFail(withStudy(R"({"repeats": 2, "grid": {"optimizer.lr": [0.1, 0.2]}})"));
    const StudyPlan plan(e);
    std::vector<std::optional<JobRecord>> records(plan.jobCount());
    auto put = [&](std::size_t cell, std::size_t inst, int rep, double tail, double final,
                   bool diverged = false) {
        JobRecord r;
        r.job = plan.job(plan.jobIndex(cell, inst, rep));
        r.metrics = {tail, final}; // tail_loss, final_loss
        r.steps = 400;
        r.diverged = diverged;
        r.wallSeconds = 0.5;
        records[r.job.index] = r;
    };
    put(0, 0, 0, 1.0, 2.0);
    put(0, 0, 1, 3.0, 4.0);
    put(0, 1, 0, 2.0, 2.0);
    put(0, 1, 1, 2.0, 5.0);
    put(0, 2, 0, NAN, NAN, true); // SGD diverged in repeat 0
    put(0, 2, 1, 9.0, 9.0);
    // cell 1 not done yet
    const StudyResults res = summarizeStudy(plan, records);
    QCOMPARE(res.complete, std::size_t(6));
    const QStringList lines = QString::fromStdString(summaryCsv(plan, res)).split('\n');
    QCOMPARE(lines[0], QString("cell,optimizer.lr,run,n,tail_loss_mean,tail_loss_std,"
                               "tail_loss_ci95_lo,tail_loss_ci95_hi,final_loss_mean,final_loss_std,"
                               "final_loss_ci95_lo,final_loss_ci95_hi,diverged"));
    // Adam: tail {1, 3}: mean 2, s = √2, half = 12.706…·√2/√2; final {2, 4}: same spread.
    const double h = studentTCritical(0.95, 1);
    QCOMPARE(lines[1],
             QString::fromStdString("c0000,0.1,Adam,2,2," + formatDouble(std::sqrt(2.0)) + "," +
                                    formatDouble(2 - h) + "," + formatDouble(2 + h) + ",3," +
                                    formatDouble(std::sqrt(2.0)) + "," + formatDouble(3 - h) + "," +
                                    formatDouble(3 + h) + ",0"));
    QCOMPARE(lines[3], QString("c0000,0.1,SGD,1,9,,,,9,,,,1"));
    QCOMPARE(lines[4], QString("c0001,0.2,Adam,0,,,,,,,,,0"));
    // Adam − twin: tail {−1, 1}: mean 0, s = √2, p = 1; final {0, −1}: mean −0.5.
    const QStringList cmp = QString::fromStdString(comparisonsCsv(plan, res)).split('\n');
    QCOMPARE(cmp[0], QString("cell,optimizer.lr,run,metric,n,mean_diff,ci95_lo,ci95_hi,p_value"));
    QCOMPARE(cmp[1], QString::fromStdString("c0000,0.1,Adam,tail_loss,2,0," + formatDouble(-h) +
                                            "," + formatDouble(h) + ",1"));
    QVERIFY(cmp[2].startsWith("c0000,0.1,Adam,final_loss,2,-0.5,"));
    const QStringList study = QString::fromStdString(studyCsv(plan, records)).split('\n');
    QCOMPARE(study[0],
             QString("cell,optimizer.lr,run,repeat,tail_loss,final_loss,steps,diverged,wall_s"));
    QCOMPARE(study[5], QString("c0000,0.1,SGD,0,,,400,true,0.5"));
    const QString md = QString::fromStdString(summaryMarkdown(plan, res));
    QVERIFY(md.contains("| c0000 | 0.1 | Adam | 2 | 2 ± 13 | 3 ± 13 | 0 |"));
    QVERIFY(md.contains("## With decay minus without"));
}

// A job writes its trace (thinned to ≤ 1000 rows with the last row kept) and summary.json,
// which reads back as the same record; tail_loss is the mean of the last 10 % of the full trace.
void TestStudy::jobFilesAndMetrics() {
    const Experiment e = parseOrFail(withStudy(R"({"repeats": 1})"));
    Experiment longer = e;
    longer.steps = 2500;
    const StudyPlan plan(longer);
    QTemporaryDir thin, full;
    const auto a = runJobs(plan, thin.path(), {0}, 1, TraceMode::Thin);
    const auto b = runJobs(plan, full.path(), {0}, 1, TraceMode::Full);
    QVERIFY(a.records[0] && b.records[0]);
    QCOMPARE(a.records[0]->metrics, b.records[0]->metrics); // traces never change a result
    const QStringList thinRows =
        readText(thin.filePath("jobs/c0000/adam/r0/adam.csv")).split('\n', Qt::SkipEmptyParts);
    const QStringList fullRows =
        readText(full.filePath("jobs/c0000/adam/r0/adam.csv")).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(fullRows.size(), 1 + 2501);
    QVERIFY(thinRows.size() <= 1 + 1000 && thinRows.size() > 500); // every 3rd row, and the last
    QCOMPARE(thinRows.last(), fullRows.last());
    QCOMPARE(thinRows[1], fullRows[1]);
    double sum = 0;
    for (int k = 2251; k <= 2500; ++k)
        sum += fullRows[k + 1].section(',', 3, 3).toDouble();
    const double tail = a.records[0]->metrics[0];
    QVERIFY2(std::fabs(tail - sum / 250.0) <= 1e-12 * std::fabs(tail),
             qPrintable(QString::number(tail)));
    QCOMPARE(a.records[0]->metrics[1], fullRows.last().section(',', 3, 3).toDouble());
    std::string error;
    const auto back = readJobRecord(plan, plan.job(0), thin.path().toStdString(), &error);
    QVERIFY2(back, error.c_str());
    QCOMPARE(back->metrics, a.records[0]->metrics);
    QCOMPARE(back->steps, 2500LL);
    // --traces none: only summary.json.
    QTemporaryDir none;
    runJobs(plan, none.path(), {0}, 1, TraceMode::None);
    QCOMPARE(QDir(none.filePath("jobs/c0000/adam/r0")).entryList(QDir::Files),
             QStringList({"summary.json"}));
    // Curves of a configuration: the mean over repeats at each step.
    const ConfigCurves curves = readConfigCurves(plan, 0, 0, full.path().toStdString());
    QCOMPARE(curves.repeats.size(), std::size_t(1));
    const MeanCurve m = curves.mean("loss");
    QCOMPARE(m.x.size(), std::size_t(2501));
    QCOMPARE(m.mean.back(), a.records[0]->metrics[1]);
}

// One thread or two, one session or three shards, all at once or resumed: identical tables.
void TestStudy::threadsShardsAndResumeAgree() {
    const Experiment e = parseOrFail(withStudy(
        R"({"repeats": 3, "grid": {"optimizer.lr": [0.1, 0.01], "schedule.decay_rate": [0.9, 0.3]}})"));
    const StudyPlan plan(e);
    QTemporaryDir one, two, shards, resumed;
    const auto a = runJobs(plan, one.path(), allJobs(plan), 1);
    const auto b = runJobs(plan, two.path(), allJobs(plan), 2);
    for (int k = 1; k <= 3; ++k)
        runJobs(plan, shards.path(), shardJobs(plan.jobCount(), k, 3), 1);
    const std::vector<std::size_t> all = allJobs(plan);
    const std::vector<std::size_t> first(all.begin(), all.begin() + 10);
    runJobs(plan, resumed.path(), first, 2);
    const auto partial = StudyFolder(resumed.path().toStdString()).scan(plan, nullptr);
    std::vector<std::size_t> rest;
    for (std::size_t i = 0; i < partial.size(); ++i)
        if (!partial[i])
            rest.push_back(i);
    QCOMPARE(rest.size(), plan.jobCount() - 10);
    const auto c = runJobs(plan, resumed.path(), rest, 2);
    QCOMPARE(c.completed, plan.jobCount() - 10);
    const QString reference = withoutLastColumn(QString::fromStdString(studyCsv(plan, a.records)));
    for (const QString& dir : {two.path(), shards.path(), resumed.path()}) {
        const auto records = StudyFolder(dir.toStdString()).scan(plan, nullptr);
        QCOMPARE(withoutLastColumn(QString::fromStdString(studyCsv(plan, records))), reference);
        QCOMPARE(summaryCsv(plan, summarizeStudy(plan, records)),
                 summaryCsv(plan, summarizeStudy(plan, a.records)));
    }
    // Shard k of n: the jobs whose index mod n is k − 1.
    QCOMPARE(shardJobs(7, 2, 3), (std::vector<std::size_t>{1, 4}));
}

// A folder holds one study: another study's folder is refused (saying what differs); the same
// study with another title, colours, lead metric or more repeats is accepted.
void TestStudy::folderBelongsToOneStudy() {
    const Experiment e =
        parseOrFail(withStudy(R"({"repeats": 2, "grid": {"optimizer.lr": [0.1, 0.01]}})"));
    QTemporaryDir dir;
    const QString out = dir.filePath("out");
    StudyFolder folder(out.toStdString());
    QCOMPARE(folder.checkOwner(StudyPlan(e)), std::string()); // missing: fine
    runJobs(StudyPlan(e), out, {0, 1}, 1);
    Experiment same = e;
    same.title = "renamed";
    same.runs[0].color = "#123456";
    same.study->repeats = 5;
    same.study->metric = "final_loss";
    QCOMPARE(folder.checkOwner(StudyPlan(same)), std::string());
    Experiment other = e;
    other.runs[0].optimizer.params.set("eps", 1e-6);
    const std::string why = folder.checkOwner(StudyPlan(other));
    QVERIFY2(QString::fromStdString(why).contains("holds the jobs of another study") &&
                 QString::fromStdString(why).contains("\"eps\": 1e-08"),
             why.c_str());
    // Jobs without a study.json: refused too.
    QFile::remove(out + "/study.json");
    QVERIFY(QString::fromStdString(folder.checkOwner(StudyPlan(e))).contains("no study.json"));
    // Not a folder.
    QFile file(dir.filePath("plain"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(QString::fromStdString(
                StudyFolder(dir.filePath("plain").toStdString()).checkOwner(StudyPlan(e)))
                .contains("is not a folder"));
}

// A damaged summary.json is reported by name and its job counts as not done, so it runs again.
void TestStudy::corruptSummaryRunsAgain() {
    const Experiment e = parseOrFail(withStudy(R"({"repeats": 1})"));
    const StudyPlan plan(e);
    QTemporaryDir dir;
    runJobs(plan, dir.path(), allJobs(plan), 2);
    QFile f(dir.filePath("jobs/c0000/sgd/r0/summary.json"));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{\"format\": \"optiscope-study-job\", \"job\":");
    f.close();
    std::vector<std::string> warnings;
    const auto records = StudyFolder(dir.path().toStdString()).scan(plan, &warnings);
    QVERIFY(!records[2] && records[0] && records[1]);
    QCOMPARE(warnings.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(warnings[0])
                 .contains("jobs/c0000/sgd/r0/summary.json: cannot be read"),
             warnings[0].c_str());
    const auto again = runJobs(plan, dir.path(), {2}, 1);
    QVERIFY(again.records[2].has_value());
}

// Job files are committed without a per-file fsync (one syncfs per batch instead), so a power
// cut can leave a summary.json whose trace never reached the disk. The summary records each
// trace's size; a trace of another size (or none) makes the job run again, with a message.
void TestStudy::traceCutShortRunsAgain() {
    const Experiment e = parseOrFail(withStudy(R"({"repeats": 1})"));
    const StudyPlan plan(e);
    QTemporaryDir dir;
    const auto first = runJobs(plan, dir.path(), allJobs(plan), 2);
    const QString trace = dir.filePath("jobs/c0000/adam/r0/adam.csv");
    const QByteArray summary = readText(dir.filePath("jobs/c0000/adam/r0/summary.json")).toUtf8();
    QVERIFY2(summary.contains(QByteArray("\"adam.csv\": ") +
                              QByteArray::number(QFileInfo(trace).size())),
             summary.constData());
    QVERIFY(QFile::resize(trace, 0)); // what a power cut before write-back leaves
    QVERIFY(QFile::remove(dir.filePath("jobs/c0000/sgd/r0/sgd.csv")));
    std::vector<std::string> warnings;
    const auto records = StudyFolder(dir.path().toStdString()).scan(plan, &warnings);
    QVERIFY(!records[0] && records[1] && !records[2]);
    QCOMPARE(warnings.size(), std::size_t(2));
    QVERIFY2(QString::fromStdString(warnings[0]).contains("lists adam.csv with ") &&
                 QString::fromStdString(warnings[0]).contains("but it has 0"),
             warnings[0].c_str());
    QVERIFY2(QString::fromStdString(warnings[1]).contains("lists sgd.csv, which is missing"),
             warnings[1].c_str());
    const auto again = runJobs(plan, dir.path(), {0, 2}, 2);
    QVERIFY(again.records[0] && again.records[2]);
    QCOMPARE(again.records[0]->metrics, first.records[0]->metrics);
    QCOMPARE(again.records[2]->metrics, first.records[2]->metrics);
    QVERIFY(QFileInfo(trace).size() > 0);
}

// A network job reports every metric of its problem, test ones included.
void TestStudy::networkJobHasTestMetrics() {
    const Experiment e = parseOrFail(R"({"title": "digits",
        "problem": {"type": "network", "dataset": {"name": "digits"}, "validation_split": 0.2,
                    "test_split": 0.2, "model": {"hidden": [16], "activation": "relu"},
                    "batch_size": 64, "epochs": 2, "seed": 3},
        "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.01},
                  "schedule": {"type": "reduce_on_plateau", "patience": 0}, "compare_without_schedule": true}],
        "study": {"repeats": 2}})");
    const StudyPlan plan(e);
    QCOMPARE(plan.metrics(), (std::vector<std::string>{"test_acc", "test_loss", "val_acc",
                                                       "val_loss", "train_loss"}));
    QTemporaryDir dir;
    const auto r = runJobs(plan, dir.path(), allJobs(plan), 2);
    QCOMPARE(r.completed, std::size_t(4));
    for (const auto& rec : r.records) {
        QVERIFY(rec.has_value());
        for (double v : rec->metrics)
            QVERIFY(std::isfinite(v));
        QVERIFY(rec->metrics[0] > 0.5 && rec->metrics[0] <= 1.0);
        QCOMPARE(rec->epochs, 2LL);
    }
    // Repeats differ (their seeds do); run and twin of one repeat start from the same network.
    QVERIFY(r.records[0]->metrics != r.records[1]->metrics);
    QVERIFY(QFile::exists(dir.filePath("jobs/c0000/adam-no-decay/r1/adam-no-decay-epochs.csv")));
}

QTEST_GUILESS_MAIN(TestStudy)
#include "tst_study.moc"
