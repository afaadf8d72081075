// A study's grid (SPEC §6): which cells it has, and the experiment of each cell and repeat.
//
// A cell's experiment is the base experiment with every grid key set to the cell's value. The
// values are applied to the experiment's canonical JSON (every hyper-parameter written out) and
// the result is read back by the same reader as a file, so each value passes exactly the checks
// the field has in a file — a grid can never produce an experiment a file could not.
#pragma once

#include "core/experiment/experiment_io.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace optiscope {

/// Limits of a study (SPEC §6).
struct StudyLimits {
    static constexpr int maxRepeats = 1000;
    static constexpr long long maxJobs = 1'000'000;
    static constexpr int maxGridKeys = 8;
};

/// The metrics a study of `experiment` reports, the default first: function problems
/// `tail_loss`, `final_loss`; networks `test_acc` and `test_loss` (with a test set), `val_acc` and
/// `val_loss` (with a validation split), `train_loss` (accuracies only for classification).
std::vector<std::string> studyMetrics(const Experiment& experiment);

/// studyMetrics() with the study's chosen metric first.
std::vector<std::string> orderedStudyMetrics(const Experiment& experiment);

/// Cells of the grid: the product of the keys' value counts (1 without a grid).
std::size_t studyCellCount(const StudySpec& study);

/// Index into each key's values for cell `cell` (the last key varies fastest).
std::vector<std::size_t> cellValueIndices(const StudySpec& study, std::size_t cell);

/// "c0000", "c0001", ... (more digits past 9999).
std::string cellName(std::size_t cell);

/// Adds `repeat` to every seed of the problem: a function's noise seed; a network's seed and its
/// generated data set's seed (SPEC §6). A run and its twin get the same seeds.
Experiment withRepeatSeeds(Experiment experiment, int repeat);

/// Builds the experiments of a study's cells from its base experiment.
class StudyGrid {
public:
    /// `base` must be valid and have a study.
    explicit StudyGrid(const Experiment& base);
    ~StudyGrid();
    StudyGrid(const StudyGrid&) = delete;
    StudyGrid& operator=(const StudyGrid&) = delete;

    [[nodiscard]] const Experiment& base() const { return m_base; }
    [[nodiscard]] std::size_t cellCount() const { return m_cells; }

    /// The experiment of `cell` (without `study`), or the issues that make it invalid, each
    /// naming the grid key and value (`study.grid.optimizer.lr[2]`).
    [[nodiscard]] ExperimentParseResult cell(std::size_t cell) const;

    /// Every problem of the grid: each key's values one at a time (`study.grid.<key>[i]: reason`),
    /// then, if those are all valid, every cell (combinations that fail together). At most
    /// `maxIssues` are reported.
    [[nodiscard]] std::vector<ValidationIssue> validate(std::size_t maxIssues = 20) const;

private:
    struct Impl;
    Experiment m_base;
    std::size_t m_cells = 1;
    std::unique_ptr<Impl> d;
};

} // namespace optiscope
