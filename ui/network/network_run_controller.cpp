#include "ui/network/network_run_controller.h"

#include "ui/app/experiment_document.h"

#include <algorithm>
#include <memory>

namespace optiscope {

NetworkRunController::NetworkRunController(ExperimentDocument* document, QObject* parent)
    : WorkController(document, parent), m_worker(QStringLiteral("optiscope-networks")) {
    NetworkWorker* w = m_worker.worker();
    connect(w, &NetworkWorker::batchReady, this, &NetworkRunController::acceptBatch);
    connect(w, &NetworkWorker::dataReady, this,
            [this](quint64 generation, const NetworkDataPreview& preview) {
                if (generation == m_generation)
                    emit dataReady(preview);
            });
    connect(w, &NetworkWorker::boundaryReady, this,
            [this](quint64 generation, const QImage& image, long long epoch, int run) {
                if (generation != m_generation)
                    return;
                const QString name =
                    run >= 0 && run < int(m_tracks.size())
                        ? QString::fromStdString(m_tracks[size_t(run)].instance.name)
                        : QString();
                emit boundaryReady(image, epoch, name);
            });
    connect(w, &NetworkWorker::diagramReady, this,
            [this](quint64 generation, const NetworkDiagramData& diagram) {
                if (generation == m_generation)
                    emit diagramReady(diagram);
            });
    connect(w, &NetworkWorker::loadFailed, this,
            [this](quint64 generation, const QString& message) {
                if (generation != m_generation)
                    return;
                m_error = message;
                for (NetworkTrack& t : m_tracks)
                    t.error = tr("not started: see the message below the charts");
                m_pausedForError = isPlaying();
                pause(); // nothing to play until the data is fixed
                emit failed(message);
                emit tracksUpdated();
            });
    connect(document, &ExperimentDocument::changed, this,
            [this](ExperimentDocument::Change change, int) { onDocumentChanged(int(change)); });
    w->setPaused(true);
    m_worker.start();
}

NetworkRunController::~NetworkRunController() = default;

bool NetworkRunController::allFinished() const {
    return std::all_of(m_tracks.begin(), m_tracks.end(),
                       [](const NetworkTrack& t) { return t.finished; });
}

long long NetworkRunController::epochsDone() const {
    long long epochs = 0;
    for (const NetworkTrack& t : m_tracks)
        epochs = std::max(epochs, t.epochs.empty() ? 0 : t.epochs.back().epoch);
    return epochs;
}

void NetworkRunController::activate() {
    m_active = true;
    restart();
}

void NetworkRunController::deactivate() {
    m_active = false;
    pause();
    ++m_generation;
    m_tracks.clear();
    m_worker.post([](NetworkWorker* w) { w->clear(); });
}

void NetworkRunController::onDocumentChanged(int change) {
    if (!m_active)
        return;
    const Experiment& e = document()->experiment();
    if (e.problemType != Experiment::ProblemType::Network)
        return;
    switch (ExperimentDocument::Change(change)) {
    case ExperimentDocument::Change::Study:
        return;
    case ExperimentDocument::Change::Cosmetic: {
        // Same runs, new labels.
        std::vector<NetworkTrack> fresh = makeNetworkTracks(e);
        for (size_t i = 0; i < fresh.size() && i < m_tracks.size(); ++i) {
            m_tracks[i].instance = fresh[i].instance;
            m_tracks[i].color = fresh[i].color;
        }
        emit labelsChanged();
        return;
    }
    default:
        // Trainers are built for their epochs, data and runs: any other change trains anew.
        restart();
    }
}

void NetworkRunController::restart() {
    const Experiment& e = document()->experiment();
    m_tracks = makeNetworkTracks(e);
    m_error.clear();
    const quint64 generation = ++m_generation;
    auto experiment = std::make_shared<const Experiment>(e);
    const QString dir = m_baseDir;
    m_worker.post(
        [experiment, dir, generation](NetworkWorker* w) { w->load(experiment, dir, generation); });
    if (m_followed >= int(m_tracks.size()))
        m_followed = 0;
    sendFollow();
    emit restarted();
    if (m_pausedForError) { // the data was fixed (or changed): play as before the error
        m_pausedForError = false;
        play();
    }
    m_worker.worker()->setPaused(!isPlaying());
    emit tracksUpdated();
}

void NetworkRunController::acceptBatch(const NetworkBatch& batch) {
    if (batch.generation != m_generation)
        return; // from before a restart
    for (const NetworkRunProgress& p : batch.runs) {
        if (p.index < 0 || p.index >= int(m_tracks.size()))
            continue;
        NetworkTrack& t = m_tracks[size_t(p.index)];
        t.epochs.insert(t.epochs.end(), p.epochs.begin(), p.epochs.end());
        t.steps = p.steps;
        t.finished = p.finished;
        t.diverged = p.diverged;
        t.divergedAt = p.divergedAt;
        t.error = p.error;
    }
    if (allFinished() && isPlaying())
        pause();
    emit tracksUpdated();
}

void NetworkRunController::followRun(int configIndex, bool twin) {
    for (size_t i = 0; i < m_tracks.size(); ++i)
        if (m_tracks[i].instance.configIndex == configIndex && m_tracks[i].instance.twin == twin) {
            if (m_followed != int(i)) {
                m_followed = int(i);
                sendFollow();
                emit followChanged();
            }
            return;
        }
}

void NetworkRunController::sendFollow() {
    m_worker.post([run = m_followed](NetworkWorker* w) { w->follow(run); });
}

void NetworkRunController::play() {
    if (!m_active)
        return;
    if (allFinished() && !m_tracks.empty() &&
        std::any_of(m_tracks.begin(), m_tracks.end(),
                    [](const NetworkTrack& t) { return !t.epochs.empty(); }))
        restart(); // play after the end: train again
    m_worker.worker()->setPaused(false);
    setPlaying(true);
}

void NetworkRunController::pause() {
    m_worker.worker()->setPaused(true);
    setPlaying(false);
}

void NetworkRunController::reset() {
    if (m_active)
        restart();
}

} // namespace optiscope
