#include "ui/plots/heatmap_plot.h"

#include "ui/plots/color_map.h"
#include "ui/plots/function_map_renderer.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

struct PanelLayout {
    QRectF title;
    QRectF plot; ///< the cells (sensitivity) or the map's plot area (basin)
    QRectF area; ///< the whole panel
};

struct Layout {
    QRectF title;
    QRectF legend; ///< basin: the minima's swatches
    QRectF colorBar;
    std::vector<PanelLayout> panels;
    double vLo = 0, vHi = 1; ///< colour scale (log10 when logValue)
};

double scaled(const HeatmapSpec& s, double v) {
    if (!std::isfinite(v) || (s.logValue && !(v > 0)))
        return std::numeric_limits<double>::quiet_NaN();
    return s.logValue ? std::log10(v) : v;
}

QString valueText(double v) {
    return QString::number(v, 'g', 3);
}

QFont boldOf(const QFont& f, double scale) {
    QFont b = f;
    b.setBold(true);
    b.setPointSizeF(f.pointSizeF() * scale);
    return b;
}

/// World edges of the cells along one axis: midpoints between values, half a step beyond the ends
/// (in log space for a log axis).
QVector<double> edges(const QVector<double>& v, bool log) {
    QVector<double> out;
    const int n = int(v.size());
    auto t = [&](double x) { return log ? std::log10(x) : x; };
    auto u = [&](double x) { return log ? std::pow(10.0, x) : x; };
    if (n == 1) {
        const double d = std::max(std::fabs(t(v[0])) * 0.1, 0.5);
        return {u(t(v[0]) - d), u(t(v[0]) + d)};
    }
    out.push_back(u(t(v[0]) - (t(v[1]) - t(v[0])) / 2));
    for (int i = 0; i + 1 < n; ++i)
        out.push_back(u((t(v[i]) + t(v[i + 1])) / 2));
    out.push_back(u(t(v[n - 1]) + (t(v[n - 1]) - t(v[n - 2])) / 2));
    return out;
}

QRectF worldRect(const HeatmapSpec& s) {
    const auto ex = edges(s.xs, false), ey = edges(s.ys, false);
    return QRectF(QPointF(std::min(ex.front(), ex.back()), std::min(ey.front(), ey.back())),
                  QPointF(std::max(ex.front(), ex.back()), std::max(ey.front(), ey.back())));
}

Layout layoutFor(const HeatmapSpec& spec, const QRectF& target, const QFont& font) {
    Layout l;
    const QFontMetricsF fm(font), fb(boldOf(font, 1.2));
    const double pad = fm.height() * 0.6;
    l.title = QRectF(target.left() + pad, target.top() + pad * 0.5, target.width() - 2 * pad,
                     fb.height() * 1.2);
    double top = l.title.bottom();
    if (spec.basin) {
        l.legend = QRectF(l.title.left(), top, l.title.width(), fm.height() * 1.5);
        top = l.legend.bottom();
    }
    const double barWidth =
        spec.basin ? 0.0
                   : std::max(fm.horizontalAdvance(QStringLiteral("0.000e-00")) + 30,
                              fm.horizontalAdvance(QObject::tr("◤ some diverged")) + 8);
    l.colorBar = QRectF(target.right() - barWidth - pad + 4, top + fm.height() * 3.6, 16,
                        std::max(40.0, target.bottom() - top - fm.height() * 7.5));
    const double bodyLeft = target.left() + pad;
    const double bodyRight = target.right() - pad - barWidth;
    const int n = std::max<int>(1, int(spec.panels.size()));
    const double w = (bodyRight - bodyLeft) / n;
    double yLabel = 0;
    for (double y : spec.ys)
        yLabel = std::max(yLabel, fm.horizontalAdvance(valueText(y)));
    for (int i = 0; i < n; ++i) {
        PanelLayout p;
        p.area = QRectF(bodyLeft + i * w, top, w, target.bottom() - top);
        p.title = QRectF(p.area.left(), p.area.top(), p.area.width(), fm.height() * 1.4);
        if (spec.basin) {
            p.plot =
                FunctionMapRenderer::layout(QRectF(p.area.left(), p.title.bottom(), p.area.width(),
                                                   p.area.bottom() - p.title.bottom()),
                                            font, true)
                    .plot;
        } else {
            const double left = p.area.left() + fm.height() * 1.6 + yLabel + 6;
            const double bottom = p.area.bottom() - fm.height() * 2.8;
            p.plot = QRectF(left, p.title.bottom() + 2, std::max(20.0, p.area.right() - left - pad),
                            std::max(20.0, bottom - p.title.bottom() - 2));
        }
        l.panels.push_back(p);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& panel : spec.panels)
        for (const auto& c : panel.cells) {
            const double v = scaled(spec, c.value);
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    if (!std::isfinite(lo)) {
        lo = 0;
        hi = 1;
    }
    if (hi - lo < 1e-12)
        hi = lo + 1e-12 + std::fabs(lo) * 1e-6;
    l.vLo = lo;
    l.vHi = hi;
    return l;
}

/// Position of a value on the colour scale, 0..1, bright (1) for the better end.
double colorPosition(const HeatmapSpec& s, const Layout& l, double v) {
    const double t = (scaled(s, v) - l.vLo) / (l.vHi - l.vLo);
    return s.lowIsGood ? 1.0 - t : t;
}

QRectF cellRect(const HeatmapSpec& s, const PanelLayout& p, int xi, int yi) {
    if (s.basin) {
        const auto ex = edges(s.xs, false), ey = edges(s.ys, false);
        const QRectF view = worldRect(s);
        const QPointF a = FunctionMapRenderer::toPixel(p.plot, view, QPointF(ex[xi], ey[yi]));
        const QPointF b =
            FunctionMapRenderer::toPixel(p.plot, view, QPointF(ex[xi + 1], ey[yi + 1]));
        return QRectF(a, b).normalized();
    }
    const double w = p.plot.width() / std::max<qsizetype>(1, s.xs.size());
    const double h = p.plot.height() / std::max<qsizetype>(1, s.ys.size());
    // y grows upwards, like the values.
    return QRectF(p.plot.left() + xi * w, p.plot.bottom() - (yi + 1) * h, w, h);
}

void drawCross(QPainter& p, const QRectF& r, const QColor& color, double size) {
    const QPointF c = r.center();
    p.setPen(QPen(color, 2));
    p.drawLine(c + QPointF(-size, -size), c + QPointF(size, size));
    p.drawLine(c + QPointF(-size, size), c + QPointF(size, -size));
}

} // namespace

HeatmapPlot::HeatmapPlot(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(320, 240);
}

HeatmapPlot::~HeatmapPlot() = default;

void HeatmapPlot::setSpec(const HeatmapSpec& spec) {
    m_spec = spec;
    update();
}

void HeatmapPlot::render(const HeatmapSpec& spec, QPainter& p, const QRectF& target,
                         const QPalette& pal) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(target, pal.color(QPalette::Base));
    const QFont font = p.font();
    const QFontMetricsF fm(font);
    const Layout l = layoutFor(spec, target, font);
    const QColor text = pal.color(QPalette::Text);
    p.setPen(text);
    p.setFont(boldOf(font, 1.2));
    p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, spec.title);
    p.setFont(font);
    const int nx = int(spec.xs.size()), ny = int(spec.ys.size());

    if (spec.basin) {
        // The minima's colours, in a row under the title.
        double x = l.legend.left();
        for (int k = 0; k < spec.categoryNames.size(); ++k) {
            const QRectF sw(x, l.legend.center().y() - 6, 12, 12);
            p.fillRect(sw, spec.categoryColors.value(k));
            p.setPen(text);
            const QString label = spec.categoryNames[k];
            p.drawText(QRectF(sw.right() + 4, l.legend.top(), fm.horizontalAdvance(label) + 4,
                              l.legend.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, label);
            x = sw.right() + 4 + fm.horizontalAdvance(label) + 16;
        }
        p.drawText(
            QRectF(x, l.legend.top(), l.legend.right() - x, l.legend.height()),
            Qt::AlignLeft | Qt::AlignVCenter,
            QObject::tr("paler: higher %1; grey: no known minimum reached").arg(spec.valueTitle));
    }

    for (std::size_t pi = 0; pi < l.panels.size() && pi < spec.panels.size(); ++pi) {
        const PanelLayout& pl = l.panels[pi];
        const HeatmapPanel& panel = spec.panels[pi];
        p.setPen(text);
        p.setFont(boldOf(font, 1.0));
        p.drawText(pl.title, Qt::AlignCenter, panel.title);
        p.setFont(font);
        if (spec.basin) {
            MapScene scene;
            scene.problem = spec.function;
            scene.view = worldRect(spec);
            scene.showStart = false;
            scene.compact = true;
            FunctionMapRenderer renderer;
            renderer.render(p,
                            QRectF(pl.area.left(), pl.title.bottom(), pl.area.width(),
                                   pl.area.bottom() - pl.title.bottom()),
                            scene, pal);
        }
        for (int yi = 0; yi < ny; ++yi)
            for (int xi = 0; xi < nx; ++xi) {
                const std::size_t idx = std::size_t(yi * nx + xi);
                if (idx >= panel.cells.size())
                    continue;
                const HeatmapCell& c = panel.cells[idx];
                // Whole pixels, so that neighbouring cells neither overlap nor leave a seam.
                const QRectF exact = cellRect(spec, pl, xi, yi);
                const QRectF r(QPointF(std::round(exact.left()), std::round(exact.top())),
                               QPointF(std::round(exact.right()), std::round(exact.bottom())));
                p.setRenderHint(QPainter::Antialiasing, false);
                if (spec.basin) {
                    QColor color = c.category >= 0 ? spec.categoryColors.value(c.category)
                                                   : QColor(150, 150, 150);
                    const double t = std::isfinite(scaled(spec, c.value))
                                         ? 1.0 - colorPosition(spec, l, c.value)
                                         : 0.0;
                    color = QColor::fromRgbF(color.redF() + (1 - color.redF()) * 0.6 * t,
                                             color.greenF() + (1 - color.greenF()) * 0.6 * t,
                                             color.blueF() + (1 - color.blueF()) * 0.6 * t, 0.8);
                    p.fillRect(r, color);
                } else if (std::isfinite(scaled(spec, c.value))) {
                    const QColor color = QColor::fromRgb(viridis(colorPosition(spec, l, c.value)));
                    p.fillRect(r, color);
                    if (r.width() >= fm.horizontalAdvance(QStringLiteral("0.000")) + 4 &&
                        r.height() >= fm.height()) {
                        p.setPen(color.lightness() > 140 ? QColor(20, 20, 20)
                                                         : QColor(245, 245, 245));
                        p.drawText(r, Qt::AlignCenter, valueText(c.value));
                    }
                } else {
                    p.fillRect(r, QColor(200, 200, 200));
                }
                p.setRenderHint(QPainter::Antialiasing, true);
                if (c.total > 0 && c.diverged == c.total)
                    drawCross(p, r, QColor(200, 30, 30), std::min(r.width(), r.height()) * 0.3);
                else if (c.diverged > 0) {
                    // Some repeats diverged: a red corner.
                    QPolygonF tri;
                    const double s = std::min(r.width(), r.height()) * 0.3;
                    tri << r.topRight() << r.topRight() + QPointF(-s, 0)
                        << r.topRight() + QPointF(0, s);
                    p.setPen(Qt::NoPen);
                    p.setBrush(QColor(200, 30, 30));
                    p.drawPolygon(tri);
                    p.setBrush(Qt::NoBrush);
                }
            }
        if (spec.basin)
            continue;
        // Axes: value labels at the cells' centres (thinned to fit).
        p.setPen(text);
        const int xStep =
            std::max(1, int(std::ceil(nx * (fm.horizontalAdvance(QStringLiteral("0.0000")) + 8) /
                                      std::max(1.0, pl.plot.width()))));
        for (int xi = 0; xi < nx; xi += xStep) {
            const QRectF r = cellRect(spec, pl, xi, 0);
            p.drawText(QRectF(r.center().x() - 50, pl.plot.bottom() + 2, 100, fm.height()),
                       Qt::AlignCenter, valueText(spec.xs[xi]));
        }
        const int yStep =
            std::max(1, int(std::ceil(ny * fm.height() * 1.1 / std::max(1.0, pl.plot.height()))));
        for (int yi = 0; yi < ny; yi += yStep) {
            const QRectF r = cellRect(spec, pl, 0, yi);
            p.drawText(QRectF(pl.area.left(), r.center().y() - fm.height() / 2,
                              pl.plot.left() - pl.area.left() - 6, fm.height()),
                       Qt::AlignRight | Qt::AlignVCenter, valueText(spec.ys[yi]));
        }
        p.drawText(QRectF(pl.plot.left(), pl.plot.bottom() + fm.height() * 1.3, pl.plot.width(),
                          fm.height() * 1.2),
                   Qt::AlignCenter, spec.xTitle + (spec.logX ? QObject::tr(" (log)") : QString()));
        p.save();
        p.translate(pl.area.left() + fm.height() * 0.2, pl.plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-pl.plot.height() / 2, 0, pl.plot.height(), fm.height() * 1.2),
                   Qt::AlignCenter, spec.yTitle + (spec.logY ? QObject::tr(" (log)") : QString()));
        p.restore();
    }

    if (!spec.basin) {
        // Colour bar: the better end on top.
        const QRectF bar = l.colorBar;
        for (int i = 0; i < int(bar.height()); ++i) {
            const double t = 1.0 - double(i) / std::max(1.0, bar.height() - 1);
            p.fillRect(QRectF(bar.left(), bar.top() + i, bar.width(), 1.0),
                       QColor::fromRgb(viridis(t)));
        }
        p.setPen(text);
        p.drawRect(bar);
        auto label = [&](double t) { // t = colour position
            const double s = spec.lowIsGood ? 1.0 - t : t;
            const double v = l.vLo + s * (l.vHi - l.vLo);
            return valueText(spec.logValue ? std::pow(10.0, v) : v);
        };
        for (double t : {1.0, 0.5, 0.0}) {
            const double y = bar.top() + (1.0 - t) * bar.height();
            p.drawText(QRectF(bar.right() + 4, y - fm.height() / 2, 200, fm.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, label(t));
        }
        p.drawText(QRectF(bar.left(), bar.top() - fm.height() * 2.6, target.right() - bar.left(),
                          fm.height() * 2.4),
                   Qt::AlignLeft | Qt::AlignBottom,
                   spec.valueTitle + (spec.logValue ? QObject::tr("\n(log scale)") : QString()));
        p.drawText(QRectF(bar.left(), bar.bottom() + fm.height() * 0.6, target.right() - bar.left(),
                          fm.height() * 2.4),
                   Qt::AlignLeft | Qt::AlignTop, QObject::tr("× all diverged\n◤ some diverged"));
    }
    p.restore();
}

std::pair<int, int> HeatmapPlot::cellAt(const HeatmapSpec& spec, const QRectF& target,
                                        const QFont& font, const QPointF& pos) {
    const Layout l = layoutFor(spec, target, font);
    const int nx = int(spec.xs.size()), ny = int(spec.ys.size());
    for (std::size_t pi = 0; pi < l.panels.size(); ++pi)
        for (int yi = 0; yi < ny; ++yi)
            for (int xi = 0; xi < nx; ++xi)
                if (cellRect(spec, l.panels[pi], xi, yi).contains(pos))
                    return {int(pi), yi * nx + xi};
    return {-1, -1};
}

void HeatmapPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setFont(font());
    render(m_spec, p, rect(), palette());
}

void HeatmapPlot::mousePressEvent(QMouseEvent* event) {
    const auto [panel, cell] = cellAt(m_spec, rect(), font(), event->position());
    if (panel >= 0)
        emit cellClicked(panel, cell);
}

void HeatmapPlot::mouseMoveEvent(QMouseEvent* event) {
    const auto [panel, cell] = cellAt(m_spec, rect(), font(), event->position());
    if (panel < 0) {
        QToolTip::hideText();
        return;
    }
    const int nx = int(m_spec.xs.size());
    const HeatmapCell& c = m_spec.panels[std::size_t(panel)].cells[std::size_t(cell)];
    QString text =
        QStringLiteral("%1 = %2\n%3 = %4\n%5: %6")
            .arg(m_spec.xTitle, valueText(m_spec.xs[cell % nx]), m_spec.yTitle,
                 valueText(m_spec.ys[cell / nx]), m_spec.valueTitle,
                 std::isfinite(c.value) ? QString::number(c.value, 'g', 5) : QStringLiteral("–"));
    if (m_spec.basin)
        text += QStringLiteral("\n") +
                (c.category >= 0 ? tr("reached %1").arg(m_spec.categoryNames.value(c.category))
                                 : tr("reached no known minimum"));
    if (c.diverged > 0)
        text += tr("\n%1 of %2 repeats diverged").arg(c.diverged).arg(c.total);
    text += tr("\nclick to open this run in the explorer");
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

} // namespace optiscope
