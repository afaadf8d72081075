// Closed-loop agreement with PyTorch on functions, constants, hyper-parameters, start points and
// schedules that the shared reference data does not cover (tests/data/torch_golden.json, made by
// tests/tools/make_torch_golden.py with PyTorch 1.13, float64).
#include "core/experiment/experiment_io.h"
#include "core/run/function_run.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <fstream>

using namespace optiscope;
using Json = nlohmann::json;

namespace {
Json golden() {
    std::ifstream in(OPTISCOPE_SOURCE_DIR "/tests/data/torch_golden.json");
    return Json::parse(in);
}
} // namespace

class TestTorchGolden : public QObject {
    Q_OBJECT
private slots:
    void matchesPyTorch_data() {
        QTest::addColumn<int>("index");
        const Json data = golden();
        QVERIFY(data["cases"].size() >= 10);
        for (size_t i = 0; i < data["cases"].size(); ++i)
            QTest::newRow(data["cases"][i]["experiment"]["title"].get<std::string>().c_str())
                << int(i);
    }
    void matchesPyTorch() {
        QFETCH(int, index);
        const Json c = golden()["cases"][size_t(index)];
        const auto parsed = parseExperiment(c["experiment"].dump());
        QVERIFY2(parsed.ok(), parsed.messages("torch_golden.json").c_str());
        const Experiment& e = *parsed.experiment;
        FunctionRun run(e, expandRuns(e).front());
        const Json& records = c["records"];
        double scale = 1.0;
        for (const auto& r : records)
            scale = std::max({scale, std::fabs(r[0].get<double>()), std::fabs(r[1].get<double>())});
        double worst = 0.0;
        for (size_t k = 0; k < records.size(); ++k) {
            if (k > 0)
                QVERIFY(run.advance());
            QVERIFY(!run.diverged());
            const FunctionStep& s = run.current();
            worst = std::max({worst, std::fabs(s.point.x() - records[k][0].get<double>()) / scale,
                              std::fabs(s.point.y() - records[k][1].get<double>()) / scale});
            const double loss = records[k][2].get<double>();
            QVERIFY2(std::fabs(s.loss - loss) <= 1e-9 * std::max(1.0, std::fabs(loss)),
                     qPrintable(QString("step %1: loss %2 vs torch %3")
                                    .arg(k)
                                    .arg(s.loss, 0, 'g', 17)
                                    .arg(loss, 0, 'g', 17)));
        }
        qInfo("max deviation relative to the trajectory's scale: %.3g", worst);
        QVERIFY2(worst <= 1e-9, qPrintable(QString("max relative deviation %1").arg(worst)));
    }
};

QTEST_GUILESS_MAIN(TestTorchGolden)
#include "tst_torch_golden.moc"
