#include "ui/function/plot_builders.h"

#include "core/functions/test_function.h"
#include "ui/plots/function_map_renderer.h"
#include "ui/plots/line_chart.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

constexpr int kMaxPoints = 400;

QString trackName(const RunTrack& t) {
    return QString::fromStdString(t.instance.name);
}

Qt::PenStyle penFor(const RunTrack& t) {
    return t.instance.twin ? Qt::DashLine : Qt::SolidLine;
}

// Twins: dashed and a pale, greyed shade of the run's colour — the run's "ghost" without decay —
// so the two stay apart in legends and where noisy lines overlap, also on a projector.
QColor colorFor(const RunTrack& t) {
    return t.instance.twin ? twinShade(t.color) : t.color;
}

// Every k-th sample so that at most kMaxPoints remain (the last one always kept).
template <typename F> QVector<QPointF> thin(const RunTrack& t, F&& f, bool skipRowZero) {
    QVector<QPointF> out;
    const auto& s = t.samples;
    const size_t n = s.size();
    const size_t k = std::max<size_t>(1, (n + kMaxPoints - 1) / kMaxPoints);
    for (size_t i = 0; i < n; i += k) {
        if (skipRowZero && s[i].step == 0)
            continue;
        out.push_back(f(s[i]));
    }
    if (n > 0 && (n - 1) % k != 0 && !(skipRowZero && s[n - 1].step == 0))
        out.push_back(f(s[n - 1]));
    return out;
}

double lr0Of(const Experiment& e, const RunTrack& t) {
    const RunConfig& cfg = e.runs[size_t(t.instance.configIndex)];
    return cfg.optimizer.params.has("lr") ? cfg.optimizer.params.real("lr") : 1.0;
}

} // namespace

QString plotKindName(PlotKind kind) {
    switch (kind) {
    case PlotKind::Trajectories:
        return QStringLiteral("trajectories");
    case PlotKind::Loss:
        return QStringLiteral("loss");
    case PlotKind::Lr:
        return QStringLiteral("lr");
    case PlotKind::EffLr:
        return QStringLiteral("eff_lr");
    case PlotKind::Ratio:
        return QStringLiteral("eff_lr_ratio");
    }
    return {};
}

QString plotKindTitle(PlotKind kind) {
    switch (kind) {
    case PlotKind::Trajectories:
        return QStringLiteral("Function map");
    case PlotKind::Loss:
        return QStringLiteral("Loss");
    case PlotKind::Lr:
        return QStringLiteral("Learning rate");
    case PlotKind::EffLr:
        return QStringLiteral("Effective learning rate");
    case PlotKind::Ratio:
        return QStringLiteral("Effective lr ratio");
    }
    return {};
}

const std::vector<PlotKind>& allPlotKinds() {
    static const std::vector<PlotKind> kinds{PlotKind::Trajectories, PlotKind::Loss, PlotKind::Lr,
                                             PlotKind::EffLr, PlotKind::Ratio};
    return kinds;
}

QRectF defaultMapView(const Experiment& e) {
    if (const FunctionInfo* info = functionInfo(e.function)) {
        const PlotBounds& b = info->bounds;
        return QRectF(b.xMin, b.yMin, b.xMax - b.xMin, b.yMax - b.yMin);
    }
    return QRectF(-2, -2, 4, 4);
}

MapScene buildMapScene(const Experiment& e, const std::vector<RunTrack>& tracks,
                       const QRectF& view) {
    MapScene scene;
    scene.problem = e.function;
    scene.view = view.isValid() ? view : defaultMapView(e);
    for (const RunTrack& t : tracks) {
        if (!t.visible)
            continue;
        MapTrace m;
        m.label = trackName(t);
        m.color = colorFor(t);
        m.dashed = t.instance.twin;
        // Every kept row (at most ~8k a run, thinned by a stride fixed for the run's budget), so
        // the path only grows between frames and the map strokes just the new part; the map
        // skips points less than a pixel or two apart when it strokes.
        const size_t n = t.samples.size();
        for (size_t i = 0; i < n; ++i)
            m.path.push_back(QPointF(t.samples[i].x, t.samples[i].y));
        if (t.hasLatest) {
            m.path.push_back(QPointF(t.latest.x, t.latest.y));
            m.hasCurrent = true;
            m.current = QPointF(t.latest.x, t.latest.y);
        }
        if (t.diverged || !t.error.isEmpty())
            m.status = t.statusText();
        scene.traces.push_back(std::move(m));
    }
    return scene;
}

ChartSpec buildLossChart(const Experiment& e, const std::vector<RunTrack>& tracks) {
    ChartSpec c;
    c.xMax = double(e.steps);
    c.title = QStringLiteral("Loss f(θ) per step");
    c.xTitle = QStringLiteral("step");
    c.yTitle = QStringLiteral("loss (log)");
    c.logY = true;
    for (const RunTrack& t : tracks) {
        if (!t.visible)
            continue;
        c.series.push_back(
            {trackName(t), colorFor(t), penFor(t), 2.0, false, true,
             thin(
                 t, [](const RunSample& s) { return QPointF(s.step, s.loss); }, false)});
    }
    return c;
}

ChartSpec buildLrChart(const Experiment& e, const std::vector<RunTrack>& tracks) {
    ChartSpec c;
    c.xMax = double(e.steps);
    c.yMin = 0;
    c.title = QStringLiteral("Learning rate η_t per step");
    c.xTitle = QStringLiteral("step");
    c.yTitle = QStringLiteral("learning rate");
    c.logY = false;
    std::vector<ChartSeries> markers;
    for (const RunTrack& t : tracks) {
        if (!t.visible)
            continue;
        c.series.push_back(
            {trackName(t), colorFor(t), penFor(t), 2.0, false, true,
             thin(
                 t, [](const RunSample& s) { return QPointF(s.step, s.lr); }, true)});
        ChartSeries m{trackName(t) + QStringLiteral(": plateau reductions"),
                      t.color,
                      Qt::SolidLine,
                      2.0,
                      true,
                      true,
                      {}};
        for (const RunSample& s : t.samples)
            if (s.lrReduced)
                m.points.push_back(QPointF(s.step, s.lr));
        if (!m.points.isEmpty())
            markers.push_back(std::move(m));
    }
    for (auto& m : markers)
        c.series.push_back(std::move(m));
    return c;
}

ChartSpec buildEffLrChart(const Experiment& e, const std::vector<RunTrack>& tracks, int axis) {
    ChartSpec c;
    c.xMax = double(e.steps);
    const QString name = axis == 0 ? QStringLiteral("x") : QStringLiteral("y");
    c.title = QStringLiteral("Effective learning rate for %1").arg(name);
    c.xTitle = QStringLiteral("step");
    c.yTitle = QStringLiteral("eff. lr of %1 (log)").arg(name);
    c.logY = true;
    for (const RunTrack& t : tracks) {
        if (!t.visible)
            continue;
        c.series.push_back({trackName(t), colorFor(t), penFor(t), 2.0, false, true,
                            thin(
                                t,
                                [axis](const RunSample& s) {
                                    return QPointF(s.step, axis == 0 ? s.effLrX : s.effLrY);
                                },
                                true)});
    }
    return c;
}

ChartSpec buildRatioChart(const Experiment& e, const std::vector<RunTrack>& tracks) {
    ChartSpec c;
    c.title = QStringLiteral("Decay's effect: eff. lr (decay) / eff. lr (no decay)");
    c.xTitle = QStringLiteral("schedule factor η_t / η_0");
    c.xMin = 0;
    c.yMin = 0;
    c.yTitle = QStringLiteral("ratio of effective lrs");
    c.emptyText = QStringLiteral("Tick \"compare without decay\" on a run to see this chart.");
    double fmin = 1.0;
    for (const RunTrack& t : tracks) {
        if (t.instance.twin || !t.visible)
            continue;
        auto twin = std::find_if(tracks.begin(), tracks.end(), [&](const RunTrack& o) {
            return o.instance.twin && o.instance.configIndex == t.instance.configIndex;
        });
        if (twin == tracks.end())
            continue;
        const double lr0 = lr0Of(e, t);
        QVector<QPointF> px, py;
        size_t j = 0;
        const auto& a = t.samples;
        const auto& b = twin->samples;
        const size_t k = std::max<size_t>(1, (a.size() + kMaxPoints - 1) / kMaxPoints);
        for (size_t i = 0; i < a.size(); i += k) {
            if (a[i].step == 0)
                continue;
            while (j < b.size() && b[j].step < a[i].step)
                ++j;
            if (j >= b.size())
                break;
            if (b[j].step != a[i].step)
                continue;
            const double factor = a[i].lr / lr0;
            fmin = std::min(fmin, factor);
            px.push_back(QPointF(factor, a[i].effLrX / b[j].effLrX));
            py.push_back(QPointF(factor, a[i].effLrY / b[j].effLrY));
        }
        QColor light = t.color.lighter(140);
        c.series.push_back(
            {trackName(t) + QStringLiteral(": x"), t.color, Qt::SolidLine, 2.0, false, true, px});
        c.series.push_back(
            {trackName(t) + QStringLiteral(": y"), light, Qt::DotLine, 2.5, false, true, py});
    }
    if (!c.series.empty() && fmin < 1.0) {
        QVector<QPointF> diag;
        for (int i = 0; i <= 20; ++i) {
            const double f = std::pow(fmin, 1.0 - i / 20.0);
            diag.push_back(QPointF(f, f));
        }
        c.series.push_back({QStringLiteral("ratio = factor (same v̂)"), QColor(128, 128, 128),
                            Qt::DashLine, 1.5, false, true, diag});
    }
    return c;
}

void renderPlot(PlotKind kind, const Experiment& e, const std::vector<RunTrack>& tracks,
                QPainter& painter, const QRectF& target, const QPalette& palette,
                const QRectF& view) {
    switch (kind) {
    case PlotKind::Trajectories: {
        FunctionMapRenderer renderer;
        renderer.render(painter, target, buildMapScene(e, tracks, view), palette);
        break;
    }
    case PlotKind::Loss:
        LineChart::render(buildLossChart(e, tracks), painter, target, palette);
        break;
    case PlotKind::Lr:
        LineChart::render(buildLrChart(e, tracks), painter, target, palette);
        break;
    case PlotKind::EffLr: {
        const QRectF left(target.topLeft(), QSizeF(target.width() / 2, target.height()));
        const QRectF right(left.topRight(), left.size());
        LineChart::render(buildEffLrChart(e, tracks, 0), painter, left, palette);
        LineChart::render(buildEffLrChart(e, tracks, 1), painter, right, palette);
        break;
    }
    case PlotKind::Ratio:
        LineChart::render(buildRatioChart(e, tracks), painter, target, palette);
        break;
    }
}

QByteArray traceCsv(const RunTrack& track) {
    QByteArray out = "step,x,y,loss,grad_x,grad_y,lr,eff_lr_x,eff_lr_y\n";
    auto num = [](double v) {
        return std::isfinite(v) ? QByteArray::number(v, 'g', 17) : QByteArray();
    };
    for (const RunSample& s : track.samples) {
        out += QByteArray::number(s.step) + ',' + num(s.x) + ',' + num(s.y) + ',' + num(s.loss) +
               ',' + num(s.gradX) + ',' + num(s.gradY) + ',' +
               (s.step == 0 ? QByteArray(",,")
                            : num(s.lr) + ',' + num(s.effLrX) + ',' + num(s.effLrY)) +
               '\n';
    }
    return out;
}

} // namespace optiscope
