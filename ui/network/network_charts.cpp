#include "ui/network/network_charts.h"

#include "ui/function/run_track.h"

#include <cmath>

namespace optiscope {

QString NetworkTrack::statusText() const {
    if (!error.isEmpty())
        return QStringLiteral("error: %1").arg(error);
    if (diverged)
        return QStringLiteral("diverged at step %1").arg(divergedAt);
    if (epochs.empty())
        return QStringLiteral("starting");
    const nn::EpochRecord& r = epochs.back();
    QString text = QStringLiteral("epoch %1 · loss %2").arg(r.epoch).arg(r.trainLoss, 0, 'g', 4);
    if (std::isfinite(r.valAccuracy))
        text += QStringLiteral(" · val acc %1 %").arg(100.0 * r.valAccuracy, 0, 'f', 1);
    if (finished)
        text += QStringLiteral(" · done");
    return text;
}

std::vector<NetworkTrack> makeNetworkTracks(const Experiment& experiment) {
    std::vector<NetworkTrack> tracks;
    for (const RunInstance& instance : expandRuns(experiment)) {
        NetworkTrack t;
        t.instance = instance;
        t.color = runColorOf(experiment, instance.configIndex);
        if (instance.twin)
            t.color = t.color.lighter(125);
        tracks.push_back(std::move(t));
    }
    return tracks;
}

namespace {

ChartSpec base(const QString& title, const QString& y, long long epochs) {
    ChartSpec spec;
    spec.title = title;
    spec.xTitle = QStringLiteral("epoch");
    spec.yTitle = y;
    spec.xMin = 0;
    spec.xMax = double(std::max(1LL, epochs));
    spec.emptyText = QStringLiteral("no epochs yet");
    return spec;
}

ChartSeries line(const NetworkTrack& t, const QString& suffix, Qt::PenStyle style) {
    ChartSeries s;
    s.name = QString::fromStdString(t.instance.name) + suffix;
    s.color = t.color;
    s.style = t.instance.twin ? Qt::DashLine : style;
    if (t.instance.twin && style == Qt::DotLine)
        s.style = Qt::DashDotLine;
    s.width = style == Qt::SolidLine ? 2.0 : 1.6;
    return s;
}

template <typename Get>
void addPerEpoch(ChartSpec& spec, const NetworkTrack& t, const QString& suffix, Qt::PenStyle style,
                 Get get) {
    ChartSeries s = line(t, suffix, style);
    s.inLegend = style == Qt::SolidLine; // one entry per run; the title says what dotted means
    bool any = false;
    for (const nn::EpochRecord& r : t.epochs) {
        const double v = get(r);
        if (std::isfinite(v))
            any = true;
        s.points.push_back(QPointF(double(r.epoch), v));
    }
    if (any || t.epochs.empty())
        spec.series.push_back(std::move(s));
}

} // namespace

ChartSpec networkLossChart(const std::vector<NetworkTrack>& tracks, long long epochs) {
    ChartSpec spec = base(QStringLiteral("Loss (train solid, validation dotted)"),
                          QStringLiteral("loss"), epochs);
    spec.logY = true; // training loss falls by decades; the train/validation gap stays visible
    for (const NetworkTrack& t : tracks) {
        addPerEpoch(spec, t, QString(), Qt::SolidLine,
                    [](const nn::EpochRecord& r) { return r.trainLoss; });
        addPerEpoch(spec, t, QStringLiteral(" val"), Qt::DotLine,
                    [](const nn::EpochRecord& r) { return r.valLoss; });
    }
    return spec;
}

ChartSpec networkAccuracyChart(const std::vector<NetworkTrack>& tracks, long long epochs) {
    ChartSpec spec = base(QStringLiteral("Accuracy (train solid, validation dotted)"),
                          QStringLiteral("accuracy (%)"), epochs);
    for (const NetworkTrack& t : tracks) {
        addPerEpoch(spec, t, QString(), Qt::SolidLine,
                    [](const nn::EpochRecord& r) { return 100.0 * r.trainAccuracy; });
        addPerEpoch(spec, t, QStringLiteral(" val"), Qt::DotLine,
                    [](const nn::EpochRecord& r) { return 100.0 * r.valAccuracy; });
    }
    spec.emptyText = QStringLiteral("no accuracy (regression)");
    spec.yMax = 100;
    return spec;
}

ChartSpec networkLrChart(const std::vector<NetworkTrack>& tracks, long long epochs) {
    ChartSpec spec =
        base(QStringLiteral("Learning rate (■ plateau cut)"), QStringLiteral("lr"), epochs);
    spec.logY = true;
    for (const NetworkTrack& t : tracks) {
        addPerEpoch(spec, t, QString(), Qt::SolidLine,
                    [](const nn::EpochRecord& r) { return r.lr; });
        ChartSeries marks;
        marks.name = QString::fromStdString(t.instance.name) + QStringLiteral(" plateau");
        marks.color = t.color;
        marks.scatter = true;
        marks.inLegend = false;
        for (const nn::EpochRecord& r : t.epochs)
            if (r.lrReduced)
                marks.points.push_back(QPointF(double(r.epoch), r.lr));
        spec.series.push_back(std::move(marks));
    }
    return spec;
}

ChartSpec networkEffLrChart(const std::vector<NetworkTrack>& tracks, const std::string& tensor,
                            long long epochs) {
    ChartSpec spec = base(tensor.empty() ? QStringLiteral("Effective lr (p05–p95, p50)")
                                         : QStringLiteral("Effective lr of %1 (p05–p95, p50)")
                                               .arg(QString::fromStdString(tensor)),
                          QStringLiteral("effective lr"), epochs);
    spec.logY = true;
    for (const NetworkTrack& t : tracks) {
        ChartSeries mid = line(t, QString(), Qt::SolidLine);
        ChartBand band;
        band.name = QString::fromStdString(t.instance.name) + QStringLiteral(" p05–p95");
        band.color = t.color;
        for (const nn::EpochRecord& r : t.epochs)
            for (const nn::TensorLrQuantiles& q : r.effLr)
                if (q.tensor == tensor) {
                    const double x = double(r.epoch);
                    mid.points.push_back(QPointF(x, q.p50));
                    band.lower.push_back(QPointF(x, q.p05));
                    band.upper.push_back(QPointF(x, q.p95));
                }
        spec.series.push_back(std::move(mid));
        spec.bands.push_back(std::move(band));
    }
    return spec;
}

ChartSpec networkEffLrOverviewChart(const std::vector<NetworkTrack>& tracks, long long epochs) {
    ChartSpec spec = base(QStringLiteral("Effective lr per tensor: p50 solid, p05–p95 dotted"),
                          QStringLiteral("η_t/(√v̂+ε), last update of the epoch"), epochs);
    spec.logY = true;
    int configs = 0;
    for (const NetworkTrack& t : tracks)
        configs += t.instance.twin ? 0 : 1;
    const bool byTensor = configs <= 1;
    if (byTensor && tracks.size() > 1)
        spec.title += QStringLiteral("; dashed: without decay");
    if (!byTensor)
        spec.title += QStringLiteral("; a run's tensors in its shades");
    for (const NetworkTrack& t : tracks) {
        std::vector<std::string> tensors;
        for (const nn::EpochRecord& r : t.epochs)
            for (size_t i = tensors.size(); i < r.effLr.size(); ++i)
                tensors.push_back(r.effLr[i].tensor);
        const int n = int(tensors.size());
        for (int i = 0; i < n; ++i) {
            QColor color;
            if (byTensor) {
                color = t.instance.twin ? twinShade(runColor(i)) : runColor(i);
            } else {
                const int shade = n > 1 ? 70 + (90 * i) / (n - 1) : 100; // darker .. lighter
                color = shade < 100 ? t.color.darker(200 - shade) : t.color.lighter(shade);
            }
            auto quantile = [&](double nn::TensorLrQuantiles::*field, const QString& suffix,
                                Qt::PenStyle style, double width, bool legend) {
                ChartSeries s;
                const QString tensor = QString::fromStdString(tensors[size_t(i)]);
                // Several runs: one legend entry per run (its first tensor), named after it.
                s.name = (byTensor ? tensor
                          : i == 0 ? QString::fromStdString(t.instance.name)
                                   : QString::fromStdString(t.instance.name) +
                                         QStringLiteral(": ") + tensor) +
                         suffix;
                s.color = color;
                s.style = style;
                s.width = width;
                s.inLegend = legend;
                for (const nn::EpochRecord& r : t.epochs)
                    if (size_t(i) < r.effLr.size())
                        s.points.push_back(QPointF(double(r.epoch), r.effLr[size_t(i)].*field));
                spec.series.push_back(std::move(s));
            };
            quantile(&nn::TensorLrQuantiles::p50, QString(),
                     t.instance.twin ? Qt::DashLine : Qt::SolidLine, 2.0,
                     byTensor ? !t.instance.twin : i == 0);
            quantile(&nn::TensorLrQuantiles::p05, QStringLiteral(" p05"), Qt::DotLine, 1.0, false);
            quantile(&nn::TensorLrQuantiles::p95, QStringLiteral(" p95"), Qt::DotLine, 1.0, false);
        }
    }
    if (spec.series.empty())
        spec.emptyText = QStringLiteral("no effective learning rates yet");
    return spec;
}

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

ChartSpec networkPlotSpec(NetworkPlotKind kind, const std::vector<NetworkTrack>& tracks,
                          long long epochs) {
    switch (kind) {
    case NetworkPlotKind::Loss:
        return networkLossChart(tracks, epochs);
    case NetworkPlotKind::Lr:
        return networkLrChart(tracks, epochs);
    case NetworkPlotKind::Accuracy:
        return networkAccuracyChart(tracks, epochs);
    case NetworkPlotKind::EffLr:
        break;
    }
    return networkEffLrOverviewChart(tracks, epochs);
}

std::vector<std::string> networkTensorNames(const std::vector<NetworkTrack>& tracks) {
    for (const NetworkTrack& t : tracks)
        for (const nn::EpochRecord& r : t.epochs)
            if (!r.effLr.empty()) {
                std::vector<std::string> names;
                for (const auto& q : r.effLr)
                    names.push_back(q.tensor);
                return names;
            }
    return {};
}

} // namespace optiscope
