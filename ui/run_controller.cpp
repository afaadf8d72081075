#include "ui/run_controller.h"

#include "core/functions/test_function.h"
#include "ui/run_worker.h"

#include <algorithm>
#include <memory>

namespace optiscope {

RunController::RunController(QObject* parent) : QObject(parent), m_worker(new RunWorker) {
    m_thread.setObjectName(QStringLiteral("optiscope-runs"));
    m_worker->moveToThread(&m_thread);
    m_worker->setPaused(true);
    connect(&m_thread, &QThread::started, m_worker, &RunWorker::begin);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &RunWorker::batchReady, this, &RunController::acceptBatch,
            Qt::QueuedConnection);
    m_thread.start();
}

RunController::~RunController() {
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

int RunController::trackIndex(int configIndex, bool twin) const {
    for (size_t i = 0; i < m_tracks.size(); ++i)
        if (m_tracks[i].instance.configIndex == configIndex && m_tracks[i].instance.twin == twin)
            return static_cast<int>(i);
    return -1;
}

bool RunController::allFinished() const {
    return std::all_of(m_tracks.begin(), m_tracks.end(),
                       [](const RunTrack& t) { return t.finished; });
}

bool RunController::sameNumbers(const RunConfig& a, const RunConfig& b) {
    return a.optimizer == b.optimizer && a.schedule == b.schedule &&
           a.compareWithoutSchedule == b.compareWithoutSchedule;
}

void RunController::setExperiment(const Experiment& experiment) {
    m_experiment = experiment;
    // Show every constant of the function, as a file read back would have them.
    if (const FunctionInfo* info = findFunction(m_experiment.function.function)) {
        const ParamSet defaults = ParamSet::defaults(info->params);
        for (const auto& [name, value] : defaults.values())
            if (!m_experiment.function.params.has(name))
                m_experiment.function.params.set(name, value);
    }
    m_generations.assign(m_experiment.runs.size(), {0, 0});
    restart(true);
}

void RunController::setProblem(const FunctionProblem& problem) {
    m_experiment.function = problem;
    restart(true);
}

void RunController::setNetworkProblem(const NetworkProblem& problem) {
    m_experiment.network = problem;
    restart(true);
}

void RunController::setStart(const Eigen::Vector2d& start) {
    m_experiment.function.start = start;
    restart(true);
}

void RunController::setTitle(const std::string& title) {
    m_experiment.title = title;
}

void RunController::setRun(int configIndex, const RunConfig& run) {
    if (configIndex < 0 || configIndex >= static_cast<int>(m_experiment.runs.size()))
        return;
    const bool numbers = !sameNumbers(m_experiment.runs[configIndex], run);
    m_experiment.runs[configIndex] = run;
    if (numbers)
        m_generations[configIndex] = {0, 0};
    rebuildTracks();
    if (numbers)
        sendJobs();
    emit experimentChanged();
}

void RunController::addRun(const RunConfig& run) {
    m_experiment.runs.push_back(run);
    m_generations.push_back({0, 0});
    rebuildTracks();
    sendJobs();
    emit experimentChanged();
}

void RunController::duplicateRun(int configIndex) {
    if (configIndex < 0 || configIndex >= static_cast<int>(m_experiment.runs.size()))
        return;
    RunConfig copy = m_experiment.runs[configIndex];
    copy.name += " (copy)";
    copy.color = runColor(static_cast<int>(m_experiment.runs.size())).name().toStdString();
    addRun(copy);
}

void RunController::removeRun(int configIndex) {
    if (configIndex < 0 || configIndex >= static_cast<int>(m_experiment.runs.size()))
        return;
    m_experiment.runs.erase(m_experiment.runs.begin() + configIndex);
    m_generations.erase(m_generations.begin() + configIndex);
    rebuildTracks();
    sendJobs();
    emit experimentChanged();
}

void RunController::setBudget(long long steps) {
    steps = std::max(1LL, steps);
    m_experiment.steps = steps;
    const long long stride = displayStride(steps);
    if (stride != m_stride) {
        // Coarser stride: thin the stored rows to it (finer: new rows simply come denser).
        m_stride = stride;
        for (auto& t : m_tracks) {
            std::vector<RunSample> kept;
            for (auto& s : t.samples)
                if (s.step % m_stride == 0 || s.lrReduced || &s == &t.samples.back())
                    kept.push_back(std::move(s));
            t.samples = std::move(kept);
        }
    }
    for (auto& t : m_tracks)
        if (!t.diverged && t.error.isEmpty() && t.hasLatest && t.latest.step < steps)
            t.finished = false;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, steps]() { w->setBudget(steps); }, Qt::QueuedConnection);
    emit experimentChanged();
}

void RunController::restart(bool all) {
    if (all)
        for (auto& g : m_generations)
            g = {0, 0};
    rebuildTracks();
    sendJobs();
    emit experimentChanged();
}

void RunController::rebuildTracks() {
    m_stride = displayStride(m_experiment.steps);
    std::vector<RunTrack> old = std::move(m_tracks);
    m_tracks.clear();
    for (const RunInstance& inst : expandRuns(m_experiment)) {
        auto& gen = m_generations[inst.configIndex][inst.twin ? 1 : 0];
        if (gen == 0)
            gen = m_nextGeneration++;
        RunTrack track;
        auto it = std::find_if(old.begin(), old.end(),
                               [&](const RunTrack& t) { return t.generation == gen; });
        if (it != old.end())
            track = std::move(*it);
        track.instance = inst;
        track.generation = gen;
        const RunConfig& cfg = m_experiment.runs[inst.configIndex];
        track.color = cfg.color.empty() ? runColor(inst.configIndex)
                                        : QColor(QString::fromStdString(cfg.color));
        track.visible = cfg.visible;
        m_tracks.push_back(std::move(track));
    }
}

void RunController::sendJobs() {
    auto experiment = std::make_shared<const Experiment>(m_experiment);
    std::vector<RunJob> jobs;
    if (m_experiment.problemType == Experiment::ProblemType::Function) // networks: NetworkView
        for (const auto& t : m_tracks)
            jobs.push_back({t.generation, t.instance});
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, experiment, jobs]() { w->load(experiment, jobs); },
        Qt::QueuedConnection);
}

void RunController::acceptBatch(const RunBatch& batch) {
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
            // The worker may still use a finer stride for a moment after the budget shrank.
            t.samples.push_back(s);
        }
        t.latest = p.latest;
        t.hasLatest = true;
        t.finished = p.finished;
        t.diverged = p.diverged;
        t.divergedAt = p.divergedAt;
        if (!p.error.isEmpty() && t.error != p.error) {
            t.error = p.error;
            emit runFailed(
                QStringLiteral("%1: %2").arg(QString::fromStdString(t.instance.name), p.error));
        }
    }
    if (!any)
        return;
    emit tracksUpdated();
    if (m_playing && allFinished()) {
        m_playing = false;
        m_worker->setPaused(true);
        emit playingChanged(false);
    }
}

void RunController::play() {
    if (allFinished() && !m_tracks.empty()) {
        bool anyProgress = std::any_of(m_tracks.begin(), m_tracks.end(),
                                       [](const RunTrack& t) { return t.hasLatest; });
        if (anyProgress)
            reset();
    }
    m_worker->setPaused(false);
    if (!m_playing) {
        m_playing = true;
        emit playingChanged(true);
    }
}

void RunController::pause() {
    m_worker->setPaused(true);
    if (m_playing) {
        m_playing = false;
        emit playingChanged(false);
    }
}

void RunController::togglePlay() {
    if (m_playing)
        pause();
    else
        play();
}

void RunController::stepOnce() {
    pause();
    m_worker->requestSingleStep();
}

void RunController::reset() {
    restart(true);
}

void RunController::setSpeed(double stepsPerSecond) {
    m_speed = stepsPerSecond;
    m_worker->setSpeed(stepsPerSecond);
}

} // namespace optiscope
