// The article's first two points as pictures: for the selected run and parameter (x or y), the
// gradient g, Adam's moving averages m and √v, their bias-corrected m̂ and √v̂, and the bias
// corrections 1−β1ᵗ and 1−β2ᵗ, over the steps — so the ≈10-step window of m, the ≈1000-step
// window of v and the fading correction are seen, not read. Optimizers without these moments
// show the state they keep (RMSprop's square_avg, momentum buffers, ...).
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTimer;

namespace optiscope {

class FramePacer;
class FunctionRunController;
class LineChart;
struct ChartSpec;
struct RunTrack;

class MomentsPanel : public QWidget {
    Q_OBJECT
public:
    explicit MomentsPanel(FunctionRunController* controller, QWidget* parent = nullptr);

    /// Show the track of `configIndex` (its twin if `twin`).
    void setRun(int configIndex, bool twin);

    /// The three charts for `track` and parameter `index` (0: x, 1: y): first moment, second
    /// moment, bias corrections (empty series when the optimizer keeps no such state).
    static std::vector<ChartSpec> charts(const RunTrack& track, int index);

    [[nodiscard]] std::vector<LineChart*> chartWidgets() const;
    /// While runs play, redraw in frames of its own (see FramePacer); without one, at once.
    void setPacer(FramePacer* pacer) { m_pacer = pacer; }

protected:
    void showEvent(QShowEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void fitChartHeights();

    FunctionRunController* m_controller;
    int m_config = 0;
    bool m_twin = false;
    QComboBox* m_param;
    QLabel* m_note;
    LineChart* m_first;
    LineChart* m_second;
    LineChart* m_correction;
    QTimer* m_throttle;
    FramePacer* m_pacer = nullptr;
    bool m_stale = false; ///< rows came while it did not show
};

} // namespace optiscope
