// An editor generated from a ParamTable: one row per parameter with its PyTorch name, an editor
// fitting its kind, the default as placeholder, and a tooltip with the help text and valid range.
// Out-of-range input is refused with a message naming the parameter and the range.
#pragma once

#include "core/common/params.h"

#include <QWidget>

#include <vector>

class QFormLayout;
class QLabel;

namespace optiscope {

class ParamForm : public QWidget {
    Q_OBJECT
public:
    explicit ParamForm(QWidget* parent = nullptr);

    /// Rebuild the editors for `table`, showing `values`.
    void setTable(const ParamTable& table, const ParamSet& values);
    /// Show new values without rebuilding (same table).
    void setValues(const ParamSet& values);
    [[nodiscard]] const ParamSet& values() const { return m_values; }

signals:
    /// A parameter got a new valid value; `values` holds the whole set.
    void valuesChanged(const optiscope::ParamSet& values);

private:
    struct Row;
    void commit(size_t row);
    void showError(const QString& message);
    QString textOf(const ParamSpec& spec, const ParamValue& value) const;

    ParamTable m_table;
    ParamSet m_values;
    std::vector<QWidget*> m_editors;
    QFormLayout* m_form = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace optiscope
