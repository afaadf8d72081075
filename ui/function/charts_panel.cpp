#include "ui/function/charts_panel.h"

#include "ui/app/frame_pacer.h"

#include "ui/function/function_run_controller.h"
#include "ui/plots/line_chart.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTabBar>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace optiscope {

ChartsPanel::ChartsPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_loss(new LineChart(this)),
      m_lr(new LineChart(this)), m_effX(new LineChart(this)), m_effY(new LineChart(this)),
      m_ratio(new LineChart(this)), m_throttle(new QTimer(this)) {
    m_pages = new QTabBar;
    m_pages->setObjectName(QStringLiteral("chartPages"));
    m_pages->setExpanding(false);
    m_pages->setDocumentMode(true);
    m_pages->setElideMode(Qt::ElideNone);
    m_pages->setUsesScrollButtons(true);
    m_grid = new QGridLayout;
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(4);
    // Smoothing for every chart over steps, TensorBoard's slider: 0 (raw) … 0.99.
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setObjectName(QStringLiteral("chartSmoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(0);
    m_smoothing->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 8);
    m_smoothing->setToolTip(tr("Exponential moving average of every line over the steps (the raw "
                               "line stays faint behind it); 0: none"));
    auto* smoothingValue = new QLabel(QStringLiteral("0"));
    smoothingValue->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.00")));
    connect(m_smoothing, &QSlider::valueChanged, this, [this, smoothingValue](int v) {
        smoothingValue->setText(v == 0 ? QStringLiteral("0") : QString::number(v / 100.0, 'f', 2));
        for (LineChart* c : {m_effX, m_effY, m_loss, m_lr})
            c->setSmoothing(v / 100.0);
    });
    auto* hint = new QLabel(tr("wheel: zoom · drag: pan · double-click: fit"));
    hint->setObjectName(QStringLiteral("chartHint"));
    QFont small = hint->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    hint->setFont(small);
    hint->setEnabled(false);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 0, 4, 0);
    bar->addWidget(new QLabel(tr("Smoothing")));
    bar->addWidget(m_smoothing);
    bar->addWidget(smoothingValue);
    bar->addStretch(1);
    bar->addWidget(hint);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_pages);
    layout->addLayout(bar);
    layout->addLayout(m_grid, 1);
    connect(m_pages, &QTabBar::currentChanged, this, [this]() {
        relayout();
        updateCharts();
    });
    const std::pair<LineChart*, PlotKind> kinds[] = {{m_loss, PlotKind::Loss},
                                                     {m_lr, PlotKind::Lr},
                                                     {m_effX, PlotKind::EffLr},
                                                     {m_effY, PlotKind::EffLr},
                                                     {m_ratio, PlotKind::Ratio}};
    for (const auto& [chart, kind] : kinds) {
        chart->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(chart, &QWidget::customContextMenuRequested, this,
                [this, chart = chart, kind = kind](const QPoint& pos) {
                    emit contextMenuRequested(kind, chart->mapToGlobal(pos), chart->viewActions());
                });
    }
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(80);
    connect(m_throttle, &QTimer::timeout, this, &ChartsPanel::updateCharts);
    connect(m_controller, &FunctionRunController::tracksUpdated, this,
            &ChartsPanel::scheduleUpdate);
    connect(m_controller, &FunctionRunController::experimentChanged, this,
            &ChartsPanel::scheduleUpdate);
    relayout();
    updateCharts();
}

void ChartsPanel::setMarkerStep(double step) {
    for (LineChart* c : {m_effX, m_effY, m_loss, m_lr})
        c->setMarkerX(step);
}

QSlider* ChartsPanel::smoothingSlider() const {
    return m_smoothing;
}

QList<LineChart*> ChartsPanel::charts() const {
    return {m_effX, m_effY, m_loss, m_lr, m_ratio};
}

void ChartsPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    relayout();
}

void ChartsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        relayout();
}

std::vector<ChartsPanel::Page> ChartsPanel::pagesFor(Layout layout) const {
    if (layout == Layout::Pairs)
        return {{tr("Effective lr"),
                 tr("η_t/(√v̂_t+ε) for x and for y, each run with its no-decay twin"),
                 {m_effX, m_effY}},
                {tr("Loss and lr"),
                 tr("The loss f(θ) and the learning rate η_t per step"),
                 {m_loss, m_lr}},
                {tr("Decay's effect"),
                 tr("eff. lr with decay / eff. lr without, against the schedule factor η_t/η_0"),
                 {m_ratio}}};
    return {{tr("Eff. x"), tr("Effective learning rate η_t/(√v̂_t+ε) of x"), {m_effX}},
            {tr("Eff. y"), tr("Effective learning rate η_t/(√v̂_t+ε) of y"), {m_effY}},
            {tr("Loss"), tr("The loss f(θ) per step"), {m_loss}},
            {tr("lr"), tr("The learning rate η_t per step"), {m_lr}},
            {tr("Decay"),
             tr("Decay's effect: eff. lr with decay / eff. lr without, against the schedule "
                "factor η_t/η_0"),
             {m_ratio}}};
}

void ChartsPanel::relayout() {
    // Two charts side by side need room for their axes and a few legend entries per line at
    // this font: about 28 em each (titles and legends wrap); two above each other about 18
    // lines each, or a short chart's axis labels get cut.
    const int perChart = fontMetrics().horizontalAdvance(QLatin1Char('M')) * 28;
    const int perChartHeight = fontMetrics().lineSpacing() * 18;
    const Layout layout = width() >= 2 * perChart + m_grid->spacing() ? Layout::Grid
                          : height() >= 2 * perChartHeight            ? Layout::Pairs
                                                                      : Layout::Singles;
    if (layout != m_layout || !m_laidOut) {
        // New pages: keep the chart that was on show in view.
        LineChart* current = nullptr;
        if (m_layout != Layout::Grid && m_laidOut) {
            const auto old = pagesFor(m_layout);
            const int at = m_pages->currentIndex();
            if (at >= 0 && at < int(old.size()))
                current = old[std::size_t(at)].charts.front();
        }
        const QSignalBlocker block(m_pages);
        while (m_pages->count() > 0)
            m_pages->removeTab(0);
        if (layout != Layout::Grid) {
            const auto pages = pagesFor(layout);
            for (std::size_t i = 0; i < pages.size(); ++i) {
                m_pages->addTab(pages[i].name);
                m_pages->setTabToolTip(int(i), pages[i].tip);
                if (pages[i].charts.contains(current))
                    m_pages->setCurrentIndex(int(i));
            }
        }
    }
    const int page = m_pages->currentIndex();
    if (m_laidOut && layout == m_layout &&
        (layout == Layout::Grid || m_grid->property("page").toInt() == page))
        return;
    const bool wasHidden[] = {m_effX->isHidden(), m_effY->isHidden(), m_loss->isHidden(),
                              m_lr->isHidden(), m_ratio->isHidden()};
    m_laidOut = true;
    m_layout = layout;
    m_paged = layout != Layout::Grid;
    m_grid->setProperty("page", page);
    for (LineChart* c : charts())
        m_grid->removeWidget(c);
    for (int r = 0; r < 3; ++r)
        m_grid->setRowStretch(r, 0);
    m_pages->setVisible(m_paged);
    if (!m_paged) {
        m_grid->addWidget(m_effX, 0, 0);
        m_grid->addWidget(m_effY, 0, 1);
        m_grid->addWidget(m_loss, 1, 0);
        m_grid->addWidget(m_lr, 1, 1);
        m_grid->addWidget(m_ratio, 2, 0, 1, 2);
        for (int r = 0; r < 3; ++r)
            m_grid->setRowStretch(r, 1);
        for (LineChart* c : charts()) {
            c->show();
            c->setLegendShown(true);
        }
    } else {
        const auto pages = pagesFor(layout);
        const QList<LineChart*> shown =
            pages[std::size_t(std::clamp(page, 0, int(pages.size()) - 1))].charts;
        for (int i = 0; i < shown.size(); ++i) {
            m_grid->addWidget(shown[i], i, 0, 1, 2);
            m_grid->setRowStretch(i, 1);
        }
        // Charts on one page show the same runs: one legend, under the last, leaves them room.
        for (LineChart* c : charts()) {
            c->setVisible(shown.contains(c));
            c->setLegendShown(c == shown.back());
        }
    }
    // A chart that comes into view shows the runs as they are now.
    const QList<LineChart*> all = charts();
    for (int i = 0; i < all.size(); ++i)
        if (wasHidden[i] && !all[i]->isHidden()) {
            scheduleUpdate();
            break;
        }
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
    if (m_pacer)
        nextChartSoon();
    else
        updateNextChart();
}

void ChartsPanel::nextChartSoon() {
    if (m_pacer) {
        m_pacer->request(this, [this]() { return updateNextChart(); });
        return;
    }
    // A 1 ms timer, not a posted call: those run before the timers that fell due meanwhile, and
    // two charts would then run back to back.
    QTimer::singleShot(1, Qt::PreciseTimer, this, &ChartsPanel::updateNextChart);
}

bool ChartsPanel::updateNextChart() {
    // One chart at a time: Qt Charts may take milliseconds per chart, and input and painting get
    // their turn in between.
    QElapsedTimer timer;
    timer.start();
    const Experiment& e = m_controller->experiment();
    const auto& t = m_controller->tracks();
    // Charts on a page not shown wait until it is (relayout() asks for an update then).
    LineChart* const chart[] = {m_loss, m_lr, m_effX, m_effY, m_ratio};
    LineChart* const c = chart[std::clamp(m_next, 0, 4)];
    const bool shown = !c->isHidden();
    if (shown) {
        switch (m_next) {
        case 0:
            c->setSpec(buildLossChart(e, t));
            break;
        case 1:
            c->setSpec(buildLrChart(e, t));
            break;
        case 2:
            c->setSpec(buildEffLrChart(e, t, 0));
            break;
        case 3:
            c->setSpec(buildEffLrChart(e, t, 1));
            break;
        default:
            c->setSpec(buildRatioChart(e, t));
            break;
        }
    }
    m_roundNs += timer.nsecsElapsed();
    if (++m_next < 5) {
        nextChartSoon();
        return shown;
    }
    // Adaptive pace: however slow the charts get, the GUI thread spends at most ~1/4 of its time
    // on them.
    m_throttle->setInterval(std::clamp(int(m_roundNs / 1'000'000) * 4, 80, 600));
    m_busy = false;
    if (m_again) {
        m_again = false;
        scheduleUpdate();
    }
    return shown;
}

} // namespace optiscope
