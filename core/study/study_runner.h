// Running a study's jobs into a folder, on several threads, and the folder itself: which study
// it holds (study.json), which jobs are complete, and the tables written when all are.
//
// The same code runs `optiscope-cli study` and the app's study controller, so the two can finish
// each other's studies in one folder.
#pragma once

#include "core/study/study_job.h"
#include "core/study/study_results.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

/// A study's output folder (SPEC §6): study.json, jobs/<cell>/<slug>/r<repeat>/, the tables.
class StudyFolder {
public:
    explicit StudyFolder(std::string dir) : m_dir(std::move(dir)) {}
    [[nodiscard]] const std::string& dir() const { return m_dir; }

    /// Why this folder cannot hold `plan`'s jobs (it holds another study's, or is not a folder),
    /// or "" — an empty, missing or same-study folder is fine. Touches nothing.
    [[nodiscard]] std::string checkOwner(const StudyPlan& plan) const;
    /// Creates the folder and writes study.json (the study's experiment file, atomically).
    bool claim(const StudyPlan& plan, std::string* error) const;

    /// Every job's record if complete (nullopt otherwise). A summary.json that cannot be read
    /// counts as not done and is named in `warnings` (its job runs again).
    [[nodiscard]] std::vector<std::optional<JobRecord>>
    scan(const StudyPlan& plan, std::vector<std::string>* warnings) const;

    /// study.csv, summary.csv, comparisons.csv and summary.md, each atomically. False with
    /// `error` naming the file on failure.
    bool writeTables(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records,
                     std::string* error) const;

private:
    std::string m_dir;
};

/// Progress of a running study, readable from any thread.
struct StudyProgress {
    std::atomic<std::size_t> done{0};    ///< jobs completed by this run
    std::atomic<std::size_t> running{0}; ///< jobs in progress
};

struct StudyRunOptions {
    int threads = 0;     ///< ≤ 0: one per core
    JobOptions job;      ///< traces
    std::string dataDir; ///< relative data paths are resolved against it (the experiment's folder)
    StudyDataCache* data = nullptr; ///< data already loaded (null: a cache of the run's own)
};

struct StudyRunOutcome {
    std::size_t completed = 0;
    bool stopped = false;             ///< RunControl asked to stop
    std::vector<JobFailure> failures; ///< jobs that failed (a failure stops the others)
};

/// Runs `jobs` (indices, in that order) of `plan` into `folder` on `options.threads` threads.
/// `onDone` is called for each completed job (from worker threads, one at a time). A failing job
/// stops the rest (its data or the disk would fail them too); jobs already complete stay so.
StudyRunOutcome runStudyJobs(const StudyPlan& plan, const StudyFolder& folder,
                             const std::vector<std::size_t>& jobs, const StudyRunOptions& options,
                             RunControl& control, StudyProgress* progress,
                             const std::function<void(const JobRecord&)>& onDone);

/// The jobs of shard k of n (1-based, SPEC §6): those whose index mod n is k − 1.
std::vector<std::size_t> shardJobs(std::size_t jobCount, int shard, int shards);

} // namespace optiscope
