// Every plot exports as a valid, non-blank PNG, an SVG document and a PDF, written atomically. On
// screen, long lines are thinned to what the chart can show without losing a spike, and the map
// strokes only what the runs added since the last frame, with the same picture as a full redraw.
#include "ui/function/moments_panel.h"
#include "ui/function/plot_builders.h"
#include "ui/function/run_recorder.h"
#include "ui/function/run_track.h"
#include "ui/plots/function_map_renderer.h"
#include "ui/plots/line_chart.h"
#include "ui/plots/plot_export.h"

#include <QAction>
#include <QApplication>

#include <QChartView>
#include <QFile>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <array>
#include <cmath>

#include <cmath>

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

/// Pixels of two pictures of one size that differ clearly (antialiasing aside).
int differingPixels(const QImage& a, const QImage& b) {
    int differ = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QColor p = a.pixelColor(x, y), q = b.pixelColor(x, y);
            if (std::abs(p.red() - q.red()) + std::abs(p.green() - q.green()) +
                    std::abs(p.blue() - q.blue()) >
                60)
                ++differ;
        }
    return differ;
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
    void longLinesKeepTheirSpikes();
    void mapPathsGrowFrameByFrame();
    void mapPathsWithinABudget();
    void runColoursAreDistinct();
    void momentsChartsShowTheArticlesPoints();
    void chartsCanBeReadOff();
    void zoomShowsTheKeptDetail();

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

void TestPlotExport::longLinesKeepTheirSpikes() {
    ChartSpec spec;
    spec.title = QStringLiteral("100k points");
    ChartSeries series;
    series.name = QStringLiteral("noisy");
    series.color = Qt::blue;
    for (int i = 0; i < 100000; ++i)
        series.points.push_back(
            QPointF(i, std::sin(i * 0.01) + (i == 61234 ? 50.0 : 0.0) - (i == 7777 ? 40.0 : 0.0)));
    spec.series.push_back(series);
    LineChart chart;
    chart.resize(500, 300);
    chart.setSpec(spec);
    auto* view = chart.findChild<QChartView*>();
    QVERIFY(view);
    const auto all = view->chart()->series();
    QCOMPARE(all.size(), 1);
    const QList<QPointF> shown = qobject_cast<QLineSeries*>(all.first())->points();
    // On screen: a lowest and a highest point per column of two pixels, the first and the last.
    const int columns = chart.width() / 2;
    QVERIFY2(shown.size() <= 2 * columns + 3 && shown.size() >= columns,
             qPrintable(QString::number(shown.size())));
    double hi = -1e9, lo = 1e9;
    for (const QPointF& p : shown) {
        hi = std::max(hi, p.y());
        lo = std::min(lo, p.y());
    }
    QCOMPARE(hi, std::sin(61234 * 0.01) + 50.0); // the spikes are kept, exactly
    QCOMPARE(lo, std::sin(7777 * 0.01) - 40.0);
    QCOMPARE(shown.front(), series.points.front());
    QCOMPARE(shown.back(), series.points.back());
    for (int i = 1; i < shown.size(); ++i)
        QVERIFY(shown[i].x() > shown[i - 1].x()); // in order
    // An update in place thins the same way.
    spec.series[0].points.resize(50000);
    chart.setSpec(spec);
    QVERIFY(qobject_cast<QLineSeries*>(view->chart()->series().first())->points().size() <=
            2 * columns + 3);
}

// Zooming in re-buckets the points in view: a wiggle of 12 steps that the whole-range view can
// only show as an envelope comes back point for point. Rows kept densely early and sparsely later
// (the GUI's display rows) get their columns by x, not by index.
void TestPlotExport::zoomShowsTheKeptDetail() {
    ChartSpec spec;
    spec.title = QStringLiteral("wiggles");
    ChartSeries series;
    series.name = QStringLiteral("loss");
    series.color = Qt::blue;
    for (int i = 0; i <= 100000; ++i)
        series.points.push_back(QPointF(i, 2.0 + std::sin(i * 0.5)));
    spec.series.push_back(series);
    LineChart chart;
    chart.resize(500, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSpec(spec);
    QApplication::processEvents();
    auto* view = chart.findChild<QChartView*>();
    QVERIFY(view);
    auto shown = [&] {
        return qobject_cast<QLineSeries*>(view->chart()->series().first())->points();
    };
    // A lowest and a highest point per column of two pixels, the first and the last.
    QVERIFY(shown().size() <= 2 * (500 / 2) + 3);
    for (int k = 0; k < 4; ++k) // 1/10^4 of the range: about 10 steps
        chart.zoomAround(QPointF(0.5, 0.5), 0.1);
    const auto [lo, hi] = chart.xRange();
    QVERIFY2(hi - lo < 50, qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
    QList<QPointF> inView;
    for (const QPointF& p : shown())
        if (p.x() >= lo && p.x() <= hi)
            inView.push_back(p);
    QList<QPointF> expected;
    for (const QPointF& p : series.points)
        if (p.x() >= lo && p.x() <= hi)
            expected.push_back(p);
    QVERIFY(expected.size() >= 5);
    QCOMPARE(inView, expected); // every point in view, none thinned
    // Points at the GUI's display rows of a 10^7-step run: the late half of the x range (a few
    // percent of the points) still gets its share of the columns.
    ChartSpec sparse = spec;
    sparse.series[0].points.clear();
    for (long long s = 0; s <= 10'000'000; ++s)
        if (isDisplayRow(s))
            sparse.series[0].points.push_back(QPointF(double(s), 1.0 + double(s % 7)));
    chart.resetZoom();
    chart.setSpec(sparse);
    const auto all = shown();
    const auto late =
        std::count_if(all.begin(), all.end(), [](const QPointF& p) { return p.x() > 5e6; });
    QVERIFY2(late > all.size() / 3,
             qPrintable(QStringLiteral("%1 of %2").arg(late).arg(all.size())));
}

// Charts read off as in TensorBoard: the crosshair's values, a zoom that holds while the runs go
// on and a double-click fit, log toggles, and smoothing that follows the trend of a noisy line.
void TestPlotExport::chartsCanBeReadOff() {
    ChartSpec spec;
    spec.title = QStringLiteral("two lines");
    spec.xTitle = QStringLiteral("step");
    spec.yTitle = QStringLiteral("loss");
    ChartSeries a, b;
    a.name = QStringLiteral("A");
    a.color = Qt::blue;
    b.name = QStringLiteral("B");
    b.color = Qt::red;
    for (int i = 0; i <= 100; ++i) {
        a.points.push_back(QPointF(i, 1.0 + i));
        b.points.push_back(QPointF(i, 1.0 + (i % 2 ? 0.5 : -0.5))); // noisy around 1
    }
    spec.series = {a, b};
    LineChart chart;
    chart.resize(600, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setSpec(spec);
    QApplication::processEvents();
    // The crosshair's read-out at x = 50: every line's value at its nearest point.
    const QStringList at50 = chart.readOut(50.2);
    QCOMPARE(at50.value(0), QStringLiteral("step 50.2"));
    QCOMPARE(at50.value(1), QStringLiteral("A: 51"));
    QCOMPARE(at50.value(2), QStringLiteral("B: 0.5"));
    // Zoom in around the centre: half the x range; the view holds while data grows.
    const auto full = chart.xRange();
    chart.zoomAround(QPointF(0.5, 0.5), 0.5);
    QVERIFY(chart.isZoomed());
    const auto zoomed = chart.xRange();
    QVERIFY2(std::fabs((zoomed.second - zoomed.first) - (full.second - full.first) / 2) <
                 1e-6 * (full.second - full.first),
             qPrintable(QStringLiteral("%1..%2").arg(zoomed.first).arg(zoomed.second)));
    for (int i = 101; i <= 200; ++i)
        spec.series[0].points.push_back(QPointF(i, 1.0 + i));
    chart.setSpec(spec);
    QCOMPARE(chart.xRange(), zoomed);
    // Reset: the data's whole range again, now up to 200.
    chart.resetZoom();
    QVERIFY(!chart.isZoomed());
    QVERIFY(chart.xRange().second >= 200);
    // The y axis to log and back, from the chart's menu.
    const QList<QAction*> actions = chart.viewActions();
    QCOMPARE(actions.size(), 3);
    QVERIFY(!chart.logY());
    actions[2]->trigger();
    QVERIFY(chart.logY());
    QVERIFY(actions[2]->isChecked());
    QVERIFY(chart.yRange().first > 0);
    actions[2]->trigger();
    QVERIFY(!chart.logY());
    // Smoothing: the noisy line reads near its trend of 1; the first point is the raw one
    // (debiased EMA); the raw line is drawn too, faint and not in the legend.
    chart.setSmoothing(0.9);
    const QStringList smooth = chart.readOut(200);
    QVERIFY2(std::fabs(smooth.value(2).section(": ", 1).toDouble() - 1.0) < 0.1,
             qPrintable(smooth.join(" | ")));
    QCOMPARE(chart.readOut(0).value(2), QStringLiteral("B: 0.5"));
    QVERIFY(chart.legendText().count(QStringLiteral("━━")) == 2);
    chart.setSmoothing(0);
    QCOMPARE(chart.readOut(99).value(2), QStringLiteral("B: 1.5"));
}

void TestPlotExport::mapPathsGrowFrameByFrame() {
    // Frames of a growing scene through one caching renderer (as on screen) end with the same
    // picture as one full draw of the last scene.
    const Experiment& e = m_experiment;
    const QRectF view = defaultMapView(e);
    const QPalette palette = QApplication::palette();
    const QSize size(700, 600);
    FunctionMapRenderer live;
    live.setCacheStatic(true);
    QImage frame(size, QImage::Format_ARGB32_Premultiplied);
    // One run: a run and its twin share their first steps, and which of two overlapping lines
    // is on top may differ between the two ways of drawing.
    const std::vector<RunTrack> tracks{m_tracks[0]};
    std::vector<RunTrack> partial = tracks;
    for (size_t rows : {size_t(2), size_t(30), size_t(31), size_t(120), size_t(401)}) {
        for (size_t i = 0; i < partial.size(); ++i) {
            partial[i].samples.assign(tracks[i].samples.begin(), tracks[i].samples.begin() + rows);
            partial[i].latest = partial[i].samples.back();
        }
        QPainter p(&frame);
        live.render(p, QRectF(QPointF(0, 0), size), buildMapScene(e, partial, view), palette);
    }
    FunctionMapRenderer once;
    once.setCacheStatic(true);
    QImage full(size, QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&full);
        once.render(p, QRectF(QPointF(0, 0), size), buildMapScene(e, tracks, view), palette);
    }
    // The same but for antialiasing where pieces join.
    const int differ = differingPixels(frame, full);
    QVERIFY2(differ < size.width() * size.height() / 1000, qPrintable(QString::number(differ)));
    // And the paths are there: the frame differs from a map without runs.
    FunctionMapRenderer empty;
    QImage bare(size, QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&bare);
        empty.render(p, QRectF(QPointF(0, 0), size), buildMapScene(e, {}, view), palette);
    }
    int drawn = 0;
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            drawn += frame.pixel(x, y) != bare.pixel(x, y) ? 1 : 0;
    QVERIFY2(drawn > 2000, qPrintable(QString::number(drawn)));
}

// Within a time budget per frame (on screen), a frame strokes part of what came and leaves the
// rest for the next frames; the frames end with the picture of one full draw.
void TestPlotExport::mapPathsWithinABudget() {
    const Experiment& e = m_experiment;
    const QRectF view = defaultMapView(e);
    const QSize size(700, 600);
    const std::vector<RunTrack> tracks{m_tracks[0]};
    const MapScene scene = buildMapScene(e, tracks, view);
    QVERIFY(scene.traces.at(0).path.size() > 3 * 128); // more than a few slices
    FunctionMapRenderer live;
    live.setCacheStatic(true);
    live.setPathBudgetMs(1e-6); // one slice of rows per frame
    QImage frame(size, QImage::Format_ARGB32_Premultiplied);
    int frames = 0;
    do {
        QPainter p(&frame);
        live.render(p, QRectF(QPointF(0, 0), size), scene, QApplication::palette());
        ++frames;
    } while (live.pathsPending() && frames < 1000);
    QVERIFY2(frames > 3, qPrintable(QString::number(frames)));
    QVERIFY(!live.pathsPending());
    FunctionMapRenderer once;
    once.setCacheStatic(true);
    QImage full(size, QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&full);
        once.render(p, QRectF(QPointF(0, 0), size), scene, QApplication::palette());
    }
    QVERIFY(!once.pathsPending()); // no budget: all at once
    const int differ = differingPixels(frame, full);
    QVERIFY2(differ < size.width() * size.height() / 1000, qPrintable(QString::number(differ)));
}

// 14 runs before a colour repeats; any two of them at least ΔE 20 apart in CIELAB; the first 8
// are Okabe & Ito's colour-blind-safe set (two oranges once stood side by side).
void TestPlotExport::runColoursAreDistinct() {
    auto lab = [](const QColor& c) {
        auto lin = [](double v) {
            return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        const double r = lin(c.redF()), g = lin(c.greenF()), b = lin(c.blueF());
        const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
        return std::array<double, 3>{116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    };
    std::vector<std::array<double, 3>> colours;
    for (int i = 0; i < 14; ++i)
        colours.push_back(lab(runColor(i)));
    for (int i = 0; i < 14; ++i)
        for (int j = i + 1; j < 14; ++j) {
            const double d = std::hypot(colours[size_t(i)][0] - colours[size_t(j)][0],
                                        colours[size_t(i)][1] - colours[size_t(j)][1],
                                        colours[size_t(i)][2] - colours[size_t(j)][2]);
            QVERIFY2(d >= 20, qPrintable(QString("runs %1 and %2: ΔE %3").arg(i).arg(j).arg(d)));
        }
    QCOMPARE(runColor(14), runColor(0));
    const QStringList okabeIto = {"#e69f00", "#56b4e9", "#d55e00", "#009e73",
                                  "#cc79a7", "#0072b2", "#999999", "#f0e442"};
    for (int i = 0; i < 8; ++i)
        QCOMPARE(runColor(i).name(), okabeIto[i]);
}

// The moments panel's charts: m and √v from the optimizer's state, m̂ = m/(1−β1ᵗ), and the
// bias corrections starting at 1−β = 0.1 and 0.001 and fading to 1.
void TestPlotExport::momentsChartsShowTheArticlesPoints() {
    const RunTrack& adam = m_tracks.front(); // the default experiment's Adam (β 0.9, 0.999)
    const auto charts = MomentsPanel::charts(adam, 0);
    QCOMPARE(charts.size(), std::size_t(3));
    const ChartSpec& first = charts[0];
    const ChartSpec& correction = charts[2];
    QCOMPARE(first.series.size(), std::size_t(3)); // g, m, m̂
    const auto& m = first.series[1].points;
    const auto& mHat = first.series[2].points;
    const auto& bc1 = correction.series[0].points;
    const auto& bc2 = correction.series[1].points;
    QVERIFY(!m.isEmpty() && m.size() == mHat.size() && m.size() == bc1.size());
    QCOMPARE(bc1.front().x(), 1.0);
    QVERIFY(std::fabs(bc1.front().y() - 0.1) < 1e-12);
    QVERIFY(std::fabs(bc2.front().y() - 0.001) < 1e-12);
    QVERIFY(bc1.back().y() > 0.999 && bc2.back().y() > 0.3);
    for (qsizetype i = 0; i < m.size(); i += 37)
        QVERIFY(std::fabs(mHat[i].y() - m[i].y() / bc1[i].y()) <=
                1e-9 * std::fabs(mHat[i].y()) + 1e-15);
    // The second moment is a magnitude: √v ≥ 0 on a log axis.
    QVERIFY(charts[1].logY);
    for (const QPointF& p : charts[1].series[1].points)
        QVERIFY(p.y() >= 0);
}

QTEST_MAIN(TestPlotExport)
#include "tst_plot_export.moc"
