// Editors for the problem (function, its constants, gradient noise, start point) and for the
// selected run (optimizer and every hyper-parameter, schedule and its parameters with a live lr
// preview, "compare without decay"). Generated from the catalogs' ParamTables.
#pragma once

#include "core/experiment/experiment.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace optiscope {

struct ScheduleInfo;
class LrPreview;
class ParamForm;
class FunctionRunController;
class CustomFunctionEditor;
class CustomFunction;

class RunEditorPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunEditorPanel(FunctionRunController* controller, QWidget* parent = nullptr);

    /// Edit run `configIndex` (-1: none).
    void setCurrentRun(int configIndex);

signals:
    /// A "?" button: show this help page ("optimizer-adam.md", "schedule-step.md").
    void helpRequested(const QString& page);

private:
    void loadProblem();
    void loadRun();
    void applyProblem();
    void applyRun(const RunConfig& run);
    void onFunctionChosen();
    void onCustomEdited(const std::shared_ptr<const CustomFunction>& function);
    void onOptimizerChosen();
    void onScheduleChosen();

    FunctionRunController* m_controller;
    int m_config = -1;

    QComboBox* m_function;
    ParamForm* m_constants;
    CustomFunctionEditor* m_customEditor;
    const CustomFunction* m_shownCustom = nullptr;      ///< the typed function the editor shows
    std::shared_ptr<const CustomFunction> m_lastCustom; ///< kept while a built-in is chosen
    QLineEdit* m_noiseStd;
    QSpinBox* m_noiseSeed;
    QLineEdit* m_startX;
    QLineEdit* m_startY;
    QLabel* m_problemError;

    QGroupBox* m_runBox;
    QLineEdit* m_name;
    QComboBox* m_optimizer;
    QLabel* m_optimizerRef;
    ParamForm* m_optimizerParams;
    QComboBox* m_schedule;
    QLabel* m_scheduleFormula;
    ParamForm* m_scheduleParams;
    QLabel* m_scheduleError;
    QCheckBox* m_compare;
    LrPreview* m_preview;
};

} // namespace optiscope
