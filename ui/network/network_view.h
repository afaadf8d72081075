// The view of a network experiment, in place of the function map and its charts: the data set
// with the decision boundary (or sample images), the problem editor, and the loss, accuracy, lr
// and effective-lr charts of every run and its no-decay twin. It follows the run controller (the
// experiment being edited, play/pause, reset) and trains in its own NetworkWorker thread.
#pragma once

#include "ui/network/network_charts.h"
#include "ui/network/network_worker.h"
#include "ui/plots/plot_export.h"

#include <QThread>
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
class RunController;

/// A figure the view shows, ready to export: its title, a file stem and how to draw it.
struct NetworkFigure {
    QString title;
    QString stem;
    PaintFunction paint;
};

class NetworkView : public QWidget {
    Q_OBJECT
public:
    explicit NetworkView(RunController* controller, QWidget* parent = nullptr);
    ~NetworkView() override; ///< stops the worker and waits for it

    /// Folder that relative data paths are resolved against (the experiment file's folder).
    void setBaseDir(const QString& dir) { m_baseDir = dir; }
    /// Follow the controller's experiment (called when it shows a network problem).
    void activate();
    /// Stop training (the window shows a function problem).
    void deactivate();

    [[nodiscard]] const std::vector<NetworkTrack>& tracks() const { return m_tracks; }
    [[nodiscard]] NetworkPreview* preview() const { return m_preview; }
    [[nodiscard]] NetworkDiagram* diagram() const { return m_diagram; }
    [[nodiscard]] bool allFinished() const;
    [[nodiscard]] QString errorText() const { return m_error; }
    [[nodiscard]] std::vector<LineChart*> charts() const;

    /// Draw the decision boundary and diagram of the run `configIndex` (its no-decay twin if
    /// `twin`) rather than the first run's.
    void followRun(int configIndex, bool twin);
    /// Index in tracks() of the run whose boundary is drawn.
    [[nodiscard]] int followedTrack() const { return m_followed; }

    /// Every figure on screen as it is now: the data (with the boundary), the network diagram
    /// (MLPs on 2-D sets), loss, accuracy, lr, the effective lr of the chosen tensor and of all
    /// tensors. Their paint functions hold copies, so they stay valid.
    [[nodiscard]] std::vector<NetworkFigure> figures() const;
    /// Write `<slug>-epochs.csv` (SPEC §4) for every run into `folder`, atomically.
    bool writeEpochTraces(const QString& folder, QStringList* written, QString* error) const;

signals:
    /// A data or setup error (the message names the file).
    void failed(const QString& message);
    /// New epochs arrived.
    void tracksUpdated();
    /// A new decision boundary is shown (after `epoch` epochs of the followed run).
    void boundaryShown(const QImage& image, long long epoch);
    /// followedTrack() changed.
    void followChanged();
    /// Right-click on the figure with `stem` (see figures()).
    void figureMenuRequested(const QString& stem, const QPoint& globalPos);

private:
    void onExperimentChanged();
    void restart();
    void acceptBatch(const optiscope::NetworkBatch& batch);
    void refreshCharts();
    void refreshTensors();
    void sendFollow();
    void addFigureMenu(QWidget* widget, const QString& stem);

    RunController* m_controller;
    QThread m_thread;
    NetworkWorker* m_worker = nullptr;
    QString m_baseDir;
    bool m_active = false;
    std::uint64_t m_generation = 0;
    std::vector<std::uint64_t> m_runKey; ///< the controller's run generations now trained
    std::vector<NetworkTrack> m_tracks;
    QString m_error;
    int m_followed = 0;
    bool m_pausedForError = false; ///< a data error paused playing; a restart resumes it

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
