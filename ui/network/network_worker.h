// The network worker: trains every run of a network experiment (and its no-decay twin) in its own
// thread, in slices of NetworkTrainer::runSteps(), and reports what the GUI draws in batches about
// every 30 ms: the epoch records of each run, tagged with the generation of the experiment they
// belong to (the view drops batches of an older generation). It also sends, once per load, a
// preview of the data (2-D points or sample images) and, a few times a second while a run trains,
// the decision boundary of the followed run (the first, or the one chosen with follow()): its
// output over a grid of the input plane, computed on a copy of the parameters.
#pragma once

#include "core/experiment/experiment.h"
#include "core/nn/trainer.h"

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

class QTimer;

namespace optiscope {

/// What a data set looks like, for the preview pane.
struct NetworkDataPreview {
    QString datasetName;
    QString description; ///< "spirals · 400 train / 100 validation · 2 classes"
    QStringList classNames;
    bool is2d = false;       ///< toy 2-D classification set: points and a decision boundary
    QVector<QPointF> points; ///< standardised (x, y) of the training samples (2-D sets)
    QVector<int> labels;     ///< class of each point
    QRectF plane;            ///< standardised input rectangle the boundary covers
    QVector<QImage> images;  ///< image sets: a few training samples
    QVector<int> imageLabels;
};

/// TensorFlow-Playground-style picture of an MLP on a 2-D set: every unit's output over the input
/// plane and every weight.
struct NetworkDiagramData {
    QStringList layerNames;                 ///< "inputs", "dense1", ..., "output"
    std::vector<std::vector<QImage>> units; ///< per layer, per unit: its output over the plane
    /// weights[l](o, i): from unit i of layer l to unit o of layer l+1 (row-major out × in).
    std::vector<std::vector<float>> weights;
    long long epoch = -1;
};

/// One run's news in a batch.
struct NetworkRunProgress {
    int index = 0;                       ///< in expandRuns() order
    std::vector<nn::EpochRecord> epochs; ///< new epoch records since the last batch
    long long steps = 0;
    long long epochsDone = 0;
    bool finished = false;
    bool diverged = false;
    long long divergedAt = 0;
    QString error;
};

struct NetworkBatch {
    std::uint64_t generation = 0;
    std::vector<NetworkRunProgress> runs;
};

class NetworkWorker : public QObject {
    Q_OBJECT
public:
    explicit NetworkWorker(QObject* parent = nullptr);
    ~NetworkWorker() override;

    // Thread-safe controls, read by the loop between slices.
    void setPaused(bool paused) { m_paused.store(paused); }
    [[nodiscard]] bool isPaused() const { return m_paused.load(); }
    /// End the loop for good (the thread is about to quit); the current slice ends early.
    void requestStop();

    static constexpr int batchIntervalMs = 30;
    /// Side of the decision-boundary grid, in cells.
    static constexpr int boundaryGrid = 64;
    /// At most this many decision-boundary images per second.
    static constexpr double boundaryPerSecond = 5.0;
    /// Side of each unit's picture in the diagram, in cells.
    static constexpr int diagramGrid = 24;

public slots:
    /// Start the loop (call in the worker's thread, e.g. from QThread::started).
    void begin();
    /// Load `experiment` (a network problem) and restart every run; relative data paths are
    /// resolved against `baseDir`. A data error is reported by loadFailed.
    void load(std::shared_ptr<const optiscope::Experiment> experiment, QString baseDir,
              quint64 generation);
    /// Drop every run (e.g. the window shows a function problem now).
    void clear();
    /// Draw the boundary and diagram of run `index` (in expandRuns order) from now on, and send
    /// its current ones at once, paused or not.
    void follow(int index);

signals:
    void dataReady(quint64 generation, const optiscope::NetworkDataPreview& preview);
    void batchReady(const optiscope::NetworkBatch& batch);
    /// The output of the followed run (`run`, see follow()) over NetworkDataPreview::plane: an
    /// ARGB image whose rows go from the top (largest y) down.
    void boundaryReady(quint64 generation, const QImage& image, long long epoch, int run);
    /// Every unit's output and every weight of the followed run (MLPs on 2-D sets), sent just
    /// after its boundary.
    void diagramReady(quint64 generation, const optiscope::NetworkDiagramData& diagram);
    /// Data or model could not be set up; `message` names the file and what is wrong.
    void loadFailed(quint64 generation, const QString& message);

private:
    struct Live;
    void tick();
    void emitBoundary();

    QTimer* m_timer = nullptr;
    std::uint64_t m_generation = 0;
    std::shared_ptr<const Experiment> m_experiment;
    std::shared_ptr<const nn::DataSplit> m_data;
    std::vector<std::unique_ptr<Live>> m_runs;
    std::size_t m_rotate = 0;
    bool m_is2d = false;
    QRectF m_plane;
    std::unique_ptr<nn::Network<float>> m_boundaryNet; ///< copy for the boundary
    long long m_boundaryEpoch = -1;
    int m_followed = 0;     ///< run whose boundary is drawn
    int m_boundaryRun = -1; ///< run the last boundary was drawn from
    std::chrono::steady_clock::time_point m_lastBoundary;
    std::atomic<bool> m_paused{false};
    std::atomic<bool> m_stop{false};
};

/// The decision boundary of `net` (input standardised per `data`) over `plane` (standardised
/// x, y): each cell coloured by the predicted class, paler where the network is unsure.
/// `extras` are the model's extra features, computed from the raw x, y.
QImage decisionBoundaryImage(nn::Network<float>& net, const nn::DataSplit& data,
                             const std::vector<std::string>& extras, const QRectF& plane, int grid);

/// The diagram of `net` (an MLP on a 2-D set) over `plane`, `grid` × `grid` cells per unit.
NetworkDiagramData networkDiagram(nn::Network<float>& net, const nn::DataSplit& data,
                                  const std::vector<std::string>& extras, const QRectF& plane,
                                  int grid);

/// The preview pane's data of `split` (points and plane for a toy 2-D classification set).
NetworkDataPreview makeNetworkDataPreview(const nn::DataSplit& split,
                                          const NetworkProblem& problem);

/// Colour of class `k` (points and boundary).
QColor networkClassColor(int k);

} // namespace optiscope

Q_DECLARE_METATYPE(optiscope::NetworkDataPreview)
Q_DECLARE_METATYPE(optiscope::NetworkBatch)
Q_DECLARE_METATYPE(optiscope::NetworkDiagramData)
