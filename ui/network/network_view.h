// The view of a network experiment, in place of the function map and its charts: the data set
// with the decision boundary (or sample images), the problem editor, and the loss, accuracy, lr
// and effective-lr charts of every run and its no-decay twin. It shows what the network-run
// controller trains, and edits the problem through the experiment document.
#pragma once

#include "ui/network/network_charts.h"
#include "ui/network/network_run_controller.h"
#include "ui/plots/plot_export.h"

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QTimer;

namespace optiscope {

class LineChart;
class NetworkDiagram;
class NetworkPreview;
class NetworkProblemEditor;
class ExperimentDocument;


class NetworkView : public QWidget {
    Q_OBJECT
public:
    NetworkView(ExperimentDocument* document, NetworkRunController* controller,
                QWidget* parent = nullptr);
    ~NetworkView() override;

    [[nodiscard]] NetworkRunController* controller() const { return m_controller; }
    [[nodiscard]] const std::vector<NetworkTrack>& tracks() const { return m_controller->tracks(); }
    [[nodiscard]] NetworkPreview* preview() const { return m_preview; }
    [[nodiscard]] NetworkDiagram* diagram() const { return m_diagram; }
    [[nodiscard]] bool allFinished() const { return m_controller->allFinished(); }
    [[nodiscard]] QString errorText() const { return m_controller->errorText(); }
    [[nodiscard]] std::vector<LineChart*> charts() const;

    /// Draw the decision boundary and diagram of the run `configIndex` (its no-decay twin if
    /// `twin`) rather than the first run's.
    void followRun(int configIndex, bool twin) { m_controller->followRun(configIndex, twin); }
    /// Index in tracks() of the run whose boundary is drawn.
    [[nodiscard]] int followedTrack() const { return m_controller->followedTrack(); }

    /// Every figure on screen as it is now: the data (with the boundary), the network diagram
    /// (MLPs on 2-D sets), loss, accuracy, lr, the effective lr of the chosen tensor and of all
    /// tensors. Their paint functions hold copies, so they stay valid.
    [[nodiscard]] std::vector<Figure> figures() const;
    /// Write `<slug>-epochs.csv` (SPEC §4) for every run into `folder`, atomically.
    bool writeEpochTraces(const QString& folder, QStringList* written, QString* error) const;

signals:
    /// New epochs arrived (relayed from the controller once the view is up to date).
    void tracksUpdated();
    /// A new decision boundary is shown (after `epoch` epochs of the followed run).
    void boundaryShown(const QImage& image, long long epoch);
    /// Right-click on the figure with `stem` (see figures()).
    void figureMenuRequested(const QString& stem, const QPoint& globalPos);

private:
    void onRestarted();
    void onProgress();
    void refreshCharts();
    void refreshTensors();
    void addFigureMenu(QWidget* widget, const QString& stem);

    ExperimentDocument* m_document;
    NetworkRunController* m_controller;
    NetworkPreview* m_preview;
    NetworkDiagram* m_diagram;
    NetworkProblemEditor* m_editor;
    QLabel* m_status;
    LineChart* m_loss;
    LineChart* m_accuracy;
    LineChart* m_lr;
    LineChart* m_effLr;
    QComboBox* m_tensor;
    QTimer* m_chartThrottle;
};

} // namespace optiscope
