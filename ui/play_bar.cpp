#include "ui/play_bar.h"

#include "ui/run_controller.h"

#include <QAction>
#include <QComboBox>
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

PlayBar::PlayBar(RunController* controller, QWidget* parent)
    : QToolBar(tr("Play controls"), parent), m_controller(controller) {
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
    m_status->setMinimumWidth(160);
    addWidget(m_status);

    connect(m_play, &QAction::triggered, m_controller, &RunController::togglePlay);
    connect(m_step, &QAction::triggered, m_controller, &RunController::stepOnce);
    connect(m_reset, &QAction::triggered, m_controller, &RunController::reset);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_controller->setSpeed(speedAt(i)); });
    connect(m_budget, &QSpinBox::valueChanged, this, [this](int v) {
        const Experiment& e = m_controller->experiment();
        if (e.problemType == Experiment::ProblemType::Network) {
            if (v != e.network.epochs) {
                NetworkProblem problem = e.network;
                problem.epochs = v;
                m_controller->setNetworkProblem(problem);
            }
        } else if (v != e.steps) {
            m_controller->setBudget(v);
        }
    });
    connect(m_controller, &RunController::playingChanged, this, &PlayBar::refresh);
    connect(m_controller, &RunController::experimentChanged, this, &PlayBar::refresh);
    connect(m_controller, &RunController::tracksUpdated, this, &PlayBar::refresh);
    setSpeedIndex(6);
    refresh();
}

void PlayBar::setSpeedIndex(int index) {
    m_speed->setCurrentIndex(std::clamp(index, 0, m_speed->count() - 1));
    m_controller->setSpeed(speedAt(m_speed->currentIndex()));
}

int PlayBar::speedIndex() const {
    return m_speed->currentIndex();
}

void PlayBar::setNetworkProgress(long long epochs, bool done) {
    m_networkEpochs = epochs;
    m_networkDone = done;
    refresh();
}

void PlayBar::refresh() {
    const bool playing = m_controller->isPlaying();
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    const Experiment& e = m_controller->experiment();
    const bool network = e.problemType == Experiment::ProblemType::Network;
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
    if (network) {
        m_status->setText(
            tr("  epoch %L1 / %L2%3")
                .arg(m_networkEpochs)
                .arg(e.network.epochs)
                .arg(m_networkDone && m_networkEpochs > 0 ? tr(" · done") : QString()));
        return;
    }
    long long step = 0;
    for (const RunTrack& t : m_controller->tracks())
        step = std::max(step, t.hasLatest ? t.latest.step : 0);
    m_status->setText(
        tr("  step %L1 / %L2%3")
            .arg(step)
            .arg(e.steps)
            .arg(m_controller->allFinished() && step > 0 ? tr(" · done") : QString()));
}

} // namespace optiscope
