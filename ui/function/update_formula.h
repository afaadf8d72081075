// The update formula of each optimizer with the numbers of one step filled in, for the inspector.
#pragma once

#include "core/experiment/experiment.h"
#include "ui/function/run_track.h"

#include <QString>

namespace optiscope {

struct FormulaText {
    QString symbolic; ///< the update rule (HTML)
    QString numbers;  ///< the same with this step's values (HTML)
    QString windows;  ///< averaging windows, e.g. "β1 = 0.9 averages over ≈ 10 steps"
};

/// `sample` is row k; `previous` is row k−1 when it was kept (null otherwise: the gradient that
/// fed update k and the step taken are then not known exactly).
FormulaText updateFormula(const OptimizerConfig& optimizer, const RunStateLayout& layout,
                          const RunSample& sample, const RunSample* previous);

/// The averaging windows of the optimizer's moving averages (HTML lines), e.g. "β1 = 0.9
/// averages over ≈ 10 steps (1/(1−β1))"; empty for plain SGD.
QString averagingWindows(const OptimizerConfig& optimizer);
/// Adam, AdamW, NAdam, RAdam, Adamax: bias-corrected moment estimates m̂, v̂ (or u for Adamax).
bool isAdamFamily(const std::string& type);
/// β1 (index 0) or β2 (1) of an Adam-family optimizer; NaN for others.
double optimizerBeta(const OptimizerConfig& optimizer, int index);

/// Rows of the inspector's table: quantity, x value, y value (NaN: not available).
struct InspectorRow {
    QString name;
    double x;
    double y;
    QString tip;
};
std::vector<InspectorRow> inspectorRows(const OptimizerConfig& optimizer,
                                        const RunStateLayout& layout, const RunSample& sample,
                                        const RunSample* previous);

} // namespace optiscope
