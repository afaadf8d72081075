// The study panel: edits the document's study — repeats, the grid (keys picked from the
// catalog's parameters of the runs and the problem, values as a list or a range) and the lead
// metric. An edit reaches the document only when the whole study is valid (checked by the same
// reader as a file); otherwise the problem is shown under the grid, naming the key and value.
#pragma once

#include "core/experiment/experiment.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;
class QVBoxLayout;

namespace optiscope {

class ExperimentDocument;

class StudyPanel : public QWidget {
    Q_OBJECT
public:
    explicit StudyPanel(ExperimentDocument* document, QWidget* parent = nullptr);

    /// Grid keys that fit the experiment: its runs' optimizer and schedule parameters (pairs by
    /// element) and the problem's fields.
    static QStringList gridKeys(const Experiment& experiment);
    /// The values of a list as the panel writes them: "0.001, 0.0001", "true, false",
    /// "[16], [32, 32]".
    static QString valuesText(const GridAxis& axis);
    /// Parses a list typed in the panel; false with `error` if it is not one.
    static bool parseValues(const QString& text, std::vector<ParamValue>* values, QString* error);

    /// The message under the grid ("" when the study is valid).
    [[nodiscard]] QString problemText() const;

    /// Rebuild the rows from the document (after it changed elsewhere).
    void refresh();

private:
    struct Row;
    void addRow(const GridAxis& axis);
    void commit();
    [[nodiscard]] bool readRow(const Row& row, GridAxis* axis, QString* error) const;

    ExperimentDocument* m_document;
    QSpinBox* m_repeats;
    QComboBox* m_metric;
    QVBoxLayout* m_rowsLayout;
    QLabel* m_problem;
    std::vector<Row*> m_rows;
    bool m_refreshing = false;
};

} // namespace optiscope
