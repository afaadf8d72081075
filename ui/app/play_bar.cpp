#include "ui/app/play_bar.h"

#include "ui/app/experiment_document.h"
#include "ui/function/function_run_controller.h"
#include "ui/network/network_run_controller.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QLabel>
#include <QSpinBox>
#include <QStyle>

#include <algorithm>

namespace optiscope {

namespace {
const double kSpeeds[] = {1, 2, 5, 10, 30, 100, 300, 1000, 10000, 0};
}

double PlayBar::speedAt(int index) {
    const int n = int(std::size(kSpeeds));
    return kSpeeds[std::clamp(index, 0, n - 1)];
}

PlayBar::PlayBar(FunctionRunController* functions, NetworkRunController* networks, QWidget* parent)
    : QToolBar(tr("Play controls"), parent), m_functions(functions), m_networks(networks) {
    setObjectName(QStringLiteral("playBar"));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_play = addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Play"));
    m_play->setShortcut(Qt::Key_Space);
    m_play->setToolTip(tr("Play / pause (Space)"));
    m_step = addAction(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("Step"));
    m_step->setShortcut(Qt::Key_Right);
    m_step->setToolTip(tr("Pause and advance every run by one update (→)"));
    m_reset = addAction(style()->standardIcon(QStyle::SP_MediaSkipBackward), tr("Reset"));
    m_reset->setShortcut(Qt::Key_R);
    m_reset->setToolTip(tr("Every run back to its start (R)"));
    addSeparator();

    m_speedLabelAction = addWidget(new QLabel(tr(" Speed "), this));
    m_speed = new QComboBox(this);
    for (double s : kSpeeds)
        m_speed->addItem(s > 0 ? tr("%1 steps/s").arg(s) : tr("as fast as possible"));
    m_speed->setToolTip(tr("Updates per second per run: slow for a class to follow, or as "
                           "fast as the machine goes"));
    m_speedAction = addWidget(m_speed);
    m_budgetLabel = new QLabel(tr("  Steps "), this);
    addWidget(m_budgetLabel);
    m_budget = new QSpinBox(this);
    m_budget->setRange(1, 100'000'000);
    m_budget->setGroupSeparatorShown(true);
    m_budget->setKeyboardTracking(false);
    addWidget(m_budget);
    addSeparator();
    m_status = new QLabel(this);
    addWidget(m_status);

    connect(m_play, &QAction::triggered, this, [this]() { active()->togglePlay(); });
    connect(m_step, &QAction::triggered, m_functions, &FunctionRunController::stepOnce);
    connect(m_reset, &QAction::triggered, this, [this]() { active()->reset(); });
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_functions->setSpeed(speedAt(i)); });
    connect(m_budget, &QSpinBox::valueChanged, this, [this](int v) {
        if (showsNetwork())
            m_functions->document()->setEpochs(v);
        else
            m_functions->document()->setBudget(v);
    });
    for (WorkController* c :
         {static_cast<WorkController*>(m_functions), static_cast<WorkController*>(m_networks)}) {
        connect(c, &WorkController::playingChanged, this, &PlayBar::refresh);
        connect(c, &WorkController::tracksUpdated, this, &PlayBar::refreshStatus);
    }
    connect(m_functions, &FunctionRunController::experimentChanged, this, &PlayBar::refresh);
    setSpeedIndex(6);
    refresh();
}

bool PlayBar::showsNetwork() const {
    return m_functions->experiment().problemType == Experiment::ProblemType::Network;
}

WorkController* PlayBar::active() const {
    if (showsNetwork())
        return m_networks;
    return m_functions;
}

void PlayBar::setSpeedIndex(int index) {
    m_speed->setCurrentIndex(std::clamp(index, 0, m_speed->count() - 1));
    m_functions->setSpeed(speedAt(m_speed->currentIndex()));
}

int PlayBar::speedIndex() const {
    return m_speed->currentIndex();
}

void PlayBar::changeEvent(QEvent* event) {
    QToolBar::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        m_statusWidest.clear();
        refreshStatus();
    }
}

void PlayBar::refresh() {
    const bool playing = active()->isPlaying();
    if (m_play->text() != (playing ? tr("Pause") : tr("Play"))) {
        m_play->setText(playing ? tr("Pause") : tr("Play"));
        m_play->setIcon(
            style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    }
    const Experiment& e = m_functions->experiment();
    const bool network = showsNetwork();
    // A network trains as fast as it can, epoch by epoch: no speed, no single update.
    m_speedLabelAction->setVisible(!network);
    m_speedAction->setVisible(!network);
    m_step->setEnabled(!network);
    m_budgetLabel->setText(network ? tr("  Epochs ") : tr("  Steps "));
    m_budget->setToolTip(network ? tr("Every run trains for this many epochs")
                                 : tr("Step budget: every run stops after this many updates"));
    {
        const QSignalBlocker b(m_budget);
        m_budget->setRange(1, network ? 100'000 : 100'000'000);
        m_budget->setValue(int(std::min<long long>(network ? e.network.epochs : e.steps,
                                                   network ? 100'000 : 100'000'000)));
    }
    refreshStatus();
}

void PlayBar::refreshStatus() {
    const Experiment& e = m_functions->experiment();
    const bool network = showsNetwork();
    const long long total = network ? e.network.epochs : e.steps;
    const QString format = network ? tr("  epoch %L1 / %L2%3") : tr("  step %L1 / %L2%3");
    long long done = 0;
    if (network) {
        done = m_networks->epochsDone();
    } else {
        for (const RunTrack& t : m_functions->tracks())
            done = std::max(done, t.hasLatest ? t.latest.step : 0);
    }
    const bool finished = active()->allFinished() && done > 0;
    // The counter changes many times a second while runs play. A label of fixed size does not
    // ask the window for a new layout on each change (which re-measures every wrapped label of
    // the window): its size is that of the widest text it can show for this budget.
    const QString widest = format.arg(total).arg(total).arg(tr(" · done"));
    if (widest != m_statusWidest) {
        m_statusWidest = widest;
        const QFontMetrics fm(m_status->font());
        // (The label may still be empty: its size hint would be no height at all.)
        m_status->setFixedSize(fm.horizontalAdvance(widest) + fm.averageCharWidth(),
                               std::max(fm.height(), m_status->sizeHint().height()));
    }
    m_status->setText(format.arg(done).arg(total).arg(finished ? tr(" · done") : QString()));
}

} // namespace optiscope
