// The file's rooms, in order: the data as drawn (decimation to the pixels, log-safe points,
// axis ranges, smoothing and log toggles in displayed()), populate() which builds a QChart from a
// spec (widget and offscreen export alike), the wrapping title and legend labels, then the
// widget: setSpec (rebuild or update in place), reading off (zoom, pan, crosshair, marker), the
// elision probe the layout tests use, and render() for exports.
#include "ui/plots/line_chart.h"
#include "ui/plots/plot_style.h"

#include <QAction>
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QCursor>
#include <QEvent>
#include <QGraphicsLineItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QSignalBlocker>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

namespace optiscope {

namespace {

bool isDark(const QPalette& pal) {
    return pal.color(QPalette::Window).lightness() < 128;
}

// A line never needs more points than the chart has pixels across: the x range shown is cut into
// `buckets` columns and each column's points are drawn as their lowest and highest (in their
// order), which keeps every spike and the envelope while Qt Charts draws a few thousand points,
// not 10^5. Zoomed in, only the points in view (and one on each side, so the line reaches the
// edges) are bucketed, so the detail the kept rows hold appears as the user zooms.
constexpr int kDisplayBuckets = 1000; ///< exports; on screen, one per pixel of the chart's width

/// The x range on screen (zoomed in); empty: the whole line.
struct XWindow {
    double lo = NAN, hi = NAN;
    [[nodiscard]] bool valid() const { return std::isfinite(lo) && std::isfinite(hi) && hi > lo; }
};

QVector<QPointF> decimated(const QVector<QPointF>& all, int buckets, bool logX, XWindow window) {
    const bool increasing = std::is_sorted(
        all.begin(), all.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    QVector<QPointF> pts;
    if (increasing && window.valid()) {
        auto first = std::lower_bound(all.begin(), all.end(), window.lo,
                                      [](const QPointF& p, double x) { return p.x() < x; });
        auto last = std::upper_bound(all.begin(), all.end(), window.hi,
                                     [](double x, const QPointF& p) { return x < p.x(); });
        if (first != all.begin())
            --first;
        if (last != all.end())
            ++last;
        pts = QVector<QPointF>(first, last);
    } else {
        pts = all;
    }
    const qsizetype n = pts.size();
    if (n <= 2 * buckets)
        return pts;
    // The column of each point: by x where x increases (steps kept densely early and sparsely
    // later get columns by where they are drawn), else by index.
    auto fx = [logX](double x) { return logX ? std::log10(x) : x; };
    const double x0 = fx(pts.front().x()), x1 = fx(pts.back().x());
    const bool byX = increasing && x1 > x0;
    auto column = [&](qsizetype i) {
        if (!byX)
            return int(i * buckets / n);
        return std::clamp(int((fx(pts[i].x()) - x0) / (x1 - x0) * buckets), 0, buckets - 1);
    };
    QVector<QPointF> out;
    out.reserve(2 * buckets + 3);
    qsizetype lo = 0;
    while (lo < n) {
        const int c = column(lo);
        qsizetype hi = lo + 1, iMin = lo, iMax = lo;
        for (; hi < n && column(hi) == c; ++hi) {
            if (pts[hi].y() < pts[iMin].y())
                iMin = hi;
            if (pts[hi].y() > pts[iMax].y())
                iMax = hi;
        }
        out.push_back(pts[std::min(iMin, iMax)]);
        if (iMin != iMax)
            out.push_back(pts[std::max(iMin, iMax)]);
        lo = hi;
    }
    // The line starts and ends where the data does, whatever the first and last columns' extremes.
    if (out.front() != pts.front())
        out.prepend(pts.front());
    if (out.back() != pts.back())
        out.push_back(pts.back());
    return out;
}

/// The points that can be drawn (finite; positive on log axes), decimated for display unless
/// `all` (scatter markers are few and each one matters).
QVector<QPointF> usable(const ChartSpec& spec, const QVector<QPointF>& pts, bool all = false,
                        int buckets = kDisplayBuckets, XWindow window = {}) {
    QVector<QPointF> out;
    out.reserve(pts.size());
    for (const QPointF& p : pts) {
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        if ((spec.logX && p.x() <= 0) || (spec.logY && p.y() <= 0))
            continue;
        out.push_back(p);
    }
    return all ? out : decimated(out, buckets, spec.logX, window);
}

struct Range {
    double lo = INFINITY, hi = -INFINITY;
    void add(double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
};

// Whole decades around the data, at most 7 of them (more would crowd the labels; lower points are
// clipped), padded a hair so the end ticks are drawn.
void logRange(const Range& r, double* lo, double* hi) {
    if (!std::isfinite(r.lo) || !std::isfinite(r.hi))
        return;
    *hi = std::pow(10.0, std::ceil(std::log10(r.hi) - 1e-9));
    *lo = std::pow(10.0, std::floor(std::log10(r.lo) + 1e-9));
    if (!(*hi > *lo))
        *lo = *hi / 10;
    *lo = std::max(*lo, *hi * 1e-7);
    *lo *= 0.999;
    *hi *= 1.001;
}

// A linear axis around [r.lo, r.hi] with a little room and nice tick numbers; x starts at 0 when
// the data is positive; never beyond `cap` (e.g. 100 %), whose ticks stay on round numbers.
void fitLinear(QValueAxis* a, const Range& r, bool isX, double cap) {
    // No data, or only a fixed end (e.g. lr from 0 before the first step): a unit range.
    double lo = std::isfinite(r.lo) ? r.lo : 0.0;
    double hi = std::isfinite(r.hi) ? r.hi : std::isfinite(cap) && cap > lo ? cap : lo + 1.0;
    if (isX && lo >= 0)
        lo = 0;
    if (!(hi > lo)) {
        const double pad = std::max(std::fabs(lo) * 0.1, 1e-12);
        lo -= pad;
        hi += pad;
    } else if (!isX) {
        const double pad = (hi - lo) * 0.05;
        lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
        hi += pad;
    }
    if (std::isfinite(cap) && cap > lo)
        hi = std::min(hi, cap);
    a->setTickType(QValueAxis::TicksFixed);
    a->setRange(lo, hi);
    a->setTickCount(6);
    a->applyNiceNumbers();
    if (std::isfinite(cap) && a->max() > cap && cap > a->min()) {
        // Nice numbers went past the cap: keep their step, anchored at 0, and stop at the cap.
        const double step = (a->max() - a->min()) / std::max(1, a->tickCount() - 1);
        a->setRange(a->min(), cap);
        a->setTickType(QValueAxis::TicksDynamic);
        a->setTickAnchor(0.0);
        a->setTickInterval(step);
    }
}

QAbstractAxis* makeAxis(bool log, const Range& r, const QString& title, bool isX, double cap,
                        const QFont& labels, const QFont& titles) {
    QAbstractAxis* axis = nullptr;
    if (log) {
        auto* a = new QLogValueAxis;
        a->setBase(10);
        a->setLabelFormat(QStringLiteral("%.0e"));
        double lo = 1e-3, hi = 1;
        logRange(r, &lo, &hi);
        a->setRange(lo, hi);
        const int decades = int(std::lround(std::log10(hi / lo)));
        a->setMinorTickCount(decades <= 4 ? 8 : 0);
        if (decades > 8)
            a->setLabelFormat(QStringLiteral("%.0e"));
        axis = a;
    } else {
        auto* a = new QValueAxis;
        fitLinear(a, r, isX, cap);
        a->setLabelFormat(QStringLiteral("%g"));
        axis = a;
    }
    axis->setTitleText(title);
    axis->setLabelsFont(labels);
    axis->setTitleFont(titles);
    return axis;
}

void applyFixedEnds(const ChartSpec& spec, Range& rx, Range& ry) {
    if (std::isfinite(spec.xMin))
        rx.lo = spec.xMin;
    if (std::isfinite(spec.xMax))
        rx.hi = spec.xMax;
    if (std::isfinite(spec.yMin))
        ry.lo = std::isfinite(ry.lo) ? std::min(ry.lo, spec.yMin) : spec.yMin;
}

// Fill `chart` with `spec` from scratch.
void populate(QChart* chart, const ChartSpec& spec, const QPalette& pal, const QFont& base,
              int buckets = kDisplayBuckets) {
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes())
        chart->removeAxis(a), delete a;
    const QChart::ChartTheme theme = isDark(pal) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (chart->theme() != theme) // costly: it restyles everything
        chart->setTheme(theme);
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    const QColor text = pal.color(QPalette::Text);

    QFont titleFont = base;
    titleFont.setBold(true);
    titleFont.setPointSizeF(base.pointSizeF() * 1.1);
    QFont labelFont = base;
    labelFont.setPointSizeF(base.pointSizeF() * 0.9);
    chart->setTitle(spec.title);
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(text);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setFont(labelFont);
    chart->legend()->setLabelColor(text);
    chart->legend()->setShowToolTips(true);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries); // dashed twins show dashed

    Range rx, ry;
    std::vector<QVector<QPointF>> data;
    for (const ChartSeries& s : spec.series) {
        data.push_back(usable(spec, s.points, s.scatter, buckets));
        for (const QPointF& p : data.back()) {
            rx.add(p.x());
            ry.add(p.y());
        }
    }
    std::vector<std::pair<QVector<QPointF>, QVector<QPointF>>> bands;
    for (const ChartBand& b : spec.bands) {
        bands.emplace_back(usable(spec, b.lower, false, buckets),
                           usable(spec, b.upper, false, buckets));
        for (const auto* pts : {&bands.back().first, &bands.back().second})
            for (const QPointF& p : *pts) {
                rx.add(p.x());
                ry.add(p.y());
            }
    }
    applyFixedEnds(spec, rx, ry);
    QAbstractAxis* ax = makeAxis(spec.logX, rx, spec.xTitle, true, NAN, labelFont, base);
    QAbstractAxis* ay = makeAxis(spec.logY, ry, spec.yTitle, false, spec.yMax, labelFont, base);
    for (QAbstractAxis* a : {ax, ay}) {
        a->setLabelsColor(text);
        a->setTitleBrush(text);
        QColor grid = text;
        grid.setAlpha(40);
        a->setGridLineColor(grid);
        grid.setAlpha(20);
        a->setMinorGridLineColor(grid);
    }
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);

    for (size_t i = 0; i < spec.series.size(); ++i) {
        const ChartSeries& s = spec.series[i];
        QXYSeries* series = nullptr;
        if (s.scatter) {
            auto* sc = new QScatterSeries;
            sc->setMarkerSize(10 * plotLineScale());
            sc->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
            sc->setColor(s.color);
            sc->setBorderColor(text);
            series = sc;
        } else {
            series = new QLineSeries;
            QPen pen(s.color, s.width * plotLineScale(), s.style, Qt::FlatCap, Qt::BevelJoin);
            series->setPen(pen);
        }
        series->setName(s.name);
        series->replace(data[i]);
        chart->addSeries(series);
        series->attachAxis(ax);
        series->attachAxis(ay);
        if (!s.inLegend)
            for (QLegendMarker* m : chart->legend()->markers(series))
                m->setVisible(false);
    }
    for (size_t i = 0; i < spec.bands.size(); ++i) {
        const ChartBand& b = spec.bands[i];
        auto* lower = new QLineSeries;
        auto* upper = new QLineSeries;
        lower->replace(bands[i].first);
        upper->replace(bands[i].second);
        auto* area = new QAreaSeries(upper, lower);
        lower->setParent(area);
        upper->setParent(area);
        area->setName(b.name);
        QColor fill = b.color;
        fill.setAlpha(60);
        area->setBrush(fill);
        area->setPen(Qt::NoPen);
        chart->addSeries(area);
        area->attachAxis(ax);
        area->attachAxis(ay);
        for (QLegendMarker* m : chart->legend()->markers(area))
            m->setVisible(false);
    }
    chart->legend()->setVisible(!spec.series.empty());
}

/// The legend as rich text that wraps between entries (never inside one), so that with many runs
/// every name stays whole in a narrow chart — Qt Charts' own legend shortens them to "Ad...".
/// A run's no-decay twin is not listed on its own when its run is: one entry says what dashed
/// lines are, which halves the legend of a chart with many runs.
QString legendHtml(const ChartSpec& spec) {
    const QString twinSuffix = QString::fromUtf8(kTwinNameSuffix);
    QStringList names;
    for (const ChartSeries& s : spec.series)
        if (s.inLegend)
            names << s.name;
    QStringList entries;
    bool twins = false;
    for (const ChartSeries& s : spec.series) {
        if (!s.inLegend || s.name.isEmpty())
            continue;
        if (s.style != Qt::SolidLine && s.name.endsWith(twinSuffix) &&
            names.contains(s.name.chopped(twinSuffix.size())) && names.size() > 2) {
            twins = true;
            continue;
        }
        const QString mark = s.scatter                  ? QStringLiteral("■")
                             : s.style == Qt::SolidLine ? QStringLiteral("━━")
                             : s.style == Qt::DotLine   ? QStringLiteral("┅┅")
                                                        : QStringLiteral("╍╍");
        QString name = s.name.toHtmlEscaped();
        name.replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
        name = withVisibleHats(name);
        entries << QStringLiteral("<span style=\"white-space:nowrap\"><span style=\"color:%1\">"
                                  "%2</span>&nbsp;%3</span>")
                       .arg(s.color.name(), mark, name);
    }
    if (twins)
        entries << QStringLiteral("<span style=\"white-space:nowrap\">╍╍&nbsp;%1</span>")
                       .arg(QObject::tr("the same run without decay (its twin)")
                                .toHtmlEscaped()
                                .replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    return entries.join(QStringLiteral(" &nbsp; "));
}

/// The spec as drawn: the user's log toggles, and with `weight` > 0 each line smoothed (an
/// exponential moving average, debiased as TensorBoard's; in log space on a log y axis) over its
/// raw line, drawn faint first.
ChartSpec displayed(const ChartSpec& spec, double weight, std::optional<bool> logX,
                    std::optional<bool> logY) {
    ChartSpec out = spec;
    if (logX)
        out.logX = *logX;
    if (logY)
        out.logY = *logY;
    if (!(weight > 0))
        return out;
    out.series.clear();
    std::vector<ChartSeries> raw, smooth;
    for (const ChartSeries& s : spec.series) {
        if (s.scatter || s.points.size() < 3) {
            smooth.push_back(s);
            continue;
        }
        ChartSeries faint = s;
        faint.name = s.name + QObject::tr(" (raw)");
        faint.inLegend = false;
        QColor c = s.color;
        c.setAlpha(60);
        faint.color = c;
        faint.width = std::max(1.0, s.width * 0.6);
        raw.push_back(faint);
        ChartSeries ema = s;
        const bool logSpace = out.logY;
        double last = 0;
        int n = 0;
        for (QPointF& p : ema.points) {
            double y = p.y();
            if (!std::isfinite(y) || (logSpace && y <= 0))
                continue;
            if (logSpace)
                y = std::log(y);
            last = last * weight + (1 - weight) * y;
            ++n;
            const double v = last / (1 - std::pow(weight, n));
            p.setY(logSpace ? std::exp(v) : v);
        }
        smooth.push_back(ema);
    }
    out.series = raw;
    out.series.insert(out.series.end(), smooth.begin(), smooth.end());
    return out;
}

/// A wrapping label whose height its chart sets from the width (see LineChart::fitLegend): as a
/// height-for-width child it would make every layout above it — the charts panel in its scroll
/// area — ask for its preferred height, and the panel would scroll.
class LegendLabel : public QLabel {
public:
    using QLabel::QLabel;
    [[nodiscard]] bool hasHeightForWidth() const override { return false; }
};

} // namespace

struct LineChart::Impl {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLabel* title = nullptr; ///< above the chart, wraps (Qt Charts would cut a long title)
    QLabel* legend = nullptr;
    bool legendShown = true;
    QStringList structure; ///< names/kinds of the series shown, to decide update vs rebuild
    ChartSpec shown;       ///< the spec as drawn (smoothing, log toggles)
    double smoothing = 0;
    std::optional<bool> logX, logY; ///< the user's toggles
    bool zoomed = false;
    QPoint panFrom;
    bool panning = false;
    double markerX = std::numeric_limits<double>::quiet_NaN();
    QGraphicsLineItem* marker = nullptr;
    QGraphicsLineItem* cross = nullptr;
    QGraphicsTextItem* crossText = nullptr;
    QAction* resetZoom = nullptr;
    QAction* logXAction = nullptr;
    QAction* logYAction = nullptr;
};

LineChart::LineChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Impl>()) {
    d->chart = new QChart;
    d->view = new QChartView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setContextMenuPolicy(Qt::NoContextMenu); // the panel shows ours
    d->view->setMouseTracking(true);
    d->view->viewport()->installEventFilter(this);
    d->view->viewport()->setMouseTracking(true);
    d->marker = new QGraphicsLineItem;
    d->marker->setZValue(50);
    d->marker->hide();
    d->cross = new QGraphicsLineItem;
    d->cross->setZValue(60);
    d->cross->hide();
    d->crossText = new QGraphicsTextItem;
    d->crossText->setZValue(61);
    d->crossText->hide();
    d->chart->scene()->addItem(d->marker);
    d->chart->scene()->addItem(d->cross);
    d->chart->scene()->addItem(d->crossText);
    connect(d->chart, &QChart::plotAreaChanged, this, [this]() { placeMarker(); });
    d->resetZoom = new QAction(tr("Reset zoom (double-click)"), this);
    connect(d->resetZoom, &QAction::triggered, this, &LineChart::resetZoom);
    d->logXAction = new QAction(tr("Log scale x"), this);
    d->logYAction = new QAction(tr("Log scale y"), this);
    for (QAction* a : {d->logXAction, d->logYAction})
        a->setCheckable(true);
    connect(d->logXAction, &QAction::toggled, this, [this](bool on) {
        if (on == logX())
            return;
        d->logX = on;
        d->zoomed = false;
        rebuild();
    });
    connect(d->logYAction, &QAction::toggled, this, [this](bool on) {
        if (on == logY())
            return;
        d->logY = on;
        d->zoomed = false;
        rebuild();
    });
    d->title = new LegendLabel(this);
    d->title->setObjectName(QStringLiteral("chartTitle"));
    d->title->setWordWrap(true);
    d->title->setAlignment(Qt::AlignHCenter);
    d->title->setTextFormat(Qt::PlainText);
    d->title->setContentsMargins(4, 2, 4, 0);
    d->title->setAutoFillBackground(true);
    d->title->setBackgroundRole(QPalette::Base);
    d->legend = new LegendLabel(this);
    d->legend->setAutoFillBackground(true);
    d->legend->setBackgroundRole(QPalette::Base);
    d->legend->setObjectName(QStringLiteral("chartLegend"));
    d->legend->setWordWrap(true);
    d->legend->setAlignment(Qt::AlignHCenter);
    d->legend->setTextFormat(Qt::RichText);
    d->legend->setContentsMargins(4, 0, 4, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(d->title);
    layout->addWidget(d->view, 1);
    layout->addWidget(d->legend);
    setMinimumSize(220, 190);
}

LineChart::~LineChart() = default;

void LineChart::setSpec(const ChartSpec& original) {
    m_spec = original;
    d->shown = displayed(original, d->smoothing, d->logX, d->logY);
    const ChartSpec& spec = d->shown;
    {
        const QSignalBlocker bx(d->logXAction), by(d->logYAction);
        d->logXAction->setChecked(spec.logX);
        d->logYAction->setChecked(spec.logY);
    }
    QStringList structure;
    for (const auto& s : spec.series)
        structure << s.name + (s.scatter ? "#s" : "#l") + s.color.name() +
                         QString::number(int(s.style));
    for (const auto& b : spec.bands)
        structure << b.name + "#b" + b.color.name();
    structure << QString::number(spec.logX) + QString::number(spec.logY) + spec.title;
    const bool rebuild = structure != d->structure;
    if (rebuild) {
        d->zoomed = false;
        populate(d->chart, spec, palette(), font(), screenBuckets());
        d->chart->legend()->setVisible(false); // ours wraps instead (legendHtml)
        d->chart->setTitle(QString());         // likewise the title
        QFont titleFont = font();
        titleFont.setBold(true);
        titleFont.setPointSizeF(font().pointSizeF() * 1.1);
        d->title->setFont(titleFont);
        d->title->setText(spec.title);
        d->title->setVisible(!spec.title.isEmpty());
        d->legend->setText(legendHtml(spec));
        d->legend->setVisible(d->legendShown && !d->legend->text().isEmpty());
        fitLegend();
        d->structure = structure;
        placeMarker();
        return;
    }
    replacePoints();
}

void LineChart::replacePoints() {
    // Same series: new points and ranges only (QXYSeries::replace, no clear + append).
    const ChartSpec& spec = d->shown;
    XWindow window;
    if (d->zoomed)
        std::tie(window.lo, window.hi) = xRange();
    Range rx, ry;
    const auto series = d->chart->series();
    for (int i = 0; i < series.size() && i < int(spec.series.size()); ++i) {
        auto* xy = qobject_cast<QXYSeries*>(series[i]);
        const auto pts = usable(spec, spec.series[size_t(i)].points, spec.series[size_t(i)].scatter,
                                screenBuckets(), window);
        for (const QPointF& p : pts) {
            rx.add(p.x());
            ry.add(p.y());
        }
        if (xy)
            xy->replace(pts);
    }
    for (size_t j = 0; j < spec.bands.size(); ++j) {
        const int at = int(spec.series.size() + j);
        auto* area = at < series.size() ? qobject_cast<QAreaSeries*>(series[at]) : nullptr;
        const auto lower = usable(spec, spec.bands[j].lower, false, screenBuckets(), window);
        const auto upper = usable(spec, spec.bands[j].upper, false, screenBuckets(), window);
        for (const auto* pts : {&lower, &upper})
            for (const QPointF& p : *pts) {
                rx.add(p.x());
                ry.add(p.y());
            }
        if (area && area->lowerSeries() && area->upperSeries()) {
            area->lowerSeries()->replace(lower);
            area->upperSeries()->replace(upper);
        }
    }
    const auto hs = d->chart->axes(Qt::Horizontal);
    const auto vs = d->chart->axes(Qt::Vertical);
    if (hs.isEmpty() || vs.isEmpty())
        return;
    auto fit = [](QAbstractAxis* axis, const Range& r, bool log, bool isX, double cap) {
        if (!std::isfinite(r.lo))
            return;
        if (log) {
            double lo = 1e-3, hi = 1;
            logRange(r, &lo, &hi);
            axis->setRange(lo, hi);
            if (auto* la = qobject_cast<QLogValueAxis*>(axis))
                la->setMinorTickCount(std::log10(hi / lo) <= 4.5 ? 8 : 0);
        } else if (auto* va = qobject_cast<QValueAxis*>(axis)) {
            fitLinear(va, r, isX, cap);
        }
    };
    if (d->zoomed)
        return; // the user's view holds while the runs go on
    applyFixedEnds(spec, rx, ry);
    fit(hs.first(), rx, spec.logX, true, NAN);
    fit(vs.first(), ry, spec.logY, false, spec.yMax);
    placeMarker();
}

int LineChart::screenBuckets() const {
    // A run's lowest and highest point per column of two pixels: Qt Charts' work per update and
    // per repaint follows the points (a repaint of 8 runs took 13 ms at one column per pixel, 7.6
    // ms at one per two, on a 760-pixel chart), and a 2-pixel line does not show finer columns.
    // Zoomed in, the columns cover the x range in view only (see decimated()).
    return std::clamp(width() / 2, 100, kDisplayBuckets);
}

void LineChart::rebuild() {
    d->structure.clear();
    setSpec(m_spec);
}

void LineChart::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.99);
    if (weight == d->smoothing)
        return;
    d->smoothing = weight;
    const bool zoomed = d->zoomed;
    const auto xr = xRange(), yr = yRange();
    rebuild();
    if (zoomed) { // keep the user's view
        const auto hs = d->chart->axes(Qt::Horizontal), vs = d->chart->axes(Qt::Vertical);
        if (!hs.isEmpty() && !vs.isEmpty()) {
            hs.first()->setRange(xr.first, xr.second);
            vs.first()->setRange(yr.first, yr.second);
            d->zoomed = true;
        }
    }
}

double LineChart::smoothing() const {
    return d->smoothing;
}

void LineChart::setMarkerX(double x) {
    // Sent on every inspector refresh while a run plays (NaN while it follows the run).
    if (x == d->markerX || (std::isnan(x) && std::isnan(d->markerX)))
        return;
    d->markerX = x;
    placeMarker();
}

void LineChart::placeMarker() {
    const auto series = d->chart->series();
    QXYSeries* first = nullptr;
    for (QAbstractSeries* s : series)
        if ((first = qobject_cast<QXYSeries*>(s)))
            break;
    if (!std::isfinite(d->markerX) || !first) {
        d->marker->hide();
        return;
    }
    const QRectF area = d->chart->plotArea();
    const double px = d->chart->mapToPosition(QPointF(d->markerX, 1.0), first).x();
    if (!(px >= area.left() && px <= area.right())) {
        d->marker->hide();
        return;
    }
    QPen pen(palette().color(QPalette::Text), 1.2, Qt::DashLine);
    d->marker->setPen(pen);
    d->marker->setLine(px, area.top(), px, area.bottom());
    d->marker->setToolTip(tr("The step shown in the inspector"));
    d->marker->show();
}

bool LineChart::isZoomed() const {
    return d->zoomed;
}

void LineChart::resetZoom() {
    d->zoomed = false;
    d->chart->zoomReset();
    rebuild();
}

void LineChart::zoomAround(QPointF fraction, double factor) {
    const QRectF a = d->chart->plotArea();
    if (a.isEmpty() || d->chart->series().isEmpty())
        return;
    const QPointF p(a.left() + fraction.x() * a.width(), a.top() + fraction.y() * a.height());
    const QRectF r(p.x() - (p.x() - a.left()) * factor, p.y() - (p.y() - a.top()) * factor,
                   a.width() * factor, a.height() * factor);
    d->chart->zoomIn(r);
    d->zoomed = true;
    replacePoints(); // the points in view, bucketed again for the new range
    placeMarker();
}

namespace {

std::pair<double, double> axisRange(const QList<QAbstractAxis*>& axes) {
    if (axes.isEmpty())
        return {NAN, NAN};
    if (auto* v = qobject_cast<QValueAxis*>(axes.first()))
        return {v->min(), v->max()};
    if (auto* l = qobject_cast<QLogValueAxis*>(axes.first()))
        return {l->min(), l->max()};
    return {NAN, NAN};
}

} // namespace

std::pair<double, double> LineChart::xRange() const {
    return axisRange(d->chart->axes(Qt::Horizontal));
}

std::pair<double, double> LineChart::yRange() const {
    return axisRange(d->chart->axes(Qt::Vertical));
}

bool LineChart::logX() const {
    return d->logX.value_or(m_spec.logX);
}

bool LineChart::logY() const {
    return d->logY.value_or(m_spec.logY);
}

QList<QAction*> LineChart::viewActions() const {
    d->resetZoom->setEnabled(d->zoomed);
    return {d->resetZoom, d->logXAction, d->logYAction};
}

QStringList LineChart::readOut(double x) const {
    QStringList lines;
    lines << QStringLiteral("%1 %2").arg(m_spec.xTitle).arg(x, 0, 'g', 6);
    for (const ChartSeries& s : d->shown.series) {
        if (!s.inLegend || s.points.isEmpty())
            continue;
        const QPointF* best = nullptr;
        for (const QPointF& p : s.points)
            if (std::isfinite(p.y()) && (!best || std::fabs(p.x() - x) < std::fabs(best->x() - x)))
                best = &p;
        if (best)
            lines << QStringLiteral("%1: %2").arg(s.name).arg(best->y(), 0, 'g', 4);
    }
    return lines;
}

void LineChart::showCrosshair(const QPointF& scenePos) {
    const QRectF area = d->chart->plotArea();
    QXYSeries* first = nullptr;
    for (QAbstractSeries* s : d->chart->series())
        if ((first = qobject_cast<QXYSeries*>(s)))
            break;
    if (!first || !area.contains(scenePos)) {
        d->cross->hide();
        d->crossText->hide();
        return;
    }
    const double x = d->chart->mapToValue(scenePos, first).x();
    d->cross->setPen(QPen(palette().color(QPalette::Text), 0.8));
    d->cross->setLine(scenePos.x(), area.top(), scenePos.x(), area.bottom());
    d->cross->show();
    // The read-out: each line's value at the nearest point, in its colour (at most 12 lines).
    QStringList html;
    const QStringList lines = readOut(x);
    html << QStringLiteral("<b>%1</b>").arg(lines.value(0).toHtmlEscaped());
    int row = 1;
    for (const ChartSeries& s : d->shown.series) {
        if (!s.inLegend || s.points.isEmpty())
            continue;
        if (row >= lines.size() || html.size() > 12)
            break;
        html << QStringLiteral("<span style=\"color:%1\">━</span> %2")
                    .arg(s.color.name(), lines[row++].toHtmlEscaped());
    }
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    d->crossText->setFont(f);
    d->crossText->setHtml(QStringLiteral("<div style=\"background:%1; color:%2\">%3</div>")
                              .arg(palette().color(QPalette::ToolTipBase).name(),
                                   palette().color(QPalette::ToolTipText).name(),
                                   html.join(QStringLiteral("<br>"))));
    const QRectF box = d->crossText->boundingRect();
    double left = scenePos.x() + 12;
    if (left + box.width() > area.right())
        left = scenePos.x() - 12 - box.width();
    d->crossText->setPos(std::max(area.left(), left), area.top() + 4);
    d->crossText->show();
}

bool LineChart::eventFilter(QObject* watched, QEvent* event) {
    if (watched != d->view->viewport())
        return QWidget::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::Wheel: {
        auto* e = static_cast<QWheelEvent*>(event);
        const QRectF a = d->chart->plotArea();
        const QPointF at = d->view->mapToScene(e->position().toPoint());
        if (a.isEmpty() || !a.contains(at) || e->angleDelta().y() == 0)
            return false; // outside the plot: the panel scrolls
        zoomAround(QPointF((at.x() - a.left()) / a.width(), (at.y() - a.top()) / a.height()),
                   e->angleDelta().y() > 0 ? 0.8 : 1.25);
        return true;
    }
    case QEvent::MouseButtonPress: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() == Qt::LeftButton) {
            d->panning = true;
            d->panFrom = e->position().toPoint();
            return true;
        }
        return false;
    }
    case QEvent::MouseMove: {
        auto* e = static_cast<QMouseEvent*>(event);
        const QPoint pos = e->position().toPoint();
        if (d->panning && (e->buttons() & Qt::LeftButton)) {
            const QPoint delta = pos - d->panFrom;
            d->panFrom = pos;
            if (!delta.isNull()) {
                d->chart->scroll(-delta.x(), delta.y());
                d->zoomed = true;
                replacePoints(); // the points now in view
                placeMarker();
            }
        }
        showCrosshair(d->view->mapToScene(pos));
        return false;
    }
    case QEvent::MouseButtonRelease:
        d->panning = false;
        return false;
    case QEvent::MouseButtonDblClick:
        resetZoom();
        return true;
    case QEvent::Leave:
        d->cross->hide();
        d->crossText->hide();
        return false;
    default:
        return false;
    }
}

QStringList LineChart::elidedTexts() const {
    QStringList out;
    const auto isElided = [](const QString& t) {
        return t.contains(QChar(0x2026)) || t.contains(QLatin1String("..."));
    };
    for (const QGraphicsItem* item :
         d->chart->scene() ? d->chart->scene()->items() : QList<QGraphicsItem*>()) {
        if (!item->isVisible())
            continue;
        QString text;
        if (const auto* t = dynamic_cast<const QGraphicsTextItem*>(item))
            text = t->toPlainText();
        else if (const auto* t = dynamic_cast<const QGraphicsSimpleTextItem*>(item))
            text = t->text();
        if (isElided(text))
            out << text;
    }
    return out;
}

void LineChart::fitLegend() {
    for (QLabel* label : {d->title, d->legend})
        if (!label->text().isEmpty())
            label->setFixedHeight(label->heightForWidth(std::max(50, width())));
}

void LineChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitLegend();
}

void LineChart::setLegendShown(bool shown) {
    d->legendShown = shown;
    d->legend->setVisible(shown && !d->legend->text().isEmpty());
}

QString LineChart::legendText() const {
    return d->legend->isHidden() ? QString() : d->legend->text();
}

void LineChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        d->structure.clear();
        setSpec(m_spec);
    }
}

void LineChart::render(const ChartSpec& spec, QPainter& painter, const QRectF& target,
                       const QPalette& palette) {
    QChart* chart = new QChart;
    QChartView view(chart);
    view.setPalette(palette);
    view.setRenderHint(QPainter::Antialiasing);
    view.setFrameShape(QFrame::NoFrame);
    view.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view.setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    populate(chart, spec, palette, view.font());
    view.resize(target.size().toSize());
    chart->resize(target.size());
    QCoreApplication::sendPostedEvents(); // let the chart lay itself out
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    view.scene()->render(&painter, target, QRectF(QPointF(0, 0), target.size()));
    painter.restore();
}

} // namespace optiscope
