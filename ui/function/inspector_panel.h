// The inspector: for the selected run and step, θ, g, m, v, m̂, v̂, the bias corrections, the
// effective lr and the step taken, beside the optimizer's update formula with those numbers filled
// in and its averaging windows. A slider steps through the kept rows; "live" follows the run.
#pragma once

#include <QElapsedTimer>
#include <QPointF>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace optiscope {

class FunctionRunController;

class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    explicit InspectorPanel(FunctionRunController* controller, QWidget* parent = nullptr);

    /// Inspect the track of `configIndex` (its twin if `twin`).
    void setRun(int configIndex, bool twin);
    /// The help page of the inspected run's optimizer ("optimizer-adam.md"), "" without a run.
    [[nodiscard]] QString helpPage() const;

signals:
    /// The "?" button: show this help page.
    void helpRequested(const QString& page);
    /// The step shown, when the user chose one (not "live"): its step and point θ; a NaN step
    /// when following the run. The charts and the map mark it.
    void inspectedChanged(double step, QPointF point);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void rebuildChoices();
    /// New rows: refresh now, or later while runs play (see tracksUpdated's connection).
    void tracksUpdated();
    void refresh();
    void showRow(int row);

    FunctionRunController* m_controller;
    QComboBox* m_run;
    QSlider* m_slider;
    QSpinBox* m_stepBox;
    QCheckBox* m_live;
    QLabel* m_stepLabel;
    QTableWidget* m_table;
    QLabel* m_formula;
    QLabel* m_numbers;
    QLabel* m_windows;
    QTimer* m_throttle;
    QElapsedTimer m_lastRefresh;
    bool m_stale = false; ///< rows came while the panel was hidden
};

} // namespace optiscope
