// The network-run controller: the GUI thread's side of the runs of a network problem. It follows
// the experiment document, owns the NetworkWorker in its member thread, keeps every run's epoch
// records, and relays the data preview, the followed run's decision boundary and diagram, and
// data errors to the network view. Same shape as the function-run and study controllers.
#pragma once

#include "ui/app/work_controller.h"
#include "ui/network/network_charts.h"
#include "ui/network/network_worker.h"

#include <QImage>

#include <cstdint>
#include <vector>

namespace optiscope {

class ExperimentDocument;

class NetworkRunController : public WorkController {
    Q_OBJECT
public:
    explicit NetworkRunController(ExperimentDocument* document, QObject* parent = nullptr);
    ~NetworkRunController() override; ///< stops the worker and waits for it

    /// Folder that relative data paths are resolved against (the experiment file's folder).
    void setBaseDir(const QString& dir) { m_baseDir = dir; }
    /// Train the document's network problem (the window shows it).
    void activate();
    /// Stop and drop every run (the window shows something else).
    void deactivate();
    [[nodiscard]] bool isActive() const { return m_active; }

    [[nodiscard]] const std::vector<NetworkTrack>& tracks() const { return m_tracks; }
    [[nodiscard]] bool allFinished() const override;
    /// The last data error ("" when the data loaded).
    [[nodiscard]] const QString& errorText() const { return m_error; }
    /// The most epochs any run has done.
    [[nodiscard]] long long epochsDone() const;

    /// Draw the boundary and diagram of run `configIndex` (its twin if `twin`).
    void followRun(int configIndex, bool twin);
    /// Index in tracks() of the run whose boundary is drawn.
    [[nodiscard]] int followedTrack() const { return m_followed; }

    void play() override;
    void pause() override;
    void reset() override;

signals:
    /// A new training started (new runs, new data): the view clears its panes.
    void restarted();
    /// The runs' names or colours changed (nothing restarts).
    void labelsChanged();
    void dataReady(const optiscope::NetworkDataPreview& preview);
    /// A new decision boundary of the followed run, after `epoch` epochs.
    void boundaryReady(const QImage& image, long long epoch, const QString& runName);
    void diagramReady(const optiscope::NetworkDiagramData& diagram);
    void followChanged();

private:
    void onDocumentChanged(int change);
    void restart();
    void acceptBatch(const optiscope::NetworkBatch& batch);
    void sendFollow();

    WorkerThread<NetworkWorker> m_worker;
    QString m_baseDir;
    bool m_active = false;
    std::uint64_t m_generation = 0;
    std::vector<NetworkTrack> m_tracks;
    QString m_error;
    int m_followed = 0;
    bool m_pausedForError = false; ///< a data error paused playing; a restart resumes it
};

} // namespace optiscope
