// The charts beside the map: loss, learning rate, effective lr for x and for y (each run with its
// dashed no-decay twin) and the ratio eff. lr (decay)/(no decay) against the schedule factor.
// Redraws at most every ~80 ms, however fast batches arrive, one chart per turn of the event loop
// so that the window stays responsive while Qt Charts works.
#pragma once

#include "ui/plot_builders.h"

#include <QWidget>

class QTimer;

namespace optiscope {

class LineChart;
class FunctionRunController;

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(FunctionRunController* controller, QWidget* parent = nullptr);

signals:
    /// The user asked for the export menu of a plot at `globalPos`.
    void contextMenuRequested(optiscope::PlotKind kind, const QPoint& globalPos);

private:
    void scheduleUpdate();
    void updateCharts();
    void updateNextChart();

    FunctionRunController* m_controller;
    LineChart* m_loss;
    LineChart* m_lr;
    LineChart* m_effX;
    LineChart* m_effY;
    LineChart* m_ratio;
    QTimer* m_throttle;
    int m_next = 0;       ///< chart updated at the next turn (0 … 4)
    qint64 m_roundNs = 0; ///< time spent on the charts in this round
    bool m_busy = false;  ///< a round is under way
    bool m_again = false; ///< an update was asked for during the round
};

} // namespace optiscope
