#include "ui/study/study_controller.h"

#include "ui/app/experiment_document.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <thread>

namespace optiscope {

StudyController::StudyController(ExperimentDocument* document, QObject* parent)
    : WorkController(document, parent), m_worker(QStringLiteral("optiscope-study")),
      m_throttle(new QTimer(this)) {
    qRegisterMetaType<std::shared_ptr<const optiscope::StudyPlan>>();
    qRegisterMetaType<std::vector<std::size_t>>();
    qRegisterMetaType<optiscope::TraceMode>();
    m_throttle->setSingleShot(true);
    m_throttle->setInterval(100);
    connect(m_throttle, &QTimer::timeout, this, [this]() {
        m_results.reset();
        emit tracksUpdated();
        emit progressChanged();
    });
    StudyWorker* w = m_worker.worker();
    connect(w, &StudyWorker::scanned, this, [this](quint64 generation, const StudyScan& scan) {
        if (generation != m_generation || !m_plan)
            return;
        m_records = scan.records;
        m_done = std::size_t(std::count_if(m_records.begin(), m_records.end(),
                                           [](const auto& r) { return r.has_value(); }));
        m_problem = scan.ownerError;
        if (!scan.warnings.isEmpty())
            emit failed(scan.warnings.join(QLatin1Char('\n')));
        m_results.reset();
        emit tracksUpdated();
        emit progressChanged();
    });
    connect(w, &StudyWorker::jobDone, this, [this](quint64 generation, const JobRecord& r) {
        if (generation != m_generation || r.job.index >= m_records.size())
            return;
        if (!m_records[r.job.index])
            ++m_done;
        m_records[r.job.index] = r;
        if (!m_throttle->isActive())
            m_throttle->start();
    });
    connect(w, &StudyWorker::finished, this, [this](quint64 generation, const StudyRunEnd& end) {
        if (generation != m_generation)
            return;
        m_running = false;
        m_control.reset();
        if (!end.error.isEmpty()) {
            m_problem = end.error;
            emit failed(end.error);
        }
        setPlaying(false);
        m_results.reset();
        emit tracksUpdated();
        emit progressChanged();
    });
    connect(w, &StudyWorker::estimated, this,
            [this](quint64 generation, double seconds, const QString& error) {
                if (generation != m_generation)
                    return;
                m_estimate = seconds;
                if (!error.isEmpty())
                    m_problem = error;
                emit progressChanged();
            });
    connect(document, &ExperimentDocument::changed, this,
            [this](ExperimentDocument::Change change, int) { onDocumentChanged(int(change)); });
    connect(document, &ExperimentDocument::filePathChanged, this, [this]() {
        if (!m_dirChosen)
            rebuildPlan();
    });
    m_worker.start();
}

StudyController::~StudyController() {
    if (m_control)
        m_control->requestStop();
}

const StudyResults& StudyController::results() const {
    if (!m_results) {
        m_results = m_plan ? summarizeStudy(*m_plan, m_records) : StudyResults{};
    }
    return *m_results;
}

bool StudyController::allFinished() const {
    return m_plan && m_done == m_plan->jobCount();
}

double StudyController::secondsLeft() const {
    if (!m_plan)
        return -1;
    const std::size_t left = m_plan->jobCount() - m_done;
    if (left == 0)
        return 0;
    const std::size_t doneHere = m_done - m_doneAtStart;
    if (m_running && doneHere > 0)
        return m_clock.elapsed() / 1000.0 / double(doneHere) * double(left);
    if (m_estimate >= 0)
        return m_estimate * double(left) / double(m_plan->jobCount());
    return -1;
}

QString StudyController::defaultOutputDir() const {
    const QString file = document()->filePath();
    if (!file.isEmpty()) {
        const QFileInfo info(file);
        return info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral("-study"));
    }
    // Unsaved experiments and presets: one folder per study under the app's data folder, named
    // by its title and identity, so that reopening the same preset finds its results.
    const QByteArray identity = QByteArray::fromStdString(m_plan ? m_plan->identity() : "");
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(identity, QCryptographicHash::Sha1).toHex().left(8));
    std::string slug = slugify(document()->experiment().title);
    if (slug.size() > 48)
        slug.resize(48);
    QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.optiscope");
    return QDir(base).filePath(
        QStringLiteral("studies/%1-%2")
            .arg(slug.empty() ? QStringLiteral("study") : QString::fromStdString(slug), hash));
}

void StudyController::setOutputDir(const QString& dir) {
    m_dirChosen = true;
    if (dir == m_dir)
        return;
    stopRun();
    m_dir = dir;
    reset();
}

void StudyController::stopRun() {
    if (m_control)
        m_control->requestStop(); // finished jobs stay; the worker reports nothing more we take
    m_control.reset();
    m_running = false;
    setPlaying(false);
}

void StudyController::onDocumentChanged(int change) {
    if (ExperimentDocument::Change(change) == ExperimentDocument::Change::Cosmetic && m_plan) {
        // Names and colours: the jobs are the same (run names must stay, they name the files).
        const Experiment& e = document()->experiment();
        bool namesSame = e.runs.size() == m_plan->experiment().runs.size();
        for (std::size_t i = 0; namesSame && i < e.runs.size(); ++i)
            namesSame = e.runs[i].name == m_plan->experiment().runs[i].name;
        if (namesSame && e.study) {
            m_plan = std::make_shared<const StudyPlan>(e);
            emit planChanged();
            return;
        }
    }
    rebuildPlan();
}

void StudyController::rebuildPlan() {
    stopRun();
    ++m_generation;
    m_records.clear();
    m_results.reset();
    m_done = 0;
    m_problem.clear();
    m_estimate = -1.0;
    const Experiment& e = document()->experiment();
    m_plan = e.study ? std::make_shared<const StudyPlan>(e) : nullptr;
    if (!m_dirChosen)
        m_dir = m_plan ? defaultOutputDir() : QString();
    if (m_plan) {
        m_records.assign(m_plan->jobCount(), std::nullopt);
        m_worker.post([plan = m_plan, dir = m_dir, g = m_generation](StudyWorker* w) {
            w->scan(plan, dir, g);
        });
        requestEstimate();
    }
    emit planChanged();
    emit progressChanged();
}

void StudyController::requestEstimate() {
    const int threads =
        m_threads > 0 ? m_threads : int(std::max(1u, std::thread::hardware_concurrency()));
    m_worker.post([plan = m_plan, dir = m_dataDir, threads, g = m_generation](StudyWorker* w) {
        w->estimate(plan, dir, threads, g);
    });
}

void StudyController::reset() {
    if (!m_plan)
        return;
    stopRun();
    ++m_generation;
    m_problem.clear();
    // Queued behind a run that is stopping, so it sees every job that run finished.
    m_worker.post(
        [plan = m_plan, dir = m_dir, g = m_generation](StudyWorker* w) { w->scan(plan, dir, g); });
    emit progressChanged();
}

void StudyController::play() {
    if (!m_plan)
        return;
    if (m_running) { // paused: resume
        if (m_control)
            m_control->setPaused(false);
        setPlaying(true);
        return;
    }
    if (allFinished())
        return;
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < m_records.size(); ++i)
        if (!m_records[i])
            pending.push_back(i);
    m_problem.clear();
    m_control = std::make_shared<RunControl>();
    m_progress = std::make_shared<StudyProgress>();
    m_running = true;
    m_doneAtStart = m_done;
    m_clock.start();
    m_worker.post([plan = m_plan, dir = m_dir, data = m_dataDir, pending, threads = m_threads,
                   traces = m_traces, control = m_control, progress = m_progress,
                   g = m_generation](StudyWorker* w) {
        w->run(plan, dir, data, pending, threads, traces, control, progress, g);
    });
    setPlaying(true);
    emit progressChanged();
}

void StudyController::pause() {
    if (m_running && m_control)
        m_control->setPaused(true);
    setPlaying(false);
    emit progressChanged();
}

void StudyController::cancel() {
    if (m_running)
        reset();
}

Experiment StudyController::jobExperiment(std::size_t jobIndex) const {
    return m_plan->jobExperiment(m_plan->job(jobIndex));
}

} // namespace optiscope
