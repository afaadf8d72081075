// One job of a study: run it, write its files, read its result back.
//
// A job writes into its folder (StudyPlan::jobFolder()) the files `optiscope-cli run` writes for
// that run — `<slug>.csv` for a function, `<slug>-steps.csv` and `<slug>-epochs.csv` for a network
// — each atomically, and `summary.json` last: a job whose summary.json exists is complete, so a
// study killed at any moment resumes by running the jobs without one.
#pragma once

#include "core/run/experiment_runner.h"
#include "core/study/study_plan.h"

#include <Eigen/Core>

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

namespace nn {
struct DataLocations;
struct DataSplit;
struct NetworkData;
} // namespace nn

/// What a finished job reports (its summary.json).
struct JobRecord {
    StudyJob job;
    std::vector<double> metrics; ///< in StudyPlan::metrics() order; NaN when undefined
    long long steps = 0;         ///< updates done
    long long epochs = 0;        ///< networks: epochs done
    bool diverged = false;
    long long divergedAt = 0;
    double wallSeconds = 0.0;
    Eigen::Vector2d finalPoint{std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::quiet_NaN()}; ///< functions
    /// The job's traces (name in its folder, bytes). Job files are committed without fsync
    /// (Durability::Deferred); a summary whose traces do not have these sizes was cut by a
    /// crash or power cut, and its job runs again.
    std::vector<std::pair<std::string, unsigned long long>> files;
};

/// Data sets shared by the jobs of a study: a file set is read once, and a split is shared by the
/// jobs that use the same seed while any of them runs. Thread-safe.
class StudyDataCache {
public:
    /// `baseDir`: the experiment file's folder (relative data paths are resolved against it).
    explicit StudyDataCache(std::string baseDir);
    ~StudyDataCache();

    /// The split data of `problem` (throws nn::DataError, std::invalid_argument like
    /// nn::prepareNetworkData()).
    std::shared_ptr<const nn::DataSplit> split(const NetworkProblem& problem);

private:
    std::string m_baseDir;
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const nn::NetworkData>> m_files;
    std::map<std::string, std::weak_ptr<const nn::DataSplit>> m_splits;
};

struct JobOptions {
    TraceMode traces = TraceMode::Thin;
};

/// Why a job did not complete.
struct JobFailure {
    enum class Kind {
        Stopped, ///< RunControl asked it to stop: nothing was committed
        Input,   ///< its data cannot be used (a missing or broken file): the study cannot go on
        Io,      ///< a file could not be written: nothing was committed
    };
    Kind kind = Kind::Io;
    std::string message;
};

/// Runs `job` and writes its files under `studyDir`. Returns its record, or the failure (files of
/// a job that fails or is stopped are never committed: its summary.json does not exist).
std::optional<JobRecord> runStudyJob(const StudyPlan& plan, const StudyJob& job,
                                     const std::string& studyDir, const JobOptions& options,
                                     RunControl& control, StudyDataCache& data,
                                     JobFailure* failure);

/// The summary.json of a job.
std::string jobSummaryJson(const StudyPlan& plan, const JobRecord& record);

/// Reads a job's summary.json; nullopt with `error` (naming the file) if it is missing, broken,
/// or belongs to another job of the plan.
std::optional<JobRecord> readJobRecord(const StudyPlan& plan, const StudyJob& job,
                                       const std::string& studyDir, std::string* error);

} // namespace optiscope
