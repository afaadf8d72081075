// The study's table as a Qt model: one row per configuration (cell, run), with its grid values,
// n, mean ± half the 95 % CI of every metric, the diverged repeats, and for a run with a no-decay
// twin the paired difference in the lead metric, its 95 % CI and the p-value. Display text is
// rounded; Qt::UserRole holds the exact number (sorting, copying, tests).
#pragma once

#include "core/study/study_results.h"

#include <QAbstractTableModel>

#include <memory>
#include <optional>

namespace optiscope {

class StudyTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    /// Show `results` of `plan` (null: empty). The model keeps both.
    void setResults(std::shared_ptr<const StudyPlan> plan, StudyResults results);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

    /// The configuration shown in `row` (source row): its cell and run instance.
    [[nodiscard]] std::pair<std::size_t, std::size_t> configAt(int row) const;
    /// The column of metric `metric`'s mean (-1 if none), of the lead metric's difference.
    [[nodiscard]] int metricColumn(std::size_t metric) const;
    [[nodiscard]] int differenceColumn() const;

    /// The paired comparisons of the lead metric in words, for a reader who does not yet know
    /// how to read a confidence interval: one sentence per run with a twin (a count when there
    /// are more than four).
    [[nodiscard]] QString reading() const;

private:
    enum class Kind { Cell, Grid, Run, N, Metric, Diverged, Diff, DiffCi, P };
    struct Column {
        Kind kind;
        std::size_t index = 0; ///< grid key or metric
    };
    [[nodiscard]] const TwinComparison* comparison(const ConfigSummary& c) const;

    std::shared_ptr<const StudyPlan> m_plan;
    std::optional<StudyResults> m_results;
    std::vector<Column> m_columns;
};

} // namespace optiscope
