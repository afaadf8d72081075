// A study's results as tables (SPEC §6): per job, per configuration (cell, run) with the mean,
// standard deviation and 95 % CI of every metric, and per run with a no-decay twin the paired
// difference, its CI and the paired t-test's p-value. Works on a partial set of jobs too (the
// app shows results as they come in); the files are written once every job is complete.
#pragma once

#include "core/study/study_job.h"
#include "core/study/study_stats.h"

#include <optional>
#include <string>
#include <vector>

namespace optiscope {

/// One configuration: a cell and a run (or twin), over its repeats.
struct ConfigSummary {
    std::size_t cell = 0;
    std::size_t instance = 0;
    int complete = 0;               ///< repeats done (diverged ones included)
    int diverged = 0;               ///< repeats that diverged (left out of the statistics)
    std::vector<SampleStats> stats; ///< per metric, in StudyPlan::metrics() order
    /// n of the tables: repeats done that did not diverge.
    [[nodiscard]] int n() const { return complete - diverged; }
};

/// A run against its no-decay twin in one cell, on one metric, paired by repeat.
struct TwinComparison {
    std::size_t cell = 0;
    std::size_t instance = 0; ///< the run (its twin is instance + 1)
    std::size_t metric = 0;   ///< index into StudyPlan::metrics()
    PairedTest test;
};

struct StudyResults {
    std::vector<ConfigSummary> configs; ///< cell-major, then runs in plan order
    std::vector<TwinComparison> comparisons;
    std::size_t complete = 0; ///< jobs with a record
};

/// `records[i]` is job i's record, or nullopt when it is not (yet) done.
StudyResults summarizeStudy(const StudyPlan& plan,
                            const std::vector<std::optional<JobRecord>>& records);

/// study.csv: one row per job with a record.
std::string studyCsv(const StudyPlan& plan, const std::vector<std::optional<JobRecord>>& records);
/// summary.csv: one row per configuration.
std::string summaryCsv(const StudyPlan& plan, const StudyResults& results);
/// comparisons.csv: one row per (cell, run with a twin, metric).
std::string comparisonsCsv(const StudyPlan& plan, const StudyResults& results);
/// summary.md: both tables in Markdown, for a report.
std::string summaryMarkdown(const StudyPlan& plan, const StudyResults& results);

/// A cell of a CSV file: numbers in the shortest form that reads back exactly, NaN empty, text
/// quoted when it holds a comma, quote or line break.
std::string csvNumber(double value);
std::string csvText(const std::string& text);

/// "0.8712 ± 0.0043" (mean ± half the 95 % CI), "0.8712" when n < 2, "–" when n = 0.
std::string meanWithCi(const SampleStats& stats);

} // namespace optiscope
