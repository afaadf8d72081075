// The editor of a typed function ("Custom…" in the function chooser): the expression, its
// constants ("a = 1, b = 100"; each becomes an editable field in the constants form below, like a
// built-in's), the plot bounds and the known minima. It checks what is typed as it is typed:
// an error appears under the field with its column and the last good function stays in use; a
// good one is emitted (after a short pause in typing) with its symbolic ∂f/∂x and ∂f/∂y shown.
#pragma once

#include "core/functions/custom_function.h"

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QTimer;

namespace optiscope {

class CustomFunctionEditor : public QWidget {
    Q_OBJECT
public:
    explicit CustomFunctionEditor(QWidget* parent = nullptr);

    /// Shows `function` (without emitting).
    void setFunction(const std::shared_ptr<const CustomFunction>& function);
    /// Checks the fields now (instead of after the typing pause); true when they are valid.
    bool check();
    [[nodiscard]] QString errorText() const;

signals:
    /// The fields describe a valid function different from the one shown last.
    void functionEdited(std::shared_ptr<const optiscope::CustomFunction> function);

private:
    void showDerivatives(const CustomFunction& f);

    QLineEdit* m_expression;
    QLabel* m_expressionError;
    QLineEdit* m_params;
    QLineEdit* m_xRange;
    QLineEdit* m_yRange;
    QLineEdit* m_minima;
    QLabel* m_fieldError;
    QLabel* m_derivatives;
    QTimer* m_pause;
    std::shared_ptr<const CustomFunction> m_last;
};

} // namespace optiscope
