// Play controls: play/pause (Space), single step (→), reset (R), speed and step budget.
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

private:
    void refresh();

    RunController* m_controller;
    QAction* m_play;
    QAction* m_step;
    QAction* m_reset;
    QComboBox* m_speed;
    QSpinBox* m_budget;
    QLabel* m_status;
};

} // namespace optiscope
