// Every plot exports as a valid, non-blank PNG, an SVG document and a PDF, written atomically.
#include "ui/plot_builders.h"
#include "ui/plots/plot_export.h"
#include "ui/run_recorder.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace optiscope;

Q_DECLARE_METATYPE(optiscope::PlotKind)
Q_DECLARE_METATYPE(optiscope::ImageFormat)

namespace {

int distinctColors(const QImage& image) {
    QSet<QRgb> colors;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colors.insert(image.pixel(x, y));
    return int(colors.size());
}

} // namespace

class TestPlotExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void exportsEachPlot_data();
    void exportsEachPlot();
    void pngSizeAndDpi();
    void failedExportLeavesNoFile();
    void tracesCsv();

private:
    Experiment m_experiment;
    std::vector<RunTrack> m_tracks;
    QTemporaryDir m_dir;
};

void TestPlotExport::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_experiment = Experiment::defaultExperiment();
    m_experiment.steps = 400;
    m_tracks = recordExperiment(m_experiment);
    QCOMPARE(m_tracks.size(), size_t(2));
    QCOMPARE(m_tracks[0].samples.size(), size_t(401));
}

void TestPlotExport::exportsEachPlot_data() {
    QTest::addColumn<PlotKind>("kind");
    QTest::addColumn<ImageFormat>("format");
    for (PlotKind kind : allPlotKinds())
        for (ImageFormat format : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf}) {
            const QString row = plotKindName(kind) + "." + imageFormatSuffix(format);
            QTest::newRow(row.toUtf8().constData()) << kind << format;
        }
}

void TestPlotExport::exportsEachPlot() {
    QFETCH(PlotKind, kind);
    QFETCH(ImageFormat, format);
    const QString path = m_dir.filePath(plotKindName(kind) + "." + imageFormatSuffix(format));
    ExportOptions options;
    options.size = QSize(1200, 800);
    options.dpi = 96;
    QString error;
    QPalette palette = QApplication::palette();
    const bool ok = exportPlot(
        [&](QPainter& p, const QRectF& target) {
            renderPlot(kind, m_experiment, m_tracks, p, target, palette);
        },
        path, format, options, &error);
    QVERIFY2(ok, qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.size() > 1000);
    if (format == ImageFormat::Png) {
        QImage image;
        QVERIFY(image.loadFromData(bytes, "PNG"));
        QCOMPARE(image.size(), QSize(1200, 800));
        // Not blank: axes, text, lines and (for the map) a heatmap give many colours.
        QVERIFY2(distinctColors(image) > 20, qPrintable(QString::number(distinctColors(image))));
    } else if (format == ImageFormat::Svg) {
        QXmlStreamReader xml(bytes);
        while (!xml.atEnd() && !xml.isStartElement())
            xml.readNext();
        QCOMPARE(xml.name().toString(), QStringLiteral("svg"));
        int elements = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement())
                ++elements;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(elements > 20);
    } else {
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    }
}

void TestPlotExport::pngSizeAndDpi() {
    // Same pixels, twice the DPI: the plot is drawn twice as large, so it still fills the image.
    const QString path = m_dir.filePath("dpi.png");
    ExportOptions options;
    options.size = QSize(900, 600);
    options.dpi = 192;
    QString error;
    QVERIFY(exportPlot(
        [&](QPainter& p, const QRectF& target) {
            QCOMPARE(target.size(), QSizeF(450, 300));
            renderPlot(PlotKind::Loss, m_experiment, m_tracks, p, target, QApplication::palette());
        },
        path, ImageFormat::Png, options, &error));
    QImage image(path);
    QCOMPARE(image.size(), QSize(900, 600));
    QCOMPARE(image.dotsPerMeterX(), int(std::lround(192 / 0.0254)));
}

void TestPlotExport::failedExportLeavesNoFile() {
    const QString path = m_dir.filePath("no-such-folder/loss.png");
    QString error;
    QVERIFY(!exportPlot([](QPainter&, const QRectF&) {}, path, ImageFormat::Png, ExportOptions(),
                        &error));
    QVERIFY(error.contains("loss.png"));
    QVERIFY(!QFile::exists(path));

    // A good file is replaced whole or not at all.
    const QString good = m_dir.filePath("keep.svg");
    QVERIFY(saveFileAtomically(good, "<svg/>", &error));
    QVERIFY(!saveFileAtomically(m_dir.filePath("keep.svg/x"), "broken", &error));
    QFile f(good);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("<svg/>"));
}

void TestPlotExport::tracesCsv() {
    const QByteArray csv = traceCsv(m_tracks[0]);
    const QList<QByteArray> lines = csv.trimmed().split('\n');
    QCOMPARE(lines.size(), 402);
    QCOMPARE(lines[0], QByteArray("step,x,y,loss,grad_x,grad_y,lr,eff_lr_x,eff_lr_y"));
    QVERIFY(lines[1].startsWith("0,-1.5,2,"));
    QVERIFY(lines[1].endsWith(",,,")); // row 0 has no lr
    // 17 significant digits read back bit-exact.
    const QList<QByteArray> last = lines.last().split(',');
    QCOMPARE(last.size(), 9);
    QCOMPARE(last[1].toDouble(), m_tracks[0].samples.back().x);
    QCOMPARE(last[7].toDouble(), m_tracks[0].samples.back().effLrX);
}

QTEST_MAIN(TestPlotExport)
#include "tst_plot_export.moc"
