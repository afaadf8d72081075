#include "ui/charts_panel.h"

#include "ui/plots/line_chart.h"
#include "ui/function/function_run_controller.h"

#include <QElapsedTimer>
#include <QGridLayout>
#include <QTimer>

#include <algorithm>

namespace optiscope {

ChartsPanel::ChartsPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_loss(new LineChart(this)),
      m_lr(new LineChart(this)), m_effX(new LineChart(this)), m_effY(new LineChart(this)),
      m_ratio(new LineChart(this)), m_throttle(new QTimer(this)) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(m_effX, 0, 0);
    grid->addWidget(m_effY, 0, 1);
    grid->addWidget(m_loss, 1, 0);
    grid->addWidget(m_lr, 1, 1);
    grid->addWidget(m_ratio, 2, 0, 1, 2);
    const std::pair<LineChart*, PlotKind> kinds[] = {{m_loss, PlotKind::Loss},
                                                     {m_lr, PlotKind::Lr},
                                                     {m_effX, PlotKind::EffLr},
                                                     {m_effY, PlotKind::EffLr},
                                                     {m_ratio, PlotKind::Ratio}};
    for (const auto& [chart, kind] : kinds) {
        chart->setContextMenuPolicy(Qt::CustomContextMenu);
        chart->setToolTip(tr("Hover a line for values · right-click to export"));
        connect(chart, &QWidget::customContextMenuRequested, this,
                [this, chart = chart, kind = kind](const QPoint& pos) {
                    emit contextMenuRequested(kind, chart->mapToGlobal(pos));
                });
    }
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(80);
    connect(m_throttle, &QTimer::timeout, this, &ChartsPanel::updateCharts);
    connect(m_controller, &FunctionRunController::tracksUpdated, this, &ChartsPanel::scheduleUpdate);
    connect(m_controller, &FunctionRunController::experimentChanged, this, &ChartsPanel::scheduleUpdate);
    updateCharts();
}

void ChartsPanel::scheduleUpdate() {
    if (!m_throttle->isActive())
        m_throttle->start();
}

void ChartsPanel::updateCharts() {
    if (m_busy) {
        m_again = true; // news during a round: another round after it
        return;
    }
    m_busy = true;
    m_next = 0;
    m_roundNs = 0;
    updateNextChart();
}

void ChartsPanel::updateNextChart() {
    // One chart per turn: Qt Charts may take milliseconds per chart, and input and painting get
    // their turn in between.
    QElapsedTimer timer;
    timer.start();
    const Experiment& e = m_controller->experiment();
    const auto& t = m_controller->tracks();
    switch (m_next) {
    case 0:
        m_loss->setSpec(buildLossChart(e, t));
        break;
    case 1:
        m_lr->setSpec(buildLrChart(e, t));
        break;
    case 2:
        m_effX->setSpec(buildEffLrChart(e, t, 0));
        break;
    case 3:
        m_effY->setSpec(buildEffLrChart(e, t, 1));
        break;
    default:
        m_ratio->setSpec(buildRatioChart(e, t));
        break;
    }
    m_roundNs += timer.nsecsElapsed();
    if (++m_next < 5) {
        // A 1 ms timer, not a posted call: those run before the timers that fell due meanwhile,
        // and two charts would then run back to back.
        QTimer::singleShot(1, Qt::PreciseTimer, this, &ChartsPanel::updateNextChart);
        return;
    }
    // Adaptive pace: however slow the charts get, the GUI thread spends at most ~1/4 of its time
    // on them.
    m_throttle->setInterval(std::clamp(int(m_roundNs / 1'000'000) * 4, 80, 600));
    m_busy = false;
    if (m_again) {
        m_again = false;
        scheduleUpdate();
    }
}

} // namespace optiscope
