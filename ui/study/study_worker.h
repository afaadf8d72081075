// The study worker: runs a study's jobs in its own thread with the same core code as
// `optiscope-cli study` (runStudyJobs on every core, into a study folder), and reports each
// finished job to the GUI thread. Stop and pause go through the RunControl of the current run,
// which the controller holds too, so they act at once even while the worker is busy.
#pragma once

#include "core/study/study_runner.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace optiscope {

/// The jobs found complete in a folder (nullopt where not).
struct StudyScan {
    std::vector<std::optional<JobRecord>> records;
    QStringList warnings;
    QString ownerError; ///< the folder holds another study ("" if it is ours or empty)
};

/// How a run of the study ended.
struct StudyRunEnd {
    bool stopped = false;
    QString error; ///< a failed job's message ("" if none failed)
    std::size_t completed = 0;
};

class StudyWorker : public QObject {
    Q_OBJECT
public:
    explicit StudyWorker(QObject* parent = nullptr);
    ~StudyWorker() override;

    /// Stop the current run at once and refuse new ones (the thread is about to quit).
    void requestStop();

public slots:
    void begin();
    /// Read which jobs of `plan` are complete in `dir` (and whether it is another study's).
    void scan(std::shared_ptr<const optiscope::StudyPlan> plan, QString dir, quint64 generation);
    /// Run `jobs` of `plan` into `dir` (claiming it) until done or `control` stops them.
    void run(std::shared_ptr<const optiscope::StudyPlan> plan, QString dir, QString dataDir,
             std::vector<std::size_t> jobs, int threads, optiscope::TraceMode traces,
             std::shared_ptr<optiscope::RunControl> control,
             std::shared_ptr<optiscope::StudyProgress> progress, quint64 generation);
    /// Estimate the seconds the study takes on `threads` threads by timing a slice of its first
    /// job (a few thousand updates, or a few mini-batches and an evaluation).
    void estimate(std::shared_ptr<const optiscope::StudyPlan> plan, QString dataDir, int threads,
                  quint64 generation);

signals:
    void scanned(quint64 generation, const optiscope::StudyScan& scan);
    void jobDone(quint64 generation, const optiscope::JobRecord& record);
    void finished(quint64 generation, const optiscope::StudyRunEnd& end);
    void estimated(quint64 generation, double seconds, const QString& error);

private:
    std::mutex m_mutex; ///< guards m_current (set in the worker's thread, stopped from any)
    std::shared_ptr<RunControl> m_current;
    std::atomic<bool> m_stop{false};
};

} // namespace optiscope

Q_DECLARE_METATYPE(optiscope::StudyScan)
Q_DECLARE_METATYPE(optiscope::StudyRunEnd)
Q_DECLARE_METATYPE(optiscope::JobRecord)
