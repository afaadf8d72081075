// Play controls: play/pause (Space), single step (→), reset (R), speed and step budget; for a
// network problem: play/pause, reset and the number of epochs.
#pragma once

#include <QToolBar>

class QAction;
class QComboBox;
class QLabel;
class QSpinBox;

namespace optiscope {

class FunctionRunController;
class NetworkRunController;
class WorkController;

/// Drives the controller of what the window shows: the function runs or the network runs.
class PlayBar : public QToolBar {
    Q_OBJECT
public:
    PlayBar(FunctionRunController* functions, NetworkRunController* networks,
            QWidget* parent = nullptr);

    QAction* playAction() const { return m_play; }
    QAction* stepAction() const { return m_step; }
    QAction* resetAction() const { return m_reset; }
    /// Steps per second of the speed choice at `index` (0: as fast as possible).
    static double speedAt(int index);
    void setSpeedIndex(int index);
    [[nodiscard]] int speedIndex() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    /// The step or epoch counter.
    void refreshStatus();
    [[nodiscard]] bool showsNetwork() const;
    /// The controller of the problem shown.
    [[nodiscard]] WorkController* active() const;

    FunctionRunController* m_functions;
    NetworkRunController* m_networks;
    QAction* m_play;
    QAction* m_step;
    QAction* m_reset;
    QComboBox* m_speed;
    QSpinBox* m_budget;
    QLabel* m_budgetLabel;
    QAction* m_speedLabelAction;
    QAction* m_speedAction;
    QLabel* m_status;
    QString m_statusWidest; ///< the text m_status's fixed size was measured for
};

} // namespace optiscope
