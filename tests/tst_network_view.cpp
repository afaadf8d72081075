// The main window shows network experiments: it opens the digits preset and renders the network
// charts with data in them, shows sample images, and for a 2-D set draws a decision boundary that
// changes while the network trains, of the run selected in the runs list. Every figure exports to
// PNG/SVG/PDF and the epoch traces to CSV, equal to an uninterrupted run of the core trainer. The
// toolbar and the runs list speak of epochs. A broken data path shows a message naming the file.
#include "core/experiment/experiment_io.h"
#include "core/nn/network_run.h"
#include "core/nn/network_traces.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/function_view.h"
#include "ui/function/run_list_panel.h"
#include "ui/network/network_diagram.h"
#include "ui/network/network_inspector.h"
#include "ui/network/network_preview.h"
#include "ui/network/network_run_controller.h"
#include "ui/network/network_view.h"
#include "ui/plots/line_chart.h"
#include "ui/plots/plot_export.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSet>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <cmath>

using namespace optiscope;

namespace {

int distinctColors(const QImage& image) {
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colors.insert(image.pixel(x, y));
    return int(colors.size());
}

int pointsIn(const ChartSpec& spec) {
    int n = 0;
    for (const auto& s : spec.series)
        for (const QPointF& p : s.points)
            n += std::isfinite(p.y()) ? 1 : 0;
    return n;
}

} // namespace

class TestNetworkView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void opensDigitsPresetWithCharts();
    void boundaryChangesWhileTraining();
    void followsTheSelectedRunAndExports();
    void brokenDataPathIsReported();
    void editorChangesTheProblem();
    void backToAFunctionExperiment();

private:
    QTemporaryDir m_dir;
};

void TestNetworkView::initTestCase() {
    QVERIFY(m_dir.isValid());
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QApplication::setOrganizationName("OptiScopeTest");
    QApplication::setApplicationName("tst_network_view");
}

void TestNetworkView::opensDigitsPresetWithCharts() {
    MainWindow window;
    window.resize(1600, 1000);
    QString error;
    const QString preset =
        QStringLiteral(OPTISCOPE_SOURCE_DIR "/resources/presets/digits-mlp-adam-plateau.json");
    QVERIFY2(window.openFile(preset, &error), qPrintable(error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    NetworkView* view = window.networkView();
    QVERIFY(view->isVisible());
    QVERIFY(!window.functionView()->isVisible());
    QCOMPARE(view->tracks().size(), size_t(2)); // Adam and its no-decay twin
    QTRY_VERIFY_WITH_TIMEOUT(
        view->tracks()[0].epochs.size() >= 4 && view->tracks()[1].epochs.size() >= 4, 60000);
    QTest::qWait(300); // throttled chart refresh

    // Sample images with labels for an image set.
    const NetworkDataPreview& preview = view->preview()->preview();
    QVERIFY(!preview.is2d);
    QVERIFY(preview.images.size() >= 16);
    QCOMPARE(preview.images.first().size(), QSize(8, 8));
    QCOMPARE(preview.classNames.size(), 10);

    const auto charts = view->charts();
    QCOMPARE(charts.size(), size_t(4));
    for (LineChart* chart : charts)
        QVERIFY2(pointsIn(chart->spec()) >= 4, qPrintable(chart->spec().title));
    QVERIFY(!charts[3]->spec().bands.empty());
    QVERIFY(!charts[3]->spec().bands.front().upper.isEmpty());
    auto* tensors = view->findChild<QComboBox*>(QStringLiteral("tensorSelector"));
    QVERIFY(tensors);
    QCOMPARE(tensors->count(), 4); // dense1/dense2 weight and bias
    QCOMPARE(tensors->currentText(), QStringLiteral("dense1.weight"));
    tensors->setCurrentIndex(3);
    QVERIFY(charts[3]->spec().title.contains(QStringLiteral("dense2.bias")));

    const QImage shot = window.grab().toImage();
    QVERIFY(shot.width() >= 1400);
    shot.save(m_dir.filePath("digits.png"));
    QVERIFY2(distinctColors(shot) > 200, qPrintable(QString::number(distinctColors(shot))));
    // The charts themselves are drawn (not blank).
    const QImage chart = charts[0]->grab().toImage();
    QVERIFY(distinctColors(chart) > 20);
}

void TestNetworkView::boundaryChangesWhileTraining() {
    const QString path = m_dir.filePath("spirals.json");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "optiscope-experiment", "version": 1,
          "problem": {"type": "network",
            "dataset": {"name": "spirals", "samples": 400, "noise": 0.05, "seed": 2},
            "validation_split": 0.2,
            "model": {"architecture": "mlp", "hidden": [16, 8], "activation": "tanh",
                      "features": ["x2", "xy"]},
            "loss": "cross_entropy", "batch_size": 16, "epochs": 150, "seed": 1},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.02}}]})");
    }
    MainWindow window;
    window.resize(1366, 768);
    NetworkPreview* preview = window.networkView()->preview();
    QImage first;
    long long firstEpoch = -1;
    connect(window.networkView(), &NetworkView::boundaryShown, this,
            [&](const QImage& image, long long epoch) {
                if (firstEpoch < 0) {
                    first = image;
                    firstEpoch = epoch;
                }
            });
    QString error;
    QVERIFY2(window.openFile(path, &error), qPrintable(error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(firstEpoch >= 0, 20000);
    QCOMPARE(firstEpoch, 0LL); // the untrained network's boundary comes first
    QVERIFY(preview->preview().is2d);
    QTRY_VERIFY_WITH_TIMEOUT(window.networkView()->allFinished(), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(preview->boundaryEpoch(), 150LL, 5000);
    const QImage last = preview->boundary();
    QCOMPARE(last.size(), first.size());
    int changed = 0;
    for (int y = 0; y < last.height(); ++y)
        for (int x = 0; x < last.width(); ++x)
            changed += first.pixel(x, y) != last.pixel(x, y) ? 1 : 0;
    // The boundary moved over a good part of the plane.
    QVERIFY2(changed > last.width() * last.height() / 10, qPrintable(QString::number(changed)));
    // The spirals are separated.
    QVERIFY(window.networkView()->tracks()[0].epochs.back().trainAccuracy > 0.9);
    const QImage shot = preview->grab().toImage();
    shot.save(m_dir.filePath("spirals.png"));
    QVERIFY(distinctColors(shot) > 50);

    // The diagram: x, y and the two extra features, 16 and 8 hidden units, 2 outputs; a weight
    // matrix between each pair of layers; drawn.
    // The worker sends the diagram after the boundary it is drawn from, so it may arrive later.
    QTRY_COMPARE_WITH_TIMEOUT(window.networkView()->diagram()->diagram().epoch, 150LL, 10000);
    const NetworkDiagramData& d = window.networkView()->diagram()->diagram();
    QCOMPARE(d.units.size(), size_t(4));
    QCOMPARE(d.units[0].size(), size_t(4));
    QCOMPARE(d.units[1].size(), size_t(16));
    QCOMPARE(d.units[2].size(), size_t(8));
    QCOMPARE(d.units[3].size(), size_t(2));
    QCOMPARE(d.weights.size(), size_t(3));
    QCOMPARE(d.weights[0].size(), size_t(16 * 4));
    QCOMPARE(d.weights[1].size(), size_t(8 * 16));
    QCOMPARE(d.weights[2].size(), size_t(2 * 8));
    // Output units show complementary class probabilities: where one is sure, the other is not.
    const QImage p0 = d.units[3][0], p1 = d.units[3][1];
    QCOMPARE(p0.size(), QSize(NetworkWorker::diagramGrid, NetworkWorker::diagramGrid));
    QVERIFY(p0 != p1);
    window.networkView()->diagram()->resize(500, 400);
    const QImage diagramShot = window.networkView()->diagram()->grab().toImage();
    diagramShot.save(m_dir.filePath("diagram.png"));
    QVERIFY(distinctColors(diagramShot) > 50);
}

void TestNetworkView::followsTheSelectedRunAndExports() {
    const QString path = m_dir.filePath("two-runs.json");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "optiscope-experiment", "version": 1,
          "problem": {"type": "network",
            "dataset": {"name": "moons", "samples": 300, "noise": 0.1, "seed": 3},
            "validation_split": 0.2,
            "model": {"architecture": "mlp", "hidden": [8], "activation": "tanh"},
            "loss": "cross_entropy", "batch_size": 16, "epochs": 40, "seed": 4},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.01},
                    "schedule": {"type": "exponential", "gamma": 0.9, "per": "epoch"},
                    "compare_without_schedule": true},
                   {"name": "SGD", "optimizer": {"type": "sgd", "lr": 0.5}}]})");
    }
    MainWindow window;
    window.resize(1366, 768);
    QString error;
    QVERIFY2(window.openFile(path, &error), qPrintable(error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    NetworkView* view = window.networkView();
    QCOMPARE(view->tracks().size(), size_t(3)); // Adam, its no-decay twin, SGD
    QTRY_VERIFY_WITH_TIMEOUT(view->allFinished(), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(view->preview()->boundaryEpoch(), 40LL, 10000);
    QCOMPARE(view->followedTrack(), 0);
    QVERIFY2(view->preview()->boundaryCaption().contains(QStringLiteral("Adam after epoch 40")),
             qPrintable(view->preview()->boundaryCaption()));
    const QImage adamBoundary = view->preview()->boundary();

    // The toolbar counts epochs, the runs list shows each run's epoch status.
    bool epochsShown = false;
    for (QLabel* label : window.findChildren<QLabel*>())
        epochsShown = epochsShown || label->text().contains(QStringLiteral("epoch 40 / 40"));
    QVERIFY(epochsShown);
    auto* runList = window.findChild<RunListPanel*>();
    QVERIFY(runList);
    auto* tree = runList->findChild<QTreeWidget*>();
    QVERIFY(tree);
    QTRY_VERIFY(tree->topLevelItem(1) &&
                tree->topLevelItem(1)->text(1).startsWith(QStringLiteral("epoch 40")));
    QVERIFY(tree->topLevelItem(0)->childCount() == 1);
    QVERIFY(tree->topLevelItem(0)->child(0)->text(1).contains(QStringLiteral("done")));

    // Selecting SGD draws its boundary instead (paused and finished: at once).
    runList->select(1, false);
    QCOMPARE(view->followedTrack(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(
        view->preview()->boundaryCaption().contains(QStringLiteral("SGD after epoch 40")), 10000);
    QVERIFY(view->preview()->boundary() != adamBoundary);
    // The status survives the list's rebuild on selection.
    QVERIFY(tree->topLevelItem(1)->text(1).startsWith(QStringLiteral("epoch 40")));

    // The inspector shows the selected run's last epoch: SGD gives every parameter η.
    NetworkInspector* inspector = window.networkInspector();
    QVERIFY(inspector->summaryText().contains(QStringLiteral("<b>SGD</b> · epoch 40 of 40")));
    QTableWidget* table = inspector->table();
    const size_t tensors = view->tracks()[2].epochs.back().effLr.size();
    QVERIFY(tensors >= 4);
    QCOMPARE(table->rowCount(), int(tensors));
    for (int row = 0; row < table->rowCount(); ++row) {
        QCOMPARE(table->item(row, 1)->text(), QStringLiteral("0.5"));
        QCOMPARE(table->item(row, 3)->text(), QStringLiteral("0.5"));
    }
    QVERIFY(table->isColumnHidden(4)); // no twin
    // Adam's parameters each have their own lr, and its no-decay twin is beside it; an earlier
    // epoch can be picked.
    runList->select(0, false);
    QVERIFY(inspector->summaryText().contains(QStringLiteral("<b>Adam</b> · epoch 40")));
    QVERIFY(!table->isColumnHidden(4));
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("dense1.weight"));
    QVERIFY(table->item(0, 1)->text() != table->item(0, 3)->text());
    const auto& adam = view->tracks()[0].epochs;
    QCOMPARE(table->item(0, 2)->text(), QString::number(adam.back().effLr[0].p50, 'g', 4));
    QCOMPARE(table->item(0, 4)->text(),
             QString::number(view->tracks()[1].epochs.back().effLr[0].p50, 'g', 4));
    const QStringList copied = inspector->tableText().split(QLatin1Char('\n'));
    QCOMPARE(copied[0], QStringLiteral("tensor\tp05\tp50\tp95\tp50 no decay"));
    QVERIFY(copied[1].startsWith(QStringLiteral("dense1.weight\t")));
    inspector->showEpoch(5);
    QVERIFY(inspector->summaryText().contains(QStringLiteral("epoch 5 of 40")));
    QCOMPARE(table->item(0, 2)->text(), QString::number(adam[5].effLr[0].p50, 'g', 4));

    // Accuracy never goes past 100 %.
    QCOMPARE(view->charts()[1]->spec().yMax, 100.0);

    // Every figure exports, in every format, and is drawn.
    QTest::qWait(300); // throttled chart refresh
    const auto figures = view->figures();
    QStringList stems;
    for (const Figure& f : figures)
        stems << f.stem;
    QCOMPARE(stems,
             QStringList({"data", "network", "loss", "accuracy", "lr", "eff_lr_tensor", "eff_lr"}));
    ExportOptions options;
    options.size = QSize(800, 500);
    options.dpi = 96;
    for (const Figure& f : figures) {
        const QString png = m_dir.filePath(f.stem + ".png");
        QVERIFY2(exportPlot(f.paint, png, ImageFormat::Png, options, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(800, 500));
        QVERIFY2(distinctColors(image) > 20, qPrintable(f.stem));
        const QString svg = m_dir.filePath(f.stem + ".svg");
        QVERIFY2(exportPlot(f.paint, svg, ImageFormat::Svg, options, &error), qPrintable(error));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
    }
    const QString pdf = m_dir.filePath("accuracy.pdf");
    QVERIFY(exportPlot(figures[3].paint, pdf, ImageFormat::Pdf, options, &error));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    QVERIFY(pdfFile.readAll().startsWith("%PDF"));

    // The epoch traces equal those of the core trainer run without interruption.
    const QString traces = m_dir.filePath("traces");
    QVERIFY(QDir().mkpath(traces));
    QStringList written;
    QVERIFY2(view->writeEpochTraces(traces, &written, &error), qPrintable(error));
    QCOMPARE(written.size(), 3);
    const ExperimentParseResult parsed = loadExperiment(path.toStdString());
    QVERIFY(parsed.ok());
    const Experiment& e = *parsed.experiment;
    nn::DataLocations where;
    where.baseDir = m_dir.path().toStdString();
    const auto data = nn::prepareNetworkData(e.network, where);
    const auto instances = expandRuns(e);
    for (size_t i = 0; i < instances.size(); ++i) {
        auto trainer = nn::makeNetworkTrainer(e, instances[i], data);
        std::vector<std::string> tensors;
        for (const auto& t : trainer->network().tensors())
            tensors.push_back(t.name);
        std::string expected = nn::epochTraceHeader(tensors);
        trainer->onEpoch = [&](const nn::EpochRecord& r) {
            expected += nn::epochTraceRow(r, tensors.size());
        };
        trainer->run();
        QFile f(QDir(traces).filePath(QString::fromStdString(instances[i].slug) + "-epochs.csv"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QByteArray got = f.readAll();
        QCOMPARE(got.count('\n'), 1 + 41); // header, epoch 0 and 40 epochs
        QCOMPARE(got.toStdString(), expected);
    }
}

void TestNetworkView::brokenDataPathIsReported() {
    const QString path = m_dir.filePath("mnist.json");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "optiscope-experiment", "version": 1,
          "problem": {"type": "network", "dataset": {"name": "mnist", "path": "missing-mnist"},
            "model": {"architecture": "mlp", "hidden": [32]}, "epochs": 2},
          "runs": [{"name": "Adam", "optimizer": {"type": "adam", "lr": 0.001}}]})");
    }
    MainWindow window;
    QString error;
    QVERIFY2(window.openFile(path, &error), qPrintable(error)); // the file itself is valid
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.networkView()->errorText().isEmpty(), 10000);
    QVERIFY2(window.networkView()->errorText().contains(QStringLiteral("missing-mnist")),
             qPrintable(window.networkView()->errorText()));
    // Nothing plays; the runs list says why.
    QVERIFY(!window.networkController()->isPlaying());
    QVERIFY(window.networkView()->tracks()[0].statusText().contains(QStringLiteral("not started")));
    // Another data set in the editor: it trains, playing again.
    auto* dataset = window.networkView()->findChild<QComboBox*>(QStringLiteral("networkDataset"));
    QVERIFY(dataset);
    dataset->setCurrentText(QStringLiteral("circles"));
    QVERIFY(window.networkController()->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(window.networkView()->allFinished(), 30000);
    QVERIFY(window.networkView()->errorText().isEmpty());
    QCOMPARE(window.networkView()->tracks()[0].epochs.back().epoch, 2LL);
}

void TestNetworkView::editorChangesTheProblem() {
    MainWindow window;
    QString error;
    QVERIFY(window.openFile(
        QStringLiteral(OPTISCOPE_SOURCE_DIR "/resources/presets/digits-mlp-adam-plateau.json"),
        &error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    NetworkView* view = window.networkView();
    QTRY_VERIFY_WITH_TIMEOUT(!view->tracks()[0].epochs.empty(), 30000);
    // Pick "circles" in the editor: the experiment changes and training restarts on 2-D points.
    auto* dataset = view->findChild<QComboBox*>(QStringLiteral("networkDataset"));
    QVERIFY(dataset);
    dataset->setCurrentText(QStringLiteral("circles"));
    QCOMPARE(window.controller()->experiment().network.dataset.name, std::string("circles"));
    QCOMPARE(window.controller()->experiment().runs.size(), size_t(1)); // runs kept
    QTRY_VERIFY_WITH_TIMEOUT(view->preview()->preview().is2d, 10000);
    QCOMPARE(view->preview()->preview().datasetName, QStringLiteral("circles"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->tracks()[0].epochs.empty(), 30000);
    // 2 inputs, 64 hidden, 2 classes now.
    QTRY_VERIFY_WITH_TIMEOUT(!view->diagram()->diagram().units.empty(), 10000);
    QCOMPARE(view->diagram()->diagram().units.front().size(), size_t(2));
    QCOMPARE(view->diagram()->diagram().units.back().size(), size_t(2));
    // Reset restarts training from epoch 0.
    QTRY_VERIFY_WITH_TIMEOUT(view->tracks()[0].epochs.size() >= 3, 30000);
    window.networkController()->reset();
    QVERIFY(view->tracks()[0].epochs.size() < 3);
}

void TestNetworkView::backToAFunctionExperiment() {
    MainWindow window;
    QString error;
    QVERIFY(window.openFile(
        QStringLiteral(OPTISCOPE_SOURCE_DIR "/resources/presets/digits-mlp-adam-plateau.json"),
        &error));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(!window.networkView()->tracks()[0].epochs.empty(), 30000);
    window.setExperiment(Experiment::defaultExperiment(), QString());
    QVERIFY(window.functionView()->isVisible());
    QVERIFY(!window.networkView()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(window.networkController()->allFinished(), 30000);
}

QTEST_MAIN(TestNetworkView)
#include "tst_network_view.moc"
