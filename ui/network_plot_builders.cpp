#include "ui/network_plot_builders.h"

#include "ui/plots/line_chart.h"
#include "ui/run_track.h"

#include <cmath>
#include <map>

namespace optiscope {

namespace {

QString runName(const NetworkRunHistory& r) {
    return QString::fromStdString(r.instance.name);
}

QColor runColorFor(const NetworkRunHistory& r) {
    return r.instance.twin ? twinShade(r.color) : r.color;
}

Qt::PenStyle runPen(const NetworkRunHistory& r) {
    return r.instance.twin ? Qt::DashLine : Qt::SolidLine;
}

template <typename F> QVector<QPointF> perEpoch(const NetworkRunHistory& r, F&& value) {
    QVector<QPointF> out;
    for (const nn::EpochRecord& e : r.epochs) {
        const double v = value(e);
        if (std::isfinite(v))
            out.push_back(QPointF(double(e.epoch), v));
    }
    return out;
}

ChartSpec epochChart(const QString& title, const QString& yTitle) {
    ChartSpec c;
    c.title = title;
    c.xTitle = QStringLiteral("epoch");
    c.yTitle = yTitle;
    c.xMin = 0;
    c.emptyText = QStringLiteral("No epoch finished yet.");
    return c;
}

} // namespace

QString networkPlotKindName(NetworkPlotKind kind) {
    switch (kind) {
    case NetworkPlotKind::Loss:
        return QStringLiteral("loss");
    case NetworkPlotKind::Lr:
        return QStringLiteral("lr");
    case NetworkPlotKind::Accuracy:
        return QStringLiteral("accuracy");
    case NetworkPlotKind::EffLr:
        return QStringLiteral("eff_lr");
    }
    return {};
}

const std::vector<NetworkPlotKind>& allNetworkPlotKinds() {
    static const std::vector<NetworkPlotKind> kinds{NetworkPlotKind::Loss, NetworkPlotKind::Lr,
                                                    NetworkPlotKind::Accuracy,
                                                    NetworkPlotKind::EffLr};
    return kinds;
}

ChartSpec buildNetworkLossChart(const std::vector<NetworkRunHistory>& runs) {
    ChartSpec c = epochChart(QStringLiteral("Loss (solid: train, dotted: validation)"),
                             QStringLiteral("loss"));
    c.logY = true;
    for (const auto& r : runs) {
        c.series.push_back({runName(r) + QStringLiteral(": train"), runColorFor(r), runPen(r), 2.0,
                            false, true, perEpoch(r, [](auto& e) { return e.trainLoss; })});
        auto val = perEpoch(r, [](auto& e) { return e.valLoss; });
        if (!val.isEmpty())
            c.series.push_back({runName(r) + QStringLiteral(": validation"), runColorFor(r),
                                Qt::DotLine, 2.5, false, true, val});
    }
    return c;
}

ChartSpec buildNetworkLrChart(const std::vector<NetworkRunHistory>& runs) {
    ChartSpec c = epochChart(QStringLiteral("Learning rate η_t (last update of each epoch)"),
                             QStringLiteral("learning rate"));
    c.xMin = 1;
    c.yMin = 0;
    for (const auto& r : runs) {
        c.series.push_back({runName(r), runColorFor(r), runPen(r), 2.0, false, true,
                            perEpoch(r, [](auto& e) { return e.epoch > 0 ? e.lr : NAN; })});
        QVector<QPointF> reduced;
        for (const auto& e : r.epochs)
            if (e.lrReduced && std::isfinite(e.lr))
                reduced.push_back(QPointF(double(e.epoch), e.lr));
        if (!reduced.isEmpty())
            c.series.push_back({runName(r) + QStringLiteral(": lr reduced"), runColorFor(r),
                                Qt::SolidLine, 8.0, true, false, reduced});
    }
    return c;
}

ChartSpec buildNetworkAccuracyChart(const std::vector<NetworkRunHistory>& runs) {
    ChartSpec c = epochChart(QStringLiteral("Accuracy (solid: train, dotted: validation)"),
                             QStringLiteral("accuracy (%)"));
    c.emptyText = QStringLiteral("No accuracy: this is a regression problem.");
    for (const auto& r : runs) {
        auto train = perEpoch(r, [](auto& e) { return 100.0 * e.trainAccuracy; });
        if (!train.isEmpty())
            c.series.push_back({runName(r) + QStringLiteral(": train"), runColorFor(r), runPen(r),
                                2.0, false, true, train});
        auto val = perEpoch(r, [](auto& e) { return 100.0 * e.valAccuracy; });
        if (!val.isEmpty())
            c.series.push_back({runName(r) + QStringLiteral(": validation"), runColorFor(r),
                                Qt::DotLine, 2.5, false, true, val});
    }
    return c;
}

ChartSpec buildNetworkEffLrChart(const std::vector<NetworkRunHistory>& runs) {
    ChartSpec c = epochChart(
        QStringLiteral("Effective lr per tensor: median (solid), 5th–95th percentile (dotted)"),
        QStringLiteral("η_t/(√v̂+ε), last update of the epoch"));
    c.xMin = 1;
    c.logY = true;
    // One configured run (with or without its twin): a colour per tensor, the twin dashed and
    // out of the legend, so the legend stays short. Several runs: shades of each run's colour.
    int configs = 0;
    for (const auto& r : runs)
        configs += r.instance.twin ? 0 : 1;
    const bool byTensor = configs <= 1;
    if (byTensor && runs.size() > 1)
        c.title += QStringLiteral("; dashed: without decay");
    for (const auto& r : runs) {
        // Tensors in the order of the records.
        std::vector<std::string> tensors;
        for (const auto& e : r.epochs)
            if (e.effLr.size() > tensors.size())
                for (size_t i = tensors.size(); i < e.effLr.size(); ++i)
                    tensors.push_back(e.effLr[i].tensor);
        const int n = int(tensors.size());
        for (int i = 0; i < n; ++i) {
            QColor color;
            if (byTensor) {
                color = r.instance.twin ? twinShade(runColor(i)) : runColor(i);
            } else {
                const QColor base = runColorFor(r);
                const int shade = n > 1 ? 70 + (90 * i) / (n - 1) : 100; // darker .. lighter
                color = shade < 100 ? base.darker(200 - shade) : base.lighter(shade);
            }
            auto q = [&](double nn::TensorLrQuantiles::*field) {
                return perEpoch(r, [&](const nn::EpochRecord& e) {
                    return size_t(i) < e.effLr.size() ? e.effLr[size_t(i)].*field : NAN;
                });
            };
            const QString tensor = QString::fromStdString(tensors[size_t(i)]);
            const QString name = byTensor ? tensor : runName(r) + QStringLiteral(": ") + tensor;
            const bool inLegend = !(byTensor && r.instance.twin);
            c.series.push_back(
                {name, color, runPen(r), 2.0, false, inLegend, q(&nn::TensorLrQuantiles::p50)});
            c.series.push_back({name + QStringLiteral(" p05"), color, Qt::DotLine, 1.0, false,
                                false, q(&nn::TensorLrQuantiles::p05)});
            c.series.push_back({name + QStringLiteral(" p95"), color, Qt::DotLine, 1.0, false,
                                false, q(&nn::TensorLrQuantiles::p95)});
        }
    }
    if (c.series.empty())
        c.emptyText = QStringLiteral("This optimizer reports no effective learning rate.");
    return c;
}

void renderNetworkPlot(NetworkPlotKind kind, const std::vector<NetworkRunHistory>& runs,
                       QPainter& painter, const QRectF& target, const QPalette& palette) {
    switch (kind) {
    case NetworkPlotKind::Loss:
        LineChart::render(buildNetworkLossChart(runs), painter, target, palette);
        break;
    case NetworkPlotKind::Lr:
        LineChart::render(buildNetworkLrChart(runs), painter, target, palette);
        break;
    case NetworkPlotKind::Accuracy:
        LineChart::render(buildNetworkAccuracyChart(runs), painter, target, palette);
        break;
    case NetworkPlotKind::EffLr:
        LineChart::render(buildNetworkEffLrChart(runs), painter, target, palette);
        break;
    }
}

} // namespace optiscope
