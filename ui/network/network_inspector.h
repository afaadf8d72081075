// The inspector of a network run: for the run selected in the runs list and an epoch (the latest,
// or one picked with the slider), its lr, losses and accuracies, and for every tensor the spread
// of Adam's per-parameter effective learning rate η_t/(√v̂_t+ε) — its 5th, 50th and 95th
// percentiles — beside the same run without decay (its twin) when there is one. Below: what
// those numbers mean, the optimizer's averaging windows and how far bias correction has faded.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;
class QTableWidget;

namespace optiscope {

class NetworkRunController;

class NetworkInspector : public QWidget {
    Q_OBJECT
public:
    explicit NetworkInspector(NetworkRunController* controller, QWidget* parent = nullptr);

    /// Show epoch `epoch` of the followed run (clamped); -1: follow the latest.
    void showEpoch(long long epoch);
    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] QString summaryText() const;
    /// The table as tab-separated text with a header line (what "Copy table" puts on the
    /// clipboard, for a spreadsheet).
    [[nodiscard]] QString tableText() const;

private:
    void refresh();

    NetworkRunController* m_controller;
    QLabel* m_summary;
    QSlider* m_slider;
    QCheckBox* m_live;
    QTableWidget* m_table;
    QLabel* m_explain;
};

} // namespace optiscope
