#include "ui/study/study_figures.h"

#include "core/functions/test_function.h"
#include "ui/function/run_track.h"
#include "ui/plots/heatmap_plot.h"
#include "ui/plots/line_chart.h"
#include "ui/plots/strip_plot.h"
#include "ui/teaching/offscreen_plots.h"

#include <QDir>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace optiscope {

namespace {

QString shortKey(const std::string& key) {
    const auto dot = key.rfind('.');
    return QString::fromStdString(dot == std::string::npos ? key : key.substr(dot + 1));
}

bool lowerIsBetter(const std::string& metric) {
    return metric.find("acc") == std::string::npos;
}

/// The configuration's mean of `metric`, oriented so that smaller is better (NaN sorts last).
double rankValue(const StudyResults& results, std::size_t cell, std::size_t instance,
                 std::size_t metric, bool lowBetter) {
    for (const auto& c : results.configs)
        if (c.cell == cell && c.instance == instance && metric < c.stats.size()) {
            const double m = c.stats[metric].mean;
            return std::isfinite(m) ? (lowBetter ? m : -m) : INFINITY;
        }
    return INFINITY;
}

QString columnTitle(const std::string& column) {
    if (column == "loss")
        return QObject::tr("Loss f(x, y)");
    if (column == "lr")
        return QObject::tr("Learning rate η_t");
    if (column == "eff_lr_x")
        return QObject::tr("Effective learning rate of x: η_t/(√v̂_t+ε)");
    if (column == "eff_lr_y")
        return QObject::tr("Effective learning rate of y: η_t/(√v̂_t+ε)");
    if (column == "train_loss")
        return QObject::tr("Training loss");
    if (column == "val_loss")
        return QObject::tr("Validation loss");
    if (column == "train_acc")
        return QObject::tr("Training accuracy");
    if (column == "val_acc")
        return QObject::tr("Validation accuracy");
    if (column.rfind("eff_lr.", 0) == 0) {
        const std::string tensor = column.substr(7, column.rfind('.') - 7);
        return QObject::tr("Effective learning rate of %1 (median)")
            .arg(QString::fromStdString(tensor));
    }
    return QString::fromStdString(column);
}

bool logColumn(const std::string& column) {
    return column.find("loss") != std::string::npos || column.find("lr") != std::string::npos;
}

} // namespace

QString studyValueLabel(const StudyPlan& plan, std::size_t cell, std::size_t key) {
    const double v = plan.cellNumber(cell, key);
    if (std::isfinite(v))
        return QString::number(v, 'g', 4);
    return QString::fromStdString(plan.cellValues(cell).at(key));
}

QString studyConfigLabel(const StudyPlan& plan, std::size_t cell, std::size_t instance) {
    QString label;
    for (std::size_t k = 0; k < plan.study().grid.size(); ++k)
        label += (k ? QStringLiteral(", ") : QString()) + shortKey(plan.study().grid[k].key) +
                 QLatin1Char('=') + studyValueLabel(plan, cell, k);
    const QString run = QString::fromStdString(plan.instances().at(instance).name);
    return label.isEmpty() ? run : label + QStringLiteral(" · ") + run;
}

QColor studyConfigColor(const StudyPlan& plan, std::size_t cell, std::size_t instance) {
    // One colour per (cell, configured run): runs of one cell differ, and so do cells.
    const RunInstance& inst = plan.instances().at(instance);
    const std::size_t runs = plan.experiment().runs.size();
    const int index = int(cell * runs + std::size_t(inst.configIndex));
    const RunConfig& cfg = plan.experiment().runs.at(std::size_t(inst.configIndex));
    if (plan.cellCount() == 1 && !cfg.color.empty())
        return QColor(QString::fromStdString(cfg.color));
    return runColor(index);
}

std::vector<StudyConfig> studyCurveConfigs(const StudyPlan& plan, const StudyResults& results,
                                           std::size_t metric, std::size_t max, QString* note) {
    // Group a run with its twin: rank the runs, draw both.
    struct Group {
        std::size_t cell, instance;
        double rank;
    };
    std::vector<Group> groups;
    const bool lowBetter = lowerIsBetter(plan.metrics().at(metric));
    for (std::size_t cell = 0; cell < plan.cellCount(); ++cell)
        for (std::size_t i = 0; i < plan.instances().size(); ++i)
            if (!plan.instances()[i].twin)
                groups.push_back({cell, i, rankValue(results, cell, i, metric, lowBetter)});
    std::size_t configs = plan.cellCount() * plan.instances().size();
    std::vector<StudyConfig> out;
    if (configs > max) {
        std::stable_sort(groups.begin(), groups.end(),
                         [](const Group& a, const Group& b) { return a.rank < b.rank; });
        if (note)
            *note = QObject::tr("the best of %1 configurations by %2")
                        .arg(configs)
                        .arg(QString::fromStdString(plan.metrics()[metric]));
    } else if (note) {
        note->clear();
    }
    for (const Group& g : groups) {
        const bool twin =
            g.instance + 1 < plan.instances().size() && plan.instances()[g.instance + 1].twin;
        if (out.size() + (twin ? 2 : 1) > max && !out.empty())
            break;
        out.push_back({g.cell, g.instance});
        if (twin)
            out.push_back({g.cell, g.instance + 1});
    }
    return out;
}

std::vector<std::string> studyCurveColumns(const StudyPlan& plan, const std::string& tensor) {
    if (!plan.isNetwork())
        return {"loss", "lr", "eff_lr_x"};
    const NetworkProblem& n = plan.experiment().network;
    const bool validation = n.validationSplit > 0;
    const bool classification =
        !(n.dataset.name == "sine" || (n.dataset.name == "csv" && n.loss == "mse"));
    std::vector<std::string> out = {validation ? "val_loss" : "train_loss"};
    if (classification)
        out.push_back(validation ? "val_acc" : "train_acc");
    out.push_back("lr");
    if (!tensor.empty())
        out.push_back("eff_lr." + tensor + ".p50");
    return out;
}

ChartSpec studyCurveChart(const StudyPlan& plan, const std::vector<ConfigCurves>& curves,
                          const std::string& column, bool repeats) {
    ChartSpec spec;
    spec.title = columnTitle(column);
    spec.xTitle = plan.isNetwork() ? QObject::tr("epoch") : QObject::tr("step");
    spec.yTitle = QString::fromStdString(column);
    spec.logY = logColumn(column);
    const bool accuracy = column.find("acc") != std::string::npos;
    spec.emptyText = QObject::tr("No traces yet (or the study ran with --traces none)");
    for (const ConfigCurves& c : curves) {
        const QColor color = studyConfigColor(plan, c.cell, c.instance);
        const bool twin = plan.instances().at(c.instance).twin;
        const double scale = accuracy ? 100.0 : 1.0;
        if (repeats)
            for (const JobCurves& r : c.repeats) {
                const auto it = r.columns.find(column);
                if (it == r.columns.end())
                    continue;
                ChartSeries s;
                s.color = color;
                s.color.setAlphaF(0.3);
                s.width = 1.0;
                s.style = twin ? Qt::DashLine : Qt::SolidLine;
                s.inLegend = false;
                for (std::size_t i = 0; i < r.x.size() && i < it->second.size(); ++i)
                    s.points.push_back(QPointF(r.x[i], it->second[i] * scale));
                spec.series.push_back(std::move(s));
            }
        const MeanCurve m = c.mean(column);
        if (m.x.empty())
            continue;
        ChartSeries s;
        s.name = studyConfigLabel(plan, c.cell, c.instance);
        s.color = color;
        s.style = twin ? Qt::DashLine : Qt::SolidLine;
        ChartBand band;
        band.name = s.name + QObject::tr(" ±1 std");
        band.color = color;
        for (std::size_t i = 0; i < m.x.size(); ++i) {
            s.points.push_back(QPointF(m.x[i], m.mean[i] * scale));
            if (std::isfinite(m.std[i])) {
                double lo = (m.mean[i] - m.std[i]) * scale, hi = (m.mean[i] + m.std[i]) * scale;
                if (spec.logY && !(lo > 0))
                    lo = m.mean[i] * scale * 0.5; // a log axis cannot show ≤ 0
                band.lower.push_back(QPointF(m.x[i], lo));
                band.upper.push_back(QPointF(m.x[i], hi));
            }
        }
        if (!twin && band.lower.size() > 1)
            spec.bands.push_back(std::move(band));
        spec.series.push_back(std::move(s));
    }
    if (accuracy) {
        spec.yTitle = QString::fromStdString(column) + QStringLiteral(" (%)");
        spec.yMax = 100;
    }
    return spec;
}

StripPlotSpec studyFinalMetricSpec(const StudyPlan& plan, const StudyResults& results,
                                   const std::vector<std::optional<JobRecord>>& records,
                                   std::size_t metric, std::size_t maxRows,
                                   std::vector<StudyConfig>* rowConfigs) {
    StripPlotSpec spec;
    const std::string& name = plan.metrics().at(metric);
    spec.title =
        QObject::tr("%1 of every repeat, per configuration").arg(QString::fromStdString(name));
    spec.valueTitle = QString::fromStdString(name);
    QString note;
    const std::vector<StudyConfig> configs =
        studyCurveConfigs(plan, results, metric, maxRows, &note);
    if (rowConfigs)
        *rowConfigs = configs;
    spec.note = note.isEmpty()
                    ? QObject::tr("dots: repeats (open: without decay) · bar: mean · whiskers: "
                                  "95 % confidence interval")
                    : note + QObject::tr(" · bar: mean · whiskers: 95 % CI");
    bool allPositive = true;
    double lo = INFINITY, hi = -INFINITY;
    for (const StudyConfig& c : configs) {
        StripRow row;
        row.label = studyConfigLabel(plan, c.cell, c.instance);
        row.color = studyConfigColor(plan, c.cell, c.instance);
        row.hollow = plan.instances()[c.instance].twin;
        for (int r = 0; r < plan.repeats(); ++r) {
            const std::size_t index = plan.jobIndex(c.cell, c.instance, r);
            if (!records[index])
                continue;
            if (records[index]->diverged) {
                ++row.diverged;
                continue;
            }
            const double v = records[index]->metrics.at(metric);
            row.values.push_back(v);
            row.repeats.push_back(r);
            if (std::isfinite(v)) {
                allPositive = allPositive && v > 0;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        for (const auto& s : results.configs)
            if (s.cell == c.cell && s.instance == c.instance) {
                row.mean = s.stats[metric].mean;
                row.ciLow = s.stats[metric].ciLow;
                row.ciHigh = s.stats[metric].ciHigh;
            }
        spec.rows.push_back(std::move(row));
    }
    // Losses spanning decades read better on a log scale.
    spec.logValue = allPositive && lowerIsBetter(name) && std::isfinite(lo) && hi / lo > 30;
    return spec;
}

std::optional<HeatmapSpec> studyHeatmapSpec(const StudyPlan& plan, const StudyResults& results,
                                            const std::vector<std::optional<JobRecord>>& records,
                                            std::size_t metric) {
    const auto& grid = plan.study().grid;
    if (grid.size() != 2 || !grid[0].numeric() || !grid[1].numeric())
        return std::nullopt;
    HeatmapSpec spec;
    const std::string& name = plan.metrics().at(metric);
    spec.xTitle = QString::fromStdString(grid[0].key);
    spec.yTitle = QString::fromStdString(grid[1].key);
    spec.valueTitle = QString::fromStdString(name);
    for (const auto& v : grid[0].values)
        spec.xs.push_back(std::get<double>(v));
    for (const auto& v : grid[1].values)
        spec.ys.push_back(std::get<double>(v));
    spec.logX = grid[0].logSpaced();
    spec.logY = grid[1].logSpaced();
    spec.lowIsGood = lowerIsBetter(name);
    spec.basin =
        !plan.isNetwork() && grid[0].key == "problem.start[0]" && grid[1].key == "problem.start[1]";
    std::vector<Eigen::Vector2d> minima;
    double tolerance = 0;
    if (spec.basin) {
        spec.function = plan.experiment().function;
        if (const FunctionInfo* info = functionInfo(spec.function)) {
            minima = TestFunction(*info, spec.function.params).minima();
            const PlotBounds& b = info->bounds;
            tolerance = 0.03 * std::hypot(b.xMax - b.xMin, b.yMax - b.yMin);
        }
        for (std::size_t k = 0; k < minima.size(); ++k) {
            spec.categoryNames.push_back(QStringLiteral("(%1, %2)")
                                             .arg(minima[k].x(), 0, 'g', 3)
                                             .arg(minima[k].y(), 0, 'g', 3));
            spec.categoryColors.push_back(runColor(int(k) + 2));
        }
        const FunctionInfo* info = functionInfo(spec.function);
        spec.title =
            QObject::tr("Basin map of %1: which minimum each start reaches (shade: final %2)")
                .arg(QString::fromStdString(info ? info->title : spec.function.function),
                     QString::fromStdString(name));
    } else {
        spec.title = (plan.repeats() == 1 ? QObject::tr("Sensitivity map: %1, one repeat")
                                          : QObject::tr("Sensitivity map: mean %1 over %2 repeats")
                                                .arg(QString::fromStdString(name))
                                                .arg(plan.repeats()));
        if (plan.repeats() == 1)
            spec.title = spec.title.arg(QString::fromStdString(name));
    }
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t inst = 0; inst < plan.instances().size(); ++inst) {
        HeatmapPanel panel;
        panel.title = QString::fromStdString(plan.instances()[inst].name);
        for (std::size_t yi = 0; yi < std::size_t(spec.ys.size()); ++yi)
            for (std::size_t xi = 0; xi < std::size_t(spec.xs.size()); ++xi) {
                const std::size_t cell = xi * std::size_t(spec.ys.size()) + yi; // last key fastest
                HeatmapCell c;
                for (const auto& s : results.configs)
                    if (s.cell == cell && s.instance == inst) {
                        c.value = s.stats[metric].mean;
                        c.diverged = s.diverged;
                        c.total = s.complete;
                    }
                if (spec.basin) {
                    std::vector<int> votes(minima.size(), 0);
                    for (int r = 0; r < plan.repeats(); ++r) {
                        const auto& rec = records[plan.jobIndex(cell, inst, r)];
                        if (!rec || rec->diverged)
                            continue;
                        int best = -1;
                        double bestD = tolerance;
                        for (std::size_t k = 0; k < minima.size(); ++k) {
                            const double d = (rec->finalPoint - minima[k]).norm();
                            if (d <= bestD) {
                                bestD = d;
                                best = int(k);
                            }
                        }
                        if (best >= 0)
                            ++votes[std::size_t(best)];
                    }
                    const auto it = std::max_element(votes.begin(), votes.end());
                    if (it != votes.end() && *it > 0)
                        c.category = int(it - votes.begin());
                }
                if (std::isfinite(c.value) && c.value > 0) {
                    lo = std::min(lo, c.value);
                    hi = std::max(hi, c.value);
                }
                panel.cells.push_back(c);
            }
        spec.panels.push_back(std::move(panel));
    }
    spec.logValue = spec.lowIsGood && std::isfinite(lo) && hi / lo > 30;
    return spec;
}

StudyCurveFigure studyCurveFigure(const StudyPlan& plan, const std::vector<ConfigCurves>& curves,
                                  const QString& note, bool repeats) {
    StudyCurveFigure f;
    f.title = QObject::tr("Mean over %n repeat(s), ±1 std band", nullptr, plan.repeats());
    f.note = note;
    std::string tensor;
    for (const auto& c : curves)
        for (const auto& col : c.columns())
            if (tensor.empty() && col.rfind("eff_lr.", 0) == 0)
                tensor = col.substr(7, col.rfind('.') - 7);
    for (const auto& column : studyCurveColumns(plan, tensor)) {
        ChartSpec chart = studyCurveChart(plan, curves, column, repeats);
        for (auto& s : chart.series)
            s.inLegend = false; // one legend for all charts
        f.charts.push_back(std::move(chart));
    }
    for (const auto& c : curves)
        f.legend.push_back({studyConfigLabel(plan, c.cell, c.instance),
                            studyConfigColor(plan, c.cell, c.instance),
                            plan.instances().at(c.instance).twin});
    return f;
}

void paintStudyCurveFigure(const StudyCurveFigure& f, QPainter& p, const QRectF& target,
                           const QPalette& palette) {
    p.save();
    p.fillRect(target, palette.color(QPalette::Base));
    const QFont font = p.font();
    const QFontMetricsF fm(font);
    const double pad = fm.height() * 0.6;
    QFont bold = font;
    bold.setBold(true);
    bold.setPointSizeF(font.pointSizeF() * 1.2);
    p.setPen(palette.color(QPalette::Text));
    p.setFont(bold);
    const QRectF title(target.left() + pad, target.top() + pad * 0.5, target.width() - 2 * pad,
                       QFontMetricsF(bold).height() * 1.2);
    p.drawText(title, Qt::AlignLeft | Qt::AlignVCenter,
               f.title + (f.note.isEmpty() ? QString() : QStringLiteral(" — ") + f.note));
    p.setFont(font);
    // Legend: as many columns of entries as fit, under the charts.
    double itemWidth = 0;
    for (const auto& item : f.legend)
        itemWidth = std::max(itemWidth, fm.horizontalAdvance(item.label) + 44);
    const int perRow = std::max(1, int((target.width() - 2 * pad) / std::max(1.0, itemWidth)));
    const int legendRows = (int(f.legend.size()) + perRow - 1) / perRow;
    const double lineH = fm.height() * 1.3;
    const QRectF legend(target.left() + pad, target.bottom() - pad - legendRows * lineH,
                        target.width() - 2 * pad, legendRows * lineH);
    for (int i = 0; i < int(f.legend.size()); ++i) {
        const auto& item = f.legend[std::size_t(i)];
        const double x = legend.left() + (i % perRow) * itemWidth;
        const double y = legend.top() + (i / perRow) * lineH + lineH / 2;
        QPen pen(item.color, 2.5);
        pen.setStyle(item.dashed ? Qt::DashLine : Qt::SolidLine);
        p.setPen(pen);
        p.drawLine(QPointF(x, y), QPointF(x + 30, y));
        p.setPen(palette.color(QPalette::Text));
        p.drawText(QRectF(x + 36, y - lineH / 2, itemWidth - 36, lineH),
                   Qt::AlignLeft | Qt::AlignVCenter, item.label);
    }
    const QRectF body(target.left(), title.bottom() + pad * 0.5, target.width(),
                      legend.top() - pad - title.bottom() - pad * 0.5);
    const int n = int(f.charts.size());
    const int columns = std::max(1, std::min(3, n));
    const int rows = (n + columns - 1) / columns;
    const double w = body.width() / columns, h = body.height() / std::max(1, rows);
    for (int i = 0; i < n; ++i)
        LineChart::render(
            f.charts[std::size_t(i)], p,
            QRectF(body.left() + (i % columns) * w, body.top() + (i / columns) * h, w, h), palette);
    p.restore();
}

bool writeStudyPlots(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records,
                     const QString& dir, const std::vector<ImageFormat>& formats,
                     const ExportOptions& image, QStringList* written, QString* error) {
    const QPalette palette = exportPalette();
    const StudyResults results = summarizeStudy(plan, records);
    const std::size_t metric = 0; // the study's lead metric
    auto write = [&](const QString& stem, const QString& title, const PaintFunction& paint,
                     QSize size) {
        for (ImageFormat format : formats) {
            const QString path =
                QDir(dir).filePath(stem + QLatin1Char('.') + imageFormatSuffix(format));
            ExportOptions o = image;
            o.title = title;
            o.size = size;
            if (!exportPlot(paint, path, format, o, error))
                return false;
            if (written)
                written->push_back(path);
        }
        return true;
    };

    // Mean curves: the charts side by side, one legend under them.
    QString note;
    std::vector<ConfigCurves> curves;
    for (const StudyConfig& c : studyCurveConfigs(plan, results, metric, 12, &note))
        curves.push_back(readConfigCurves(plan, c.cell, c.instance, dir.toStdString()));
    const StudyCurveFigure figure = studyCurveFigure(plan, curves, note);
    const int columns = std::min<int>(3, int(figure.charts.size()));
    const int rows = (int(figure.charts.size()) + columns - 1) / columns;
    const QSize base = image.size;
    if (!write(
            QStringLiteral("mean_curves"), figure.title,
            [&](QPainter& p, const QRectF& t) { paintStudyCurveFigure(figure, p, t, palette); },
            QSize(std::max(base.width(), 560 * columns),
                  std::max(base.height(), 400 * rows + 160))))
        return false;

    const StripPlotSpec strip = studyFinalMetricSpec(plan, results, records, metric);
    QFont font;
    const int stripHeight = StripPlot::preferredHeight(strip, font);
    if (!write(
            QStringLiteral("final_metric"), strip.title,
            [&](QPainter& p, const QRectF& t) { StripPlot::render(strip, p, t, palette); },
            QSize(std::max(base.width(), 900), std::max(360, stripHeight))))
        return false;

    if (auto heat = studyHeatmapSpec(plan, results, records, metric)) {
        const int panels = int(heat->panels.size());
        if (!write(
                QStringLiteral("heatmap"), heat->title,
                [&](QPainter& p, const QRectF& t) { HeatmapPlot::render(*heat, p, t, palette); },
                QSize(std::max(base.width(), 180 + 520 * panels), std::max(base.height(), 620))))
            return false;
    }
    return true;
}

} // namespace optiscope
