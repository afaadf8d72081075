#include "ui/function/moments_panel.h"

#include "ui/app/frame_pacer.h"

#include "ui/function/function_run_controller.h"
#include "ui/function/run_track.h"
#include "ui/plots/line_chart.h"
#include "ui/plots/plot_style.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

/// The value of tensor `name`, element `index`, in a flattened state row (NaN if absent).
double tensorValue(const RunStateLayout& layout, const std::vector<double>& state,
                   const std::string& name, int index) {
    std::size_t offset = layout.scalars.size();
    for (const auto& [n, size] : layout.tensors) {
        if (n == name)
            return index < size && offset + std::size_t(index) < state.size()
                       ? state[offset + std::size_t(index)]
                       : NAN;
        offset += std::size_t(size);
    }
    return NAN;
}

double scalarValue(const RunStateLayout& layout, const std::vector<double>& state,
                   const std::string& name) {
    for (std::size_t i = 0; i < layout.scalars.size(); ++i)
        if (layout.scalars[i] == name)
            return i < state.size() ? state[i] : NAN;
    return NAN;
}

bool hasTensor(const RunStateLayout& layout, const std::string& name) {
    for (const auto& t : layout.tensors)
        if (t.first == name)
            return true;
    return false;
}

ChartSeries series(const QString& name, const QColor& color, Qt::PenStyle style = Qt::SolidLine) {
    ChartSeries s;
    s.name = name;
    s.color = color;
    s.style = style;
    return s;
}

} // namespace

std::vector<ChartSpec> MomentsPanel::charts(const RunTrack& track, int index) {
    const QString p = index == 0 ? QStringLiteral("x") : QStringLiteral("y");
    ChartSpec first, second, correction;
    first.title = tr("First moment of %1: g, m and m̂ = m/(1−β1ᵗ)").arg(p);
    first.xTitle = second.xTitle = correction.xTitle = tr("step");
    first.yTitle = tr("value");
    second.title = tr("Second moment of %1: |g|, √v and √v̂ = √(v/(1−β2ᵗ))").arg(p);
    second.yTitle = tr("magnitude (log)");
    second.logY = true;
    correction.title = tr("Bias correction: 1−β1ᵗ (m) and 1−β2ᵗ (v) fade to 1");
    correction.yTitle = tr("factor");
    correction.yMin = 0;
    correction.yMax = 1.05;
    const RunStateLayout& L = track.layout;
    const bool adam = hasTensor(L, "exp_avg");
    ChartSeries g = series(tr("g (gradient at θ)"), QColor(150, 150, 150));
    g.width = 1.2;
    ChartSeries absG = series(tr("|g|"), QColor(150, 150, 150));
    absG.width = 1.2;
    ChartSeries m = series(QStringLiteral("m (exp_avg)"), QColor("#0072b2"));
    ChartSeries mHat = series(QStringLiteral("m̂"), QColor("#d55e00"), Qt::DashLine);
    ChartSeries v = series(QStringLiteral("√v (exp_avg_sq)"), QColor("#0072b2"));
    ChartSeries vHat = series(QStringLiteral("√v̂"), QColor("#d55e00"), Qt::DashLine);
    ChartSeries bc1 = series(QStringLiteral("1−β1ᵗ"), QColor("#009e73"));
    ChartSeries bc2 = series(QStringLiteral("1−β2ᵗ"), QColor("#cc79a7"));
    // Optimizers without Adam's moments: the tensors they keep, on the second-moment chart.
    std::vector<ChartSeries> other;
    if (!adam)
        for (const auto& [name, size] : L.tensors)
            if (size > index)
                other.push_back(
                    series(QString::fromStdString(name), runColor(int(other.size()) + 1)));
    for (const RunSample& s : track.samples) {
        const double x = double(s.step);
        const double grad = index == 0 ? s.gradX : s.gradY;
        g.points.push_back(QPointF(x, grad));
        absG.points.push_back(QPointF(x, std::fabs(grad)));
        if (s.state.empty())
            continue;
        if (adam) {
            m.points.push_back(QPointF(x, tensorValue(L, s.state, "exp_avg", index)));
            mHat.points.push_back(QPointF(x, tensorValue(L, s.state, "m_hat", index)));
            v.points.push_back(QPointF(x, std::sqrt(tensorValue(L, s.state, "exp_avg_sq", index))));
            vHat.points.push_back(QPointF(x, std::sqrt(tensorValue(L, s.state, "v_hat", index))));
            bc1.points.push_back(QPointF(x, scalarValue(L, s.state, "bias_correction1")));
            bc2.points.push_back(QPointF(x, scalarValue(L, s.state, "bias_correction2")));
        } else {
            std::size_t k = 0;
            for (const auto& [name, size] : L.tensors)
                if (size > index)
                    other[k++].points.push_back(
                        QPointF(x, std::fabs(tensorValue(L, s.state, name, index))));
        }
    }
    first.series = {g, m, mHat};
    if (adam) {
        second.series = {absG, v, vHat};
        correction.series = {bc1, bc2};
    } else {
        first.series = {g};
        second.title = tr("State the optimizer keeps for %1 (magnitude)").arg(p);
        second.series = other;
        correction.emptyText = tr("This optimizer has no bias correction");
    }
    first.emptyText = second.emptyText = tr("No steps yet");
    return {first, second, correction};
}

MomentsPanel::MomentsPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_throttle(new QTimer(this)) {
    setObjectName(QStringLiteral("momentsPanel"));
    m_param = new QComboBox;
    m_param->addItems({tr("x"), tr("y")});
    m_param->setToolTip(tr("The parameter whose moments are shown"));
    m_note = new QLabel;
    m_note->setWordWrap(true);
    m_first = new LineChart;
    m_second = new LineChart;
    m_correction = new LineChart;
    fitChartHeights();
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Parameter")));
    top->addWidget(m_param);
    top->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_note);
    layout->addWidget(m_first, 1);
    layout->addWidget(m_second, 1);
    layout->addWidget(m_correction, 1);
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(250);
    connect(m_throttle, &QTimer::timeout, this, [this]() {
        FramePacer::run(m_pacer, this, [this]() {
            refresh();
            return true;
        });
    });
    auto soon = [this]() {
        if (!isOnScreen(this))
            m_stale = true; // redrawn when it shows (paintEvent)
        else if (!m_throttle->isActive())
            m_throttle->start();
    };
    connect(m_controller, &FunctionRunController::tracksUpdated, this, soon);
    connect(m_controller, &FunctionRunController::experimentChanged, this, soon);
    connect(m_param, &QComboBox::currentIndexChanged, this, &MomentsPanel::refresh);
}

void MomentsPanel::setRun(int configIndex, bool twin) {
    m_config = configIndex;
    m_twin = twin;
    if (isVisible())
        refresh();
}

std::vector<LineChart*> MomentsPanel::chartWidgets() const {
    return {m_first, m_second, m_correction};
}

void MomentsPanel::fitChartHeights() {
    // Tall enough, in lines of text (so also in presentation mode), that a log axis over seven
    // decades keeps its tick labels and the vertical axis title fits beside the plot.
    const int line = fontMetrics().height();
    for (LineChart* c : {m_first, m_second, m_correction})
        c->setMinimumHeight(std::max(200, 17 * line));
}

void MomentsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitChartHeights();
}

void MomentsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
}

void MomentsPanel::paintEvent(QPaintEvent* event) {
    QWidget::paintEvent(event);
    // Shown again by its dock's tab (no show event): catch up after this frame.
    if (m_stale)
        QTimer::singleShot(0, this, [this]() {
            if (m_stale)
                refresh();
        });
}

void MomentsPanel::refresh() {
    m_stale = false;
    const int ti = m_controller->trackIndex(m_config, m_twin);
    if (ti < 0) {
        for (LineChart* c : chartWidgets())
            c->setSpec(ChartSpec{});
        return;
    }
    const RunTrack& t = m_controller->tracks()[std::size_t(ti)];
    const auto specs = charts(t, m_param->currentIndex());
    m_first->setSpec(specs[0]);
    m_second->setSpec(specs[1]);
    m_correction->setSpec(specs[2]);
    const Experiment& e = m_controller->experiment();
    QString note = tr("<b>%1</b>").arg(QString::fromStdString(t.instance.name).toHtmlEscaped());
    if (t.instance.configIndex < int(e.runs.size())) {
        const ParamSet& p = e.runs[std::size_t(t.instance.configIndex)].optimizer.params;
        if (p.has("betas")) {
            const auto& b = p.list("betas");
            note += tr(" · m averages about 1/(1−β1) = %1 steps, v about 1/(1−β2) = %2 steps; "
                       "m̂ and v̂ undo the start from zero until 1−βᵗ reaches 1")
                        .arg(1.0 / (1.0 - b.at(0)), 0, 'g', 4)
                        .arg(1.0 / (1.0 - b.at(1)), 0, 'g', 4);
        }
    }
    m_note->setText(withVisibleHats(note));
}

} // namespace optiscope
