// The charts beside the map: loss, learning rate, effective lr for x and for y (each run with its
// dashed no-decay twin) and the ratio eff. lr (decay)/(no decay) against the schedule factor.
// Redraws at most every ~80 ms, however fast batches arrive, one chart per frame (FramePacer) so
// that the window stays responsive while Qt Charts works.
//
// The charts reflow with the room they have: wide enough for two readable charts side by side
// (1920 px screens) all five show in a grid; narrower (1366 px) a row of tabs shows one page at
// a time — effective lr (x and y), loss and lr, decay's effect — each chart the panel's full
// width; where two charts above each other would be too short (presentation mode's larger
// text), one chart per page. So every title, axis and legend stays whole.
// Hidden charts are not redrawn until their page shows.
#pragma once

#include "ui/function/plot_builders.h"

#include <QWidget>

#include <vector>

class QAction;
class QGridLayout;
class QSlider;
class QTabBar;
class QTimer;

namespace optiscope {

class LineChart;
class FramePacer;
class FunctionRunController;

class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(FunctionRunController* controller, QWidget* parent = nullptr);

signals:
    /// The user asked for the export menu of a plot at `globalPos`.
    void contextMenuRequested(optiscope::PlotKind kind, const QPoint& globalPos,
                              const QList<QAction*>& viewActions);

public:
    /// True when the charts show in pages (narrow), false when all in a grid.
    [[nodiscard]] bool paged() const { return m_paged; }
    [[nodiscard]] QTabBar* pages() const { return m_pages; }
    /// The charts, in the order effective lr x, y, loss, lr, ratio.
    [[nodiscard]] QList<LineChart*> charts() const;
    /// Mark the inspected step on the charts over steps (NaN: none).
    void setMarkerStep(double step);
    [[nodiscard]] QSlider* smoothingSlider() const;
    /// Update one chart per frame through `pacer` (the window's), so that a chart's repaint does
    /// not fall in the map's frame. Without one, one chart per turn of the event loop.
    void setPacer(FramePacer* pacer) { m_pacer = pacer; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    enum class Layout { Grid, Pairs, Singles };
    struct Page {
        QString name;
        QString tip;
        QList<LineChart*> charts;
    };
    [[nodiscard]] std::vector<Page> pagesFor(Layout layout) const;
    void relayout();
    void scheduleUpdate();
    void updateCharts();
    /// Updates chart m_next; false if it is hidden (nothing to draw).
    bool updateNextChart();
    void nextChartSoon();

    FunctionRunController* m_controller;
    LineChart* m_loss;
    LineChart* m_lr;
    LineChart* m_effX;
    LineChart* m_effY;
    LineChart* m_ratio;
    QTimer* m_throttle;
    FramePacer* m_pacer = nullptr;
    QTabBar* m_pages;
    QSlider* m_smoothing;
    QGridLayout* m_grid;
    bool m_paged = false;
    Layout m_layout = Layout::Grid;
    bool m_laidOut = false;
    int m_next = 0;       ///< chart updated at the next turn (0 … 4)
    qint64 m_roundNs = 0; ///< time spent on the charts in this round
    bool m_busy = false;  ///< a round is under way
    bool m_again = false; ///< an update was asked for during the round
};

} // namespace optiscope
