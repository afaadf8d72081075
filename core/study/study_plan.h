// A study's jobs (SPEC §6): every (cell, run or twin, repeat) of an experiment with a `study`,
// numbered in a fixed order, each with its experiment and its folder.
//
// Job order: cell-major, then the runs in file order (each followed by its no-decay twin), then
// the repeats. A job's result depends only on its own experiment (its cell's values and its
// repeat's seeds), never on which thread, shard or session ran it, so a study gives the same
// numbers run at once, in shards on several machines, or resumed after a kill.
#pragma once

#include "core/experiment/experiment.h"
#include "core/experiment/study_grid.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace optiscope {

/// How much of each job's step trace is kept (`--traces`).
enum class TraceMode {
    Thin, ///< at most 1,000 evenly spaced rows of each step trace (epoch traces whole)
    Full, ///< every row
    None, ///< only summary.json
};

/// "thin", "full", "none" → the mode; false if unknown.
bool parseTraceMode(const std::string& text, TraceMode* out);

struct StudyJob {
    std::size_t index = 0;    ///< in job order
    std::size_t cell = 0;     ///< grid cell
    std::size_t instance = 0; ///< index into StudyPlan::instances()
    int repeat = 0;
};

class StudyPlan {
public:
    /// `experiment` must be valid; without a `study` it is one cell and one repeat.
    explicit StudyPlan(Experiment experiment);
    ~StudyPlan();
    StudyPlan(const StudyPlan&) = delete;
    StudyPlan& operator=(const StudyPlan&) = delete;

    [[nodiscard]] const Experiment& experiment() const { return m_experiment; }
    [[nodiscard]] const StudySpec& study() const { return m_study; }
    [[nodiscard]] bool isNetwork() const {
        return m_experiment.problemType == Experiment::ProblemType::Network;
    }

    [[nodiscard]] std::size_t cellCount() const { return m_cells; }
    [[nodiscard]] const std::vector<RunInstance>& instances() const { return m_instances; }
    [[nodiscard]] int repeats() const { return m_study.repeats; }
    [[nodiscard]] std::size_t jobCount() const;
    [[nodiscard]] StudyJob job(std::size_t index) const;
    [[nodiscard]] std::size_t jobIndex(std::size_t cell, std::size_t instance, int repeat) const;

    /// The metrics of the tables, the study's chosen one first.
    [[nodiscard]] const std::vector<std::string>& metrics() const { return m_metrics; }

    /// "c0003".
    [[nodiscard]] std::string cellName(std::size_t cell) const;
    /// The text of each grid key's value in `cell`, in grid order.
    [[nodiscard]] std::vector<std::string> cellValues(std::size_t cell) const;
    /// The numeric value of grid key `key` in `cell` (NaN if not a number).
    [[nodiscard]] double cellNumber(std::size_t cell, std::size_t key) const;
    /// "optimizer.lr=0.001, schedule.decay_rate=0.5" ("" without a grid).
    [[nodiscard]] std::string cellLabel(std::size_t cell) const;

    /// The folder of a job's files, relative to the study folder: "jobs/c0003/adam/r2".
    [[nodiscard]] std::string jobFolder(const StudyJob& job) const;

    /// The experiment a job runs: its cell's values and its repeat's seeds (no `study`).
    /// Throws std::invalid_argument if the cell is invalid (it was validated when read).
    [[nodiscard]] Experiment jobExperiment(const StudyJob& job) const;

    /// The canonical JSON of the study with everything that does not change a job's result left
    /// out (title, run colours and visibility, the number of repeats, the lead metric): a folder's
    /// jobs belong to this study when its identity is the same. (So a finished study can be given
    /// more repeats and resumed.)
    [[nodiscard]] std::string identity() const;

private:
    Experiment m_experiment;
    StudySpec m_study;
    std::vector<RunInstance> m_instances;
    std::vector<std::string> m_metrics;
    std::size_t m_cells = 1;
    std::unique_ptr<StudyGrid> m_grid;
};

} // namespace optiscope
