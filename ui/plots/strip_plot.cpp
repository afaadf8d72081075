#include "ui/plots/strip_plot.h"

#include "ui/plots/function_map_renderer.h"
#include "ui/plots/plot_style.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

struct Layout {
    QRectF title;
    QRectF note;
    QRectF labels;
    QRectF plot;
    double rowHeight = 20;
    double lo = 0, hi = 1; ///< value range (log10 when logValue)
};

double toAxis(const StripPlotSpec& s, double v) {
    return s.logValue ? std::log10(v) : v;
}

bool usable(const StripPlotSpec& s, double v) {
    return std::isfinite(v) && (!s.logValue || v > 0);
}

Layout layoutFor(const StripPlotSpec& spec, const QRectF& target, const QFont& font) {
    Layout l;
    QFont bold = font;
    bold.setBold(true);
    bold.setPointSizeF(font.pointSizeF() * 1.2);
    const QFontMetricsF fm(font), fb(bold);
    const double pad = fm.height() * 0.6;
    l.title = QRectF(target.left() + pad, target.top() + pad * 0.5, target.width() - 2 * pad,
                     fb.height() * 1.2);
    l.note = QRectF(l.title.left(), l.title.bottom(), l.title.width(),
                    spec.note.isEmpty() ? 0.0 : fm.height() * 1.2);
    double labelWidth = 0;
    for (const auto& row : spec.rows)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(row.label));
    labelWidth = std::min(labelWidth + pad, target.width() * 0.55);
    const double axisHeight = fm.height() * 2.8; // tick labels and the axis title
    const double top = l.note.bottom() + pad * 0.5;
    const double right = fm.horizontalAdvance(QStringLiteral("99 diverged")) + pad;
    l.labels = QRectF(target.left() + pad, top, labelWidth, target.bottom() - axisHeight - top);
    l.plot = QRectF(l.labels.right() + pad * 0.5, top,
                    std::max(40.0, target.right() - right - l.labels.right() - pad * 0.5),
                    l.labels.height());
    l.rowHeight = spec.rows.empty() ? 1.0 : l.plot.height() / double(spec.rows.size());
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& row : spec.rows) {
        for (double v : row.values)
            if (usable(spec, v)) {
                lo = std::min(lo, toAxis(spec, v));
                hi = std::max(hi, toAxis(spec, v));
            }
        for (double v : {row.ciLow, row.ciHigh})
            if (usable(spec, v)) {
                lo = std::min(lo, toAxis(spec, v));
                hi = std::max(hi, toAxis(spec, v));
            }
    }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
        const double d = std::max(std::fabs(hi) * 0.05, 1e-6);
        lo -= d;
        hi += d;
    }
    const double margin = (hi - lo) * 0.06;
    l.lo = lo - margin;
    l.hi = hi + margin;
    return l;
}

double xOf(const Layout& l, double axisValue) {
    return l.plot.left() + (axisValue - l.lo) / (l.hi - l.lo) * l.plot.width();
}

/// The vertical offset of repeat `r` of `n` inside a row, so that equal values stay apart.
double jitter(int r, int n, double rowHeight) {
    if (n <= 1)
        return 0.0;
    return (double(r) / double(n - 1) - 0.5) * rowHeight * 0.45;
}

QString tickText(double v, bool log) {
    if (log)
        return QStringLiteral("1e%1").arg(int(std::lround(v)));
    return QString::number(v, 'g', 4);
}

} // namespace

StripPlot::StripPlot(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumHeight(160);
}

void StripPlot::setSpec(const StripPlotSpec& spec) {
    m_spec = spec;
    updateGeometry();
    update();
}

int StripPlot::preferredHeight(const StripPlotSpec& spec, const QFont& font) {
    const QFontMetricsF fm(font);
    return int(fm.height() * (6.5 + 1.6 * double(std::max<std::size_t>(1, spec.rows.size()))));
}

QSize StripPlot::sizeHint() const {
    return QSize(640, std::min(900, preferredHeight(m_spec, font())));
}

void StripPlot::render(const StripPlotSpec& spec, QPainter& p, const QRectF& target,
                       const QPalette& pal) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(target, pal.color(QPalette::Base));
    const QFont font = p.font();
    const Layout l = layoutFor(spec, target, font);
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.15);
    QFont bold = font;
    bold.setBold(true);
    bold.setPointSizeF(font.pointSizeF() * 1.2);
    p.setPen(text);
    p.setFont(bold);
    p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, spec.title);
    p.setFont(font);
    if (!spec.note.isEmpty()) {
        QColor dim = text;
        dim.setAlphaF(0.7);
        p.setPen(dim);
        p.drawText(l.note, Qt::AlignLeft | Qt::AlignVCenter, spec.note);
    }
    if (spec.rows.empty()) {
        p.setPen(text);
        p.drawText(l.plot, Qt::AlignCenter, QObject::tr("No results yet"));
        p.restore();
        return;
    }
    // Ticks and vertical grid lines.
    const QFontMetricsF fm(font);
    QVector<double> ticks;
    if (spec.logValue) {
        for (double e = std::ceil(l.lo); e <= std::floor(l.hi); e += 1)
            ticks.push_back(e);
        if (ticks.size() < 2)
            ticks = FunctionMapRenderer::ticks(l.lo, l.hi, 5);
    } else {
        ticks = FunctionMapRenderer::ticks(l.lo, l.hi, std::max(3, int(l.plot.width() / 90)));
    }
    for (double t : ticks) {
        if (t < l.lo || t > l.hi)
            continue;
        const double x = xOf(l, t);
        p.setPen(QPen(grid, 1));
        p.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
        p.setPen(text);
        const QString s = spec.logValue && std::fabs(t - std::round(t)) > 1e-9
                              ? QString::number(std::pow(10.0, t), 'g', 3)
                              : tickText(t, spec.logValue);
        p.drawText(QRectF(x - 60, l.plot.bottom() + 2, 120, fm.height()), Qt::AlignCenter, s);
    }
    p.drawText(QRectF(l.plot.left(), l.plot.bottom() + fm.height() * 1.3, l.plot.width(),
                      fm.height() * 1.2),
               Qt::AlignCenter,
               spec.valueTitle + (spec.logValue ? QObject::tr(" (log scale)") : QString()));
    p.setPen(QPen(text, 1));
    p.drawLine(l.plot.bottomLeft(), l.plot.bottomRight());

    const double lineScale = plotLineScale();
    for (std::size_t i = 0; i < spec.rows.size(); ++i) {
        const StripRow& row = spec.rows[i];
        const double top = l.plot.top() + double(i) * l.rowHeight;
        const double cy = top + l.rowHeight / 2;
        if (i % 2 == 1) {
            QColor band = text;
            band.setAlphaF(0.04);
            p.fillRect(QRectF(l.labels.left(), top, l.plot.right() - l.labels.left(), l.rowHeight),
                       band);
        }
        p.setPen(text);
        p.drawText(QRectF(l.labels.left(), top, l.labels.width(), l.rowHeight),
                   Qt::AlignRight | Qt::AlignVCenter, row.label);
        // Confidence interval and mean.
        if (std::isfinite(row.ciLow) && usable(spec, row.ciHigh)) {
            QPen ci(row.color, 2.0 * lineScale);
            p.setPen(ci);
            // On a log axis an interval reaching 0 or below runs off the left edge (no cap).
            const bool open = !usable(spec, row.ciLow);
            const double x0 = open ? l.plot.left() : xOf(l, toAxis(spec, row.ciLow));
            const double x1 = xOf(l, toAxis(spec, row.ciHigh));
            const double cap = std::min(6.0, l.rowHeight * 0.25);
            p.drawLine(QPointF(x0, cy), QPointF(x1, cy));
            if (!open)
                p.drawLine(QPointF(x0, cy - cap), QPointF(x0, cy + cap));
            p.drawLine(QPointF(x1, cy - cap), QPointF(x1, cy + cap));
        }
        if (usable(spec, row.mean)) {
            p.setPen(QPen(text, 2.5 * lineScale));
            const double xm = xOf(l, toAxis(spec, row.mean));
            const double h = std::min(9.0, l.rowHeight * 0.38);
            p.drawLine(QPointF(xm, cy - h), QPointF(xm, cy + h));
        }
        // The repeats.
        const double r = std::clamp(l.rowHeight * 0.14, 2.5, 5.0) * lineScale;
        for (int k = 0; k < row.values.size(); ++k) {
            const double v = row.values[k];
            if (!usable(spec, v))
                continue;
            const QPointF c(xOf(l, toAxis(spec, v)),
                            cy + jitter(k, int(row.values.size()), l.rowHeight));
            p.setPen(QPen(row.color.darker(130), 1.2 * lineScale));
            p.setBrush(row.hollow ? QBrush(pal.color(QPalette::Base)) : QBrush(row.color));
            p.drawEllipse(c, r, r);
        }
        p.setBrush(Qt::NoBrush);
        if (row.diverged > 0) {
            p.setPen(QColor(200, 40, 40));
            p.drawText(
                QRectF(l.plot.right() + 4, top, target.right() - l.plot.right() - 4, l.rowHeight),
                Qt::AlignLeft | Qt::AlignVCenter,
                QObject::tr("%n diverged", nullptr, row.diverged));
        }
    }
    p.restore();
}

int StripPlot::rowAt(const StripPlotSpec& spec, const QRectF& target, const QFont& font,
                     const QPointF& pos) {
    const Layout l = layoutFor(spec, target, font);
    if (spec.rows.empty() || pos.y() < l.plot.top() || pos.y() >= l.plot.bottom() ||
        pos.x() < l.labels.left() || pos.x() > l.plot.right())
        return -1;
    return std::clamp(int((pos.y() - l.plot.top()) / l.rowHeight), 0, int(spec.rows.size()) - 1);
}

void StripPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setFont(font());
    render(m_spec, p, rect(), palette());
}

void StripPlot::mousePressEvent(QMouseEvent* event) {
    const int row = rowAt(m_spec, rect(), font(), event->position());
    if (row < 0)
        return;
    // The nearest repeat's dot, if the click is near one.
    const Layout l = layoutFor(m_spec, rect(), font());
    const StripRow& r = m_spec.rows[std::size_t(row)];
    const double cy = l.plot.top() + (row + 0.5) * l.rowHeight;
    int best = -1;
    double bestDist = 12.0;
    for (int k = 0; k < r.values.size(); ++k) {
        if (!usable(m_spec, r.values[k]))
            continue;
        const QPointF c(xOf(l, toAxis(m_spec, r.values[k])),
                        cy + jitter(k, int(r.values.size()), l.rowHeight));
        const double d = std::hypot(c.x() - event->position().x(), c.y() - event->position().y());
        if (d < bestDist) {
            bestDist = d;
            best = k;
        }
    }
    emit rowClicked(row, best);
}

void StripPlot::mouseMoveEvent(QMouseEvent* event) {
    const int row = rowAt(m_spec, rect(), font(), event->position());
    if (row < 0) {
        QToolTip::hideText();
        return;
    }
    const StripRow& r = m_spec.rows[std::size_t(row)];
    QString values;
    for (double v : r.values)
        values +=
            (values.isEmpty() ? QString() : QStringLiteral(", ")) + QString::number(v, 'g', 5);
    QToolTip::showText(event->globalPosition().toPoint(),
                       QStringLiteral("%1\nmean %2, 95 % CI [%3, %4]\nrepeats: %5%6")
                           .arg(r.label, QString::number(r.mean, 'g', 5),
                                QString::number(r.ciLow, 'g', 4), QString::number(r.ciHigh, 'g', 4),
                                values,
                                r.diverged ? tr("\n%n diverged", nullptr, r.diverged) : QString()),
                       this);
}

} // namespace optiscope
