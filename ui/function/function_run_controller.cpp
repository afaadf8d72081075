#include "ui/function/function_run_controller.h"

#include "ui/app/experiment_document.h"

#include <algorithm>
#include <memory>

namespace optiscope {

FunctionRunController::FunctionRunController(ExperimentDocument* document, QObject* parent)
    : WorkController(document, parent), m_worker(QStringLiteral("optiscope-runs")) {
    m_worker.worker()->setPaused(true);
    connect(m_worker.worker(), &RunWorker::batchReady, this, &FunctionRunController::acceptBatch,
            Qt::QueuedConnection);
    connect(document, &ExperimentDocument::changed, this,
            [this](ExperimentDocument::Change change, int index) {
                onDocumentChanged(int(change), index);
            });
    m_worker.start();
    rebuildTracks();
}

FunctionRunController::~FunctionRunController() = default;

const Experiment& FunctionRunController::experiment() const {
    return document()->experiment();
}

int FunctionRunController::trackIndex(int configIndex, bool twin) const {
    for (size_t i = 0; i < m_tracks.size(); ++i)
        if (m_tracks[i].instance.configIndex == configIndex && m_tracks[i].instance.twin == twin)
            return static_cast<int>(i);
    return -1;
}

bool FunctionRunController::allFinished() const {
    return std::all_of(m_tracks.begin(), m_tracks.end(),
                       [](const RunTrack& t) { return t.finished; });
}

void FunctionRunController::onDocumentChanged(int change, int) {
    switch (ExperimentDocument::Change(change)) {
    case ExperimentDocument::Change::Study:
        return; // the explorer shows the base experiment; studies have their own controller
    case ExperimentDocument::Change::Budget:
        applyBudget();
        break;
    case ExperimentDocument::Change::Cosmetic:
        rebuildTracks();
        break;
    default:
        rebuildTracks();
        sendJobs();
        break;
    }
    emit experimentChanged();
}

void FunctionRunController::applyBudget() {
    const long long steps = experiment().steps;
    // The rows kept depend on the step alone (isDisplayRow), so a new budget keeps them all.
    for (auto& t : m_tracks)
        if (!t.diverged && t.error.isEmpty() && t.hasLatest && t.latest.step < steps)
            t.finished = false;
    m_worker.post([steps](RunWorker* w) { w->setBudget(steps); });
}

void FunctionRunController::rebuildTracks() {
    const Experiment& e = experiment();
    std::vector<RunTrack> old = std::move(m_tracks);
    m_tracks.clear();
    std::map<std::uint64_t, std::uint64_t> kept;
    for (const RunInstance& inst : expandRuns(e)) {
        const std::uint64_t doc = document()->generation(inst.configIndex, inst.twin);
        auto known = m_workerGeneration.find(doc);
        const std::uint64_t gen =
            known != m_workerGeneration.end() ? known->second : m_nextGeneration++;
        kept[doc] = gen;
        RunTrack track;
        auto it = std::find_if(old.begin(), old.end(),
                               [&](const RunTrack& t) { return t.generation == gen; });
        if (it != old.end())
            track = std::move(*it);
        track.instance = inst;
        track.generation = gen;
        const RunConfig& cfg = e.runs[size_t(inst.configIndex)];
        track.color = runColorOf(e, inst.configIndex);
        track.visible = cfg.visible;
        m_tracks.push_back(std::move(track));
    }
    m_workerGeneration = std::move(kept);
}

void FunctionRunController::sendJobs() {
    auto shared = std::make_shared<const Experiment>(experiment());
    std::vector<RunJob> jobs;
    if (shared->problemType == Experiment::ProblemType::Function) // networks: their controller
        for (const auto& t : m_tracks)
            jobs.push_back({t.generation, t.instance});
    m_worker.post([shared, jobs](RunWorker* w) { w->load(shared, jobs); });
}

void FunctionRunController::acceptBatch(const RunBatch& batch) {
    bool any = false;
    for (const RunProgress& p : batch.runs) {
        auto it = std::find_if(m_tracks.begin(), m_tracks.end(),
                               [&](const RunTrack& t) { return t.generation == p.generation; });
        if (it == m_tracks.end())
            continue; // stale: that configuration is gone
        RunTrack& t = *it;
        any = true;
        if (!p.layout.scalars.empty() || !p.layout.tensors.empty())
            t.layout = p.layout;
        for (const RunSample& s : p.samples) {
            if (!t.samples.empty() && s.step <= t.samples.back().step)
                continue; // duplicate row
            t.samples.push_back(s);
        }
        t.latest = p.latest;
        t.hasLatest = true;
        t.finished = p.finished;
        t.diverged = p.diverged;
        t.divergedAt = p.divergedAt;
        if (!p.error.isEmpty() && t.error != p.error) {
            t.error = p.error;
            emit failed(
                QStringLiteral("%1: %2").arg(QString::fromStdString(t.instance.name), p.error));
        }
    }
    if (!any)
        return;
    emit tracksUpdated();
    if (isPlaying() && allFinished()) {
        m_worker.worker()->setPaused(true);
        setPlaying(false);
    }
}

void FunctionRunController::play() {
    if (allFinished() && !m_tracks.empty()) {
        bool anyProgress = std::any_of(m_tracks.begin(), m_tracks.end(),
                                       [](const RunTrack& t) { return t.hasLatest; });
        if (anyProgress)
            reset();
    }
    m_worker.worker()->setPaused(false);
    setPlaying(true);
}

void FunctionRunController::pause() {
    m_worker.worker()->setPaused(true);
    setPlaying(false);
}

void FunctionRunController::stepOnce() {
    pause();
    m_worker.worker()->requestSingleStep();
}

void FunctionRunController::reset() {
    m_workerGeneration.clear();
    rebuildTracks();
    sendJobs();
    emit experimentChanged();
}

void FunctionRunController::setSpeed(double stepsPerSecond) {
    m_speed = stepsPerSecond;
    m_worker.worker()->setSpeed(stepsPerSecond);
}

} // namespace optiscope
