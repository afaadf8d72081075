// Play controls: play/pause (Space), single step (→), reset (R), speed and step budget; for a
// network problem: play/pause, reset and the number of epochs.
#pragma once

#include <QToolBar>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;

namespace optiscope {

class RunController;

class PlayBar : public QToolBar {
    Q_OBJECT
public:
    explicit PlayBar(RunController* controller, QWidget* parent = nullptr);

    QAction* playAction() const { return m_play; }
    QAction* stepAction() const { return m_step; }
    QAction* resetAction() const { return m_reset; }
    /// Steps per second of the speed choice at `index` (0: as fast as possible).
    static double speedAt(int index);
    void setSpeedIndex(int index);
    [[nodiscard]] int speedIndex() const;
    /// Progress of a network problem's runs: the most epochs any run has done, and whether all
    /// have ended.
    void setNetworkProgress(long long epochs, bool done);

private:
    void refresh();

    RunController* m_controller;
    QAction* m_play;
    QAction* m_step;
    QAction* m_reset;
    QComboBox* m_speed;
    QSpinBox* m_budget;
    QLabel* m_budgetLabel;
    QAction* m_speedLabelAction;
    QAction* m_speedAction;
    QLabel* m_status;
    long long m_networkEpochs = 0;
    bool m_networkDone = false;
};

} // namespace optiscope
