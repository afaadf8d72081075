#include "ui/plots/function_map_renderer.h"
#include "ui/plots/plot_style.h"

#include "core/functions/test_function.h"
#include "ui/plots/color_map.h"

#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QObject>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <memory>

namespace optiscope {

namespace {

QString fmtTick(double v, double step) {
    if (std::fabs(v) < step * 1e-6)
        v = 0;
    int decimals = 0;
    while (decimals < 6) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::fabs(scaled - std::round(scaled)) < 1e-6 * scaled)
            break;
        ++decimals;
    }
    return QString::number(v, 'f', decimals);
}

QString paramsText(const FunctionProblem& problem) {
    QStringList parts;
    for (const auto& [name, value] : problem.params.values())
        if (const auto* d = std::get_if<double>(&value))
            parts << QStringLiteral("%1 = %2").arg(QString::fromStdString(name)).arg(*d, 0, 'g', 4);
    if (problem.noise && problem.noise->stddev > 0)
        parts << QStringLiteral("gradient noise σ = %1").arg(problem.noise->stddev, 0, 'g', 3);
    return parts.join(QStringLiteral(", "));
}

} // namespace

FunctionMapRenderer::Layout FunctionMapRenderer::layout(const QRectF& target, const QFont& font,
                                                        bool compact) {
    QFontMetricsF fm(font);
    const double h = fm.height();
    Layout l;
    l.title =
        QRectF(target.left() + 8, target.top() + 4, target.width() - 16, compact ? 0 : h * 1.6);
    const double left = fm.horizontalAdvance(QStringLiteral("-0.000")) + h * 1.6;
    const double right =
        compact ? h * 0.8 : fm.horizontalAdvance(QStringLiteral("0.00e+00")) + h * 3.8;
    const double top = l.title.bottom() + h * 0.4;
    const double bottom = h * 3.0;
    l.plot = QRectF(target.left() + left, top, std::max(10.0, target.width() - left - right),
                    std::max(10.0, target.bottom() - bottom - top));
    l.colorBar = QRectF(l.plot.right() + h * 0.8, l.plot.top(), h * 0.9, l.plot.height());
    return l;
}

QPointF FunctionMapRenderer::toPixel(const QRectF& plot, const QRectF& view, const QPointF& w) {
    return {plot.left() + (w.x() - view.left()) / view.width() * plot.width(),
            plot.bottom() - (w.y() - view.top()) / view.height() * plot.height()};
}

QPointF FunctionMapRenderer::toWorld(const QRectF& plot, const QRectF& view, const QPointF& px) {
    return {view.left() + (px.x() - plot.left()) / plot.width() * view.width(),
            view.top() + (plot.bottom() - px.y()) / plot.height() * view.height()};
}

QVector<double> FunctionMapRenderer::ticks(double lo, double hi, int count) {
    QVector<double> out;
    if (!(hi > lo) || count < 1)
        return out;
    const double raw = (hi - lo) / count;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        out.push_back(v);
    return out;
}

void FunctionMapRenderer::ensureField(const MapScene& scene, const QSize& pixels) {
    // A typed function is known by its text (the name is always "custom").
    QString key = QString::fromStdString(scene.problem.function) + "|" +
                  (scene.problem.custom
                       ? QString::fromStdString(scene.problem.custom->expression().text()) + "|"
                       : QString()) +
                  QString::fromStdString(paramsText(scene.problem).toStdString()) +
                  QStringLiteral("|%1,%2,%3,%4|%5x%6")
                      .arg(scene.view.left(), 0, 'g', 17)
                      .arg(scene.view.top(), 0, 'g', 17)
                      .arg(scene.view.width(), 0, 'g', 17)
                      .arg(scene.view.height(), 0, 'g', 17)
                      .arg(pixels.width())
                      .arg(pixels.height());
    if (key == m_field.key)
        return;
    m_field = Field();
    m_field.key = key;
    const FunctionInfo* info = functionInfo(scene.problem);
    if (!info) {
        m_field.error = QStringLiteral("unknown function \"%1\"")
                            .arg(QString::fromStdString(scene.problem.function));
        return;
    }
    std::unique_ptr<TestFunction> fn;
    try {
        fn = std::make_unique<TestFunction>(*info, scene.problem.params);
    } catch (const std::exception& e) {
        m_field.error = QString::fromStdString(e.what());
        return;
    }
    // Sample f on a grid no larger than ~250k points; the image is scaled smoothly to the plot.
    int w = std::max(8, pixels.width()), h = std::max(8, pixels.height());
    const double scale = std::sqrt(250000.0 / (double(w) * h));
    if (scale < 1) {
        w = std::max(8, int(w * scale));
        h = std::max(8, int(h * scale));
    }
    std::vector<double> f(size_t(w) * h);
    double lo = INFINITY, hi = -INFINITY;
    const QRectF& v = scene.view;
    for (int j = 0; j < h; ++j) {
        const double y = v.top() + (h - 1 - j + 0.5) / h * v.height();
        for (int i = 0; i < w; ++i) {
            const double x = v.left() + (i + 0.5) / w * v.width();
            const double val = fn->value(Eigen::Vector2d(x, y));
            f[size_t(j) * w + i] = val;
            if (std::isfinite(val)) {
                lo = std::min(lo, val);
                hi = std::max(hi, val);
            }
        }
    }
    for (const auto& m : fn->minima()) {
        const double val = fn->value(m);
        if (std::isfinite(val) && v.contains(QPointF(m.x(), m.y())))
            lo = std::min(lo, val);
    }
    if (!std::isfinite(lo)) {
        m_field.error = QStringLiteral("f is not finite here");
        return;
    }
    if (!(hi > lo))
        hi = lo + 1;
    m_field.fMin = lo;
    m_field.fMax = hi;
    m_field.offset = std::max((hi - lo) * 1e-5, 1e-12);
    const double zLo = std::log10(m_field.offset);
    const double zHi = std::log10(hi - lo + m_field.offset);
    auto zOf = [&](double val) {
        return std::isfinite(val)
                   ? (std::log10(std::max(val - lo, 0.0) + m_field.offset) - zLo) / (zHi - zLo)
                   : 1.0;
    };
    std::vector<double> z(f.size());
    m_field.image = QImage(w, h, QImage::Format_RGB32);
    for (int j = 0; j < h; ++j) {
        auto* line = reinterpret_cast<QRgb*>(m_field.image.scanLine(j));
        for (int i = 0; i < w; ++i) {
            const double t = zOf(f[size_t(j) * w + i]);
            z[size_t(j) * w + i] = t;
            line[i] = viridis(t);
        }
    }

    // Contours: marching squares on a coarser grid, 14 levels evenly spaced in log f.
    const int step = std::max(1, std::min(w, h) / 110);
    const int cw = (w - 1) / step + 1, ch = (h - 1) / step + 1;
    auto zAt = [&](int ci, int cj) { return z[size_t(cj * step) * w + size_t(ci * step)]; };
    auto world = [&](double gi, double gj) {
        const double px = gi * step + 0.5, py = gj * step + 0.5;
        return QPointF(v.left() + px / w * v.width(), v.top() + (h - py) / h * v.height());
    };
    const int levels = 14;
    for (int L = 1; L <= levels; ++L) {
        const double c = double(L) / (levels + 1);
        for (int cj = 0; cj + 1 < ch; ++cj) {
            for (int ci = 0; ci + 1 < cw; ++ci) {
                const double a = zAt(ci, cj), b = zAt(ci + 1, cj);
                const double d = zAt(ci, cj + 1), e = zAt(ci + 1, cj + 1);
                QPointF pts[4];
                int n = 0;
                auto edge = [&](double v0, double v1, double i0, double j0, double i1, double j1) {
                    if ((v0 < c) != (v1 < c) && n < 4) {
                        const double t = (c - v0) / (v1 - v0);
                        pts[n++] = world(i0 + (i1 - i0) * t, j0 + (j1 - j0) * t);
                    }
                };
                edge(a, b, ci, cj, ci + 1, cj);
                edge(b, e, ci + 1, cj, ci + 1, cj + 1);
                edge(e, d, ci + 1, cj + 1, ci, cj + 1);
                edge(d, a, ci, cj + 1, ci, cj);
                if (n >= 2)
                    m_field.contours.push_back(QLineF(pts[0], pts[1]));
                if (n == 4)
                    m_field.contours.push_back(QLineF(pts[2], pts[3]));
            }
        }
    }
}

void FunctionMapRenderer::render(QPainter& p, const QRectF& target, const MapScene& scene,
                                 const QPalette& pal) {
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    const Layout l = layout(target, p.font(), scene.compact);
    ensureField(scene, l.plot.size().toSize());
    if (m_cacheStatic && p.device()) {
        // On screen the heatmap, contours, axes and colour bar change only with the view, so
        // they are drawn once into an image; each frame blits it and strokes the paths on top.
        const qreal dpr = p.device()->devicePixelRatioF();
        const QString key =
            m_field.key + QStringLiteral("|%1x%2@%3|%4|%5|%6|%7")
                              .arg(target.width())
                              .arg(target.height())
                              .arg(dpr)
                              .arg(pal.color(QPalette::Window).name(), p.font().toString())
                              .arg(scene.showStart)
                              .arg(scene.compact);
        if (key != m_staticKey) {
            m_static = QImage((target.size() * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
            m_static.setDevicePixelRatio(dpr);
            QPainter sp(&m_static);
            sp.setFont(p.font());
            sp.setRenderHint(QPainter::Antialiasing, true);
            sp.setRenderHint(QPainter::SmoothPixmapTransform, true);
            const QRectF local(QPointF(0, 0), target.size());
            drawStatic(sp, local, layout(local, p.font(), scene.compact), scene, pal);
            m_staticKey = key;
        }
        p.drawImage(target.topLeft(), m_static);
    } else {
        drawStatic(p, target, l, scene, pal);
    }
    if (m_field.error.isEmpty() && !m_field.image.isNull()) {
        p.save();
        p.setClipRect(l.plot);
        if (m_cacheStatic && p.device()) {
            m_pathsPending =
                !updatePathLayer(target.size(), p.device()->devicePixelRatioF(), p.font(), scene);
            p.drawImage(target.topLeft(), m_paths);
            p.translate(target.topLeft());
            drawMarkers(p, layout(QRectF(QPointF(0, 0), target.size()), p.font(), scene.compact),
                        scene);
        } else {
            drawTraces(p, l, scene);
        }
        p.restore();
        drawLegend(p, l, scene, pal);
    }
    p.restore();
}

bool FunctionMapRenderer::updatePathLayer(const QSizeF& size, qreal dpr, const QFont& font,
                                          const MapScene& scene) {
    bool full = m_pathsKey != m_staticKey || m_drawn.size() != scene.traces.size();
    for (size_t i = 0; i < scene.traces.size() && !full; ++i) {
        const MapTrace& t = scene.traces[i];
        const DrawnPath& d = m_drawn[i];
        // Same run, and its kept rows only grew (thinning the rows rewrites them: redraw).
        full = t.color != d.color || t.dashed != d.dashed || t.path.size() < d.points ||
               (d.points > 0 && (t.path.front() != d.first || t.path[d.points - 1] != d.last));
    }
    if (full) {
        m_paths = QImage((size * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
        m_paths.setDevicePixelRatio(dpr);
        m_paths.fill(Qt::transparent);
        m_pathsKey = m_staticKey;
        m_drawn.assign(scene.traces.size(), DrawnPath());
    }
    QPainter p(&m_paths);
    p.setFont(font);
    const Layout l = layout(QRectF(QPointF(0, 0), size), font, scene.compact);
    p.setClipRect(l.plot);
    for (size_t i = 0; i < scene.traces.size(); ++i) {
        const MapTrace& t = scene.traces[i];
        DrawnPath& d = m_drawn[i];
        d.color = t.color;
        d.dashed = t.dashed;
    }
    // Round robin, a slice of rows per run at a time, so that with a budget every run's path
    // grows alike. `points` counts the path points stroked; the next stroke starts at the last
    // of them so that the pieces join. The path's last point may be the run's current one, not
    // a kept row: after it, the next frame strokes again from the point before it. The frame's
    // halos go first and its colours after them, so that no halo of this frame darkens a colour
    // line of this frame (a run and its twin share their first steps). Halos take about half
    // the time: they get half the budget.
    constexpr qsizetype slice = 128;
    QElapsedTimer clock;
    clock.start();
    std::vector<PathPiece> pieces;
    bool done = true;
    for (bool more = true; more && done;) {
        more = false;
        for (size_t i = 0; i < scene.traces.size(); ++i) {
            const MapTrace& t = scene.traces[i];
            DrawnPath& d = m_drawn[i];
            const qsizetype size = t.path.size();
            if (size < 2 || size <= d.points + 1)
                continue;
            // At least one slice per frame, however small the budget.
            if (!pieces.empty() && m_pathBudgetNs > 0 &&
                clock.nsecsElapsed() > m_pathBudgetNs / 2) {
                done = false;
                break;
            }
            const qsizetype from = std::max<qsizetype>(0, d.points - 1);
            const qsizetype to = std::min(size, from + slice + 1);
            pieces.push_back(pathPiece(l, scene.view, t, from, to));
            strokeHalo(p, pieces.back());
            d.points = to < size ? to : size - 1;
            d.first = t.path.front();
            d.last = t.path[d.points - 1];
            more = more || to < size;
        }
    }
    for (const PathPiece& piece : pieces)
        strokeColour(p, piece);
    return done;
}

void FunctionMapRenderer::drawStatic(QPainter& p, const QRectF& target, const Layout& l,
                                     const MapScene& scene, const QPalette& pal) {
    p.fillRect(target, pal.color(QPalette::Window));
    const QFont font = p.font();
    // Title: the function, its formula and constants.
    const FunctionInfo* info = functionInfo(scene.problem);
    QString title =
        info ? QString::fromStdString(info->title) : QString::fromStdString(scene.problem.function);
    QString sub = info ? QString::fromStdString(info->formula) : QString();
    const QString extra = paramsText(scene.problem);
    if (!extra.isEmpty())
        sub += QStringLiteral("   (%1)").arg(extra);
    QFont bold = font;
    bold.setBold(true);
    bold.setPointSizeF(font.pointSizeF() * 1.15);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::WindowText));
    QFontMetricsF bfm(bold);
    if (!scene.compact) {
        p.drawText(l.title, Qt::AlignLeft | Qt::AlignVCenter, title);
        // The formula and constants beside the name, whole: in a smaller font where the map is
        // narrow (1366 px, presentation mode), without the constants (they are in the form) if
        // even that does not fit.
        const QRectF rest = l.title.adjusted(bfm.horizontalAdvance(title) + 16, 0, 0, 0);
        QFont small = font;
        for (const QString& text : {sub, info ? QString::fromStdString(info->formula) : sub}) {
            small = font;
            while (QFontMetricsF(small).horizontalAdvance(text) > rest.width() &&
                   small.pointSizeF() > font.pointSizeF() * 0.72)
                small.setPointSizeF(small.pointSizeF() * 0.92);
            if (QFontMetricsF(small).horizontalAdvance(text) <= rest.width()) {
                p.setFont(small);
                p.drawText(rest, Qt::AlignLeft | Qt::AlignVCenter, text);
                break;
            }
        }
    }
    p.setFont(font);

    if (!m_field.error.isEmpty() || m_field.image.isNull()) {
        p.fillRect(l.plot, pal.color(QPalette::Mid));
        p.drawText(l.plot, Qt::AlignCenter, m_field.error);
        return;
    }
    p.drawImage(l.plot, m_field.image);

    p.save();
    p.setClipRect(l.plot);
    QVector<QLineF> lines;
    lines.reserve(m_field.contours.size());
    for (const QLineF& c : m_field.contours)
        lines.push_back(
            QLineF(toPixel(l.plot, scene.view, c.p1()), toPixel(l.plot, scene.view, c.p2())));
    p.setPen(QPen(QColor(255, 255, 255, 90), 1.0));
    p.drawLines(lines);

    // Known minima: white stars with a dark outline.
    if (info) {
        try {
            TestFunction fn(*info, scene.problem.params);
            for (const auto& m : fn.minima()) {
                const QPointF c = toPixel(l.plot, scene.view, QPointF(m.x(), m.y()));
                QPainterPath star;
                for (int k = 0; k < 10; ++k) {
                    const double r = (k % 2 == 0) ? 9.0 : 4.0;
                    const double a = -M_PI / 2 + k * M_PI / 5;
                    const QPointF q(c.x() + r * std::cos(a), c.y() + r * std::sin(a));
                    k == 0 ? star.moveTo(q) : star.lineTo(q);
                }
                star.closeSubpath();
                p.setPen(QPen(Qt::black, 1.2));
                p.setBrush(Qt::white);
                p.drawPath(star);
            }
        } catch (...) {
        }
    }
    p.restore();

    p.setPen(QPen(pal.color(QPalette::WindowText), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(l.plot);
    drawAxes(p, l, scene.view, pal);
    if (!scene.compact)
        drawColorBar(p, l, pal);
}

void FunctionMapRenderer::drawAxes(QPainter& p, const Layout& l, const QRectF& view,
                                   const QPalette& pal) {
    QFontMetricsF fm(p.font());
    p.setPen(pal.color(QPalette::WindowText));
    const int nx = std::max(3, int(l.plot.width() / (fm.horizontalAdvance("-00.00") * 1.8)));
    const auto xt = ticks(view.left(), view.right(), nx);
    const double xstep = xt.size() > 1 ? xt[1] - xt[0] : view.width();
    for (double x : xt) {
        const double px = toPixel(l.plot, view, QPointF(x, view.top())).x();
        p.drawLine(QPointF(px, l.plot.bottom()), QPointF(px, l.plot.bottom() + 5));
        const QString s = fmtTick(x, xstep);
        p.drawText(QRectF(px - 50, l.plot.bottom() + 6, 100, fm.height()), Qt::AlignHCenter, s);
    }
    const int ny = std::max(2, int(l.plot.height() / (fm.height() * 3)));
    const auto yt = ticks(view.top(), view.bottom(), ny);
    const double ystep = yt.size() > 1 ? yt[1] - yt[0] : view.height();
    for (double y : yt) {
        const double py = toPixel(l.plot, view, QPointF(view.left(), y)).y();
        p.drawLine(QPointF(l.plot.left() - 5, py), QPointF(l.plot.left(), py));
        p.drawText(QRectF(l.plot.left() - 200 - 8, py - fm.height() / 2, 200, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, fmtTick(y, ystep));
    }
    QFont f = p.font();
    f.setItalic(true);
    p.setFont(f);
    p.drawText(QRectF(l.plot.left(), l.plot.bottom() + fm.height() * 1.3, l.plot.width(),
                      fm.height() * 1.4),
               Qt::AlignCenter, QStringLiteral("x"));
    p.drawText(QRectF(l.plot.left() - fm.horizontalAdvance("-0.000") - fm.height() * 1.6,
                      l.plot.top(), fm.height(), l.plot.height()),
               Qt::AlignCenter, QStringLiteral("y"));
    f.setItalic(false);
    p.setFont(f);
}

void FunctionMapRenderer::drawColorBar(QPainter& p, const Layout& l, const QPalette& pal) {
    const QRectF& r = l.colorBar;
    QImage bar(1, 256, QImage::Format_RGB32);
    for (int i = 0; i < 256; ++i)
        bar.setPixel(0, i, viridis(1.0 - i / 255.0));
    p.drawImage(r, bar);
    p.setPen(pal.color(QPalette::WindowText));
    p.drawRect(r);
    // Ticks at decades of f − f_min, labelled with f itself.
    QFontMetricsF fm(p.font());
    const double zLo = std::log10(m_field.offset);
    const double zHi = std::log10(m_field.fMax - m_field.fMin + m_field.offset);
    int first = int(std::ceil(zLo)), last = int(std::floor(zHi));
    int every =
        std::max(1, (last - first + 1) / std::max(2, int(r.height() / (fm.height() * 1.8))));
    for (int e = last; e >= first; e -= every) {
        const double t = (e - zLo) / (zHi - zLo);
        const double py = r.bottom() - t * r.height();
        p.drawLine(QPointF(r.right(), py), QPointF(r.right() + 4, py));
        const double fval = m_field.fMin + std::pow(10.0, e);
        p.drawText(QRectF(r.right() + 6, py - fm.height() / 2, 200, fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::number(fval, 'g', 3));
    }
    p.save();
    p.translate(r.right() + fm.horizontalAdvance("0.00e+00") + fm.height() * 1.0, r.center().y());
    p.rotate(90);
    p.drawText(QRectF(-r.height() / 2, -fm.height(), r.height(), fm.height() * 1.2),
               Qt::AlignCenter, QStringLiteral("f(x, y), log scale"));
    p.restore();
}

void FunctionMapRenderer::drawTraces(QPainter& p, const Layout& l, const MapScene& scene) {
    for (const MapTrace& t : scene.traces)
        if (t.path.size() >= 2) {
            const PathPiece piece = pathPiece(l, scene.view, t, 0);
            strokeHalo(p, piece);
            strokeColour(p, piece);
        }
    drawMarkers(p, l, scene);
}

FunctionMapRenderer::PathPiece FunctionMapRenderer::pathPiece(const Layout& l, const QRectF& view,
                                                              const MapTrace& t, qsizetype from,
                                                              qsizetype to) {
    if (to < 0)
        to = t.path.size();
    PathPiece piece;
    piece.color = t.color;
    piece.dashed = t.dashed;
    // Points closer than a pixel to the last one drawn add nothing but stroking time (a noisy
    // run hovering at its minimum piles up thousands of them).
    QPolygonF& poly = piece.halo;
    poly.reserve(to - from);
    // Far-away points (a diverging run) are pulled in: a dashed stroke of a line 1e100 pixels
    // long would take forever, and nothing of it past the margin is visible.
    const QRectF far = l.plot.adjusted(-4000, -4000, 4000, 4000);
    auto pixel = [&](const QPointF& w) {
        const QPointF q = toPixel(l.plot, view, w);
        if (!std::isfinite(q.x()) || !std::isfinite(q.y()))
            return far.center();
        return QPointF(std::clamp(q.x(), far.left(), far.right()),
                       std::clamp(q.y(), far.top(), far.bottom()));
    };
    for (qsizetype i = from; i < to; ++i) {
        const QPointF q = pixel(t.path[i]);
        if (poly.isEmpty() ||
            std::fabs(q.x() - poly.back().x()) + std::fabs(q.y() - poly.back().y()) >= 2.0)
            poly << q;
    }
    poly << pixel(t.path[to - 1]);
    piece.colour = poly;
    // A piece that continues one stroked before (a later frame, or the next slice within a
    // frame's budget): its halo darkens the end of the colour line before it, so its colour
    // starts a halo's width further back and covers that notch again.
    if (from > 0) {
        const QPointF joint = poly.front();
        QPolygonF back;
        for (qsizetype i = from - 1; i >= 0 && back.size() < 16; --i) {
            back.prepend(pixel(t.path[i]));
            if (std::hypot(back.front().x() - joint.x(), back.front().y() - joint.y()) >=
                kHaloWidth * plotLineScale())
                break;
        }
        piece.colour = back + poly;
    }
    return piece;
}

namespace {
/// Stroked in short pieces: the raster engine fills one long self-crossing outline (a noisy
/// run circling its minimum) in time that grows much faster than its length.
void strokeInPieces(QPainter& p, const QPolygonF& line) {
    constexpr int piece = 48;
    for (int i = 0; i + 1 < line.size(); i += piece)
        p.drawPolyline(line.constData() + i, std::min<int>(piece + 1, line.size() - i));
}
} // namespace

void FunctionMapRenderer::strokeHalo(QPainter& p, const PathPiece& piece) {
    // A dark halo keeps the colour readable on every part of the map. Bevel joins: round ones
    // cost a curve per vertex. Long paths: the halo without antialiasing (it is a soft shadow
    // anyway) halves the cost.
    p.setRenderHint(QPainter::Antialiasing, piece.halo.size() < 400);
    p.setPen(QPen(QColor(0, 0, 0, 150), kHaloWidth * plotLineScale(), Qt::SolidLine, Qt::FlatCap,
                  Qt::BevelJoin));
    strokeInPieces(p, piece.halo);
}

void FunctionMapRenderer::strokeColour(QPainter& p, const PathPiece& piece) {
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(piece.color, 2.5 * plotLineScale(), piece.dashed ? Qt::DashLine : Qt::SolidLine,
                  Qt::FlatCap, Qt::BevelJoin));
    strokeInPieces(p, piece.colour);
}

void FunctionMapRenderer::drawMarkers(QPainter& p, const Layout& l, const MapScene& scene) {
    QFontMetricsF fm(p.font());
    for (const MapTrace& t : scene.traces) {
        if (t.hasCurrent) {
            const QPointF c = toPixel(l.plot, scene.view, t.current);
            p.setPen(QPen(Qt::black, 1.5));
            p.setBrush(t.color);
            const double r = (t.dashed ? 5.0 : 7.0) * plotLineScale();
            p.drawEllipse(c, r, r);
            if (!t.status.isEmpty()) {
                const QString s = t.label + ": " + t.status;
                QRectF box(c + QPointF(10, -fm.height() - 4),
                           QSizeF(fm.horizontalAdvance(s) + 10, fm.height() + 4));
                if (box.right() > l.plot.right())
                    box.moveRight(c.x() - 10);
                if (box.top() < l.plot.top())
                    box.moveTop(c.y() + 10);
                p.setPen(Qt::NoPen);
                p.setBrush(QColor(0, 0, 0, 200));
                p.drawRoundedRect(box, 4, 4);
                p.setPen(QColor(255, 120, 100));
                p.drawText(box, Qt::AlignCenter, s);
            }
        }
    }
    if (scene.hasInspected) {
        const QPointF c = toPixel(l.plot, scene.view, scene.inspected);
        const double r = 11.0 * plotLineScale();
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::black, 4));
        p.drawEllipse(c, r, r);
        p.setPen(QPen(Qt::white, 2));
        p.drawEllipse(c, r, r);
        p.drawLine(c - QPointF(r * 1.6, 0), c - QPointF(r * 0.6, 0));
        p.drawLine(c + QPointF(r * 0.6, 0), c + QPointF(r * 1.6, 0));
        p.drawLine(c - QPointF(0, r * 1.6), c - QPointF(0, r * 0.6));
        p.drawLine(c + QPointF(0, r * 0.6), c + QPointF(0, r * 1.6));
    }
    if (scene.showStart) {
        const QPointF s =
            toPixel(l.plot, scene.view, QPointF(scene.problem.start.x(), scene.problem.start.y()));
        p.setPen(QPen(Qt::black, 2));
        p.setBrush(Qt::white);
        p.drawRect(QRectF(s - QPointF(6, 6), QSizeF(12, 12)));
        p.setPen(Qt::white);
        QFont f = p.font();
        f.setBold(true);
        p.setFont(f);
        p.drawText(s + QPointF(10, -8), QStringLiteral("start"));
        f.setBold(false);
        p.setFont(f);
    }
}

void FunctionMapRenderer::drawLegend(QPainter& p, const Layout& l, const MapScene& scene,
                                     const QPalette& pal) {
    Q_UNUSED(pal);
    if (scene.traces.empty())
        return;
    // With many runs, a twin is not listed on its own: one row says what dashed lines are.
    const QString twinSuffix = QString::fromUtf8(kTwinNameSuffix);
    QStringList labels;
    for (const auto& t : scene.traces)
        labels << t.label;
    std::vector<const MapTrace*> rows;
    bool twins = false;
    for (const auto& t : scene.traces) {
        if (t.dashed && scene.traces.size() > 4 && t.label.endsWith(twinSuffix) &&
            labels.contains(t.label.chopped(twinSuffix.size()))) {
            twins = true;
            continue;
        }
        rows.push_back(&t);
    }
    const QString twinRow = QObject::tr("without decay (twin)");
    QFontMetricsF fm(p.font());
    double w = twins ? fm.horizontalAdvance(twinRow) : 0.0;
    for (const MapTrace* t : rows)
        w = std::max(w, fm.horizontalAdvance(t->label));
    const double row = fm.height() * 1.25;
    QRectF box(l.plot.right() - w - 60, l.plot.top() + 8, w + 52,
               row * double(rows.size() + (twins ? 1 : 0)) + 10);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0, 0, 0, 170));
    p.drawRoundedRect(box, 5, 5);
    double y = box.top() + 5 + row / 2;
    for (const MapTrace* t : rows) {
        p.setPen(QPen(t->color, 2.5 * plotLineScale(), t->dashed ? Qt::DashLine : Qt::SolidLine));
        p.drawLine(QPointF(box.left() + 8, y), QPointF(box.left() + 38, y));
        p.setPen(Qt::white);
        p.drawText(QRectF(box.left() + 44, y - row / 2, w + 8, row), Qt::AlignVCenter, t->label);
        y += row;
    }
    if (twins) {
        p.setPen(QPen(QColor(220, 220, 220), 2.5 * plotLineScale(), Qt::DashLine));
        p.drawLine(QPointF(box.left() + 8, y), QPointF(box.left() + 38, y));
        p.setPen(Qt::white);
        p.drawText(QRectF(box.left() + 44, y - row / 2, w + 8, row), Qt::AlignVCenter, twinRow);
    }
}

} // namespace optiscope
