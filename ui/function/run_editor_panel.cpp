#include "ui/function/run_editor_panel.h"

#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/run/run_parts.h"
#include "core/schedule/lr_schedule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/param_form.h"
#include "ui/function/custom_function_editor.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/lr_preview.h"
#include "ui/teaching/help_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace optiscope {

namespace {

/// `field` with a "?" button on its right that calls `onHelp`.
template <typename F> QWidget* withHelpButton(QWidget* field, const QString& name, F&& onHelp) {
    auto* row = new QWidget(field->parentWidget());
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(field, 1);
    auto* help = new QToolButton(row);
    help->setObjectName(name);
    help->setText(QStringLiteral("?"));
    help->setToolTip(QObject::tr("Explain this: the update formula, each hyper-parameter, the "
                                 "paper (opens the help pane)"));
    QObject::connect(help, &QToolButton::clicked, row, std::forward<F>(onHelp));
    h->addWidget(help);
    return row;
}

QString fmt(double v) {
    return QString::fromStdString(formatDouble(v));
}

QLabel* noteLabel(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    QFont f = l->font();
    f.setItalic(true);
    l->setFont(f);
    return l;
}

QLabel* errorLabel(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color: #e0443e; font-weight: bold;"));
    l->hide();
    return l;
}

} // namespace

RunEditorPanel::RunEditorPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    // Problem.
    auto* problemBox = new QGroupBox(tr("Function"), this);
    auto* pf = new QFormLayout(problemBox);
    pf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_function = new QComboBox(problemBox);
    m_function->setObjectName(QStringLiteral("functionChooser"));
    for (const FunctionInfo& info : functionCatalog())
        m_function->addItem(QString::fromStdString(info.title), QString::fromStdString(info.name));
    m_function->addItem(tr("Custom…"), QStringLiteral("custom"));
    m_function->setToolTip(tr("The 2D function every run minimises; all runs restart"));
    pf->addRow(tr("function"), m_function);
    m_customEditor = new CustomFunctionEditor(problemBox);
    m_customEditor->setObjectName(QStringLiteral("customFunctionEditor"));
    m_customEditor->hide();
    pf->addRow(m_customEditor);
    m_constants = new ParamForm(problemBox);
    pf->addRow(m_constants);
    m_noiseStd = new QLineEdit(problemBox);
    m_noiseStd->setPlaceholderText(tr("0 (exact gradients)"));
    m_noiseStd->setToolTip(tr("Standard deviation of the Gaussian noise added to each gradient "
                              "component, as a mini-batch would. ≥ 0"));
    m_noiseSeed = new QSpinBox(problemBox);
    m_noiseSeed->setRange(0, 1'000'000'000);
    m_noiseSeed->setToolTip(tr("Seed of the noise sequence (the same for a run and its twin)"));
    auto* noiseRow = new QHBoxLayout;
    noiseRow->addWidget(m_noiseStd, 2);
    noiseRow->addWidget(new QLabel(tr("seed"), problemBox));
    noiseRow->addWidget(m_noiseSeed, 1);
    pf->addRow(tr("gradient noise σ"), noiseRow);
    m_startX = new QLineEdit(problemBox);
    m_startY = new QLineEdit(problemBox);
    m_startX->setToolTip(tr("Start point (or click on the map)"));
    m_startY->setToolTip(m_startX->toolTip());
    auto* startRow = new QHBoxLayout;
    startRow->addWidget(new QLabel(QStringLiteral("x"), problemBox));
    startRow->addWidget(m_startX);
    startRow->addWidget(new QLabel(QStringLiteral("y"), problemBox));
    startRow->addWidget(m_startY);
    pf->addRow(tr("start"), startRow);
    m_problemError = errorLabel(problemBox);
    pf->addRow(m_problemError);
    layout->addWidget(problemBox);

    // Selected run.
    m_runBox = new QGroupBox(tr("Selected run"), this);
    auto* rf = new QFormLayout(m_runBox);
    rf->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_name = new QLineEdit(m_runBox);
    rf->addRow(tr("name"), m_name);
    m_optimizer = new QComboBox(m_runBox);
    m_optimizer->setObjectName(QStringLiteral("optimizerType"));
    for (const OptimizerInfo& info : optimizerCatalog())
        m_optimizer->addItem(QString::fromStdString(info.title), QString::fromStdString(info.type));
    rf->addRow(
        tr("optimizer"), withHelpButton(m_optimizer, QStringLiteral("optimizerHelp"), [this]() {
            emit helpRequested(
                HelpDock::optimizerPage(m_optimizer->currentData().toString().toStdString()));
        }));
    m_optimizerRef = noteLabel(m_runBox);
    rf->addRow(m_optimizerRef);
    m_optimizerParams = new ParamForm(m_runBox);
    rf->addRow(m_optimizerParams);
    m_schedule = new QComboBox(m_runBox);
    m_schedule->setObjectName(QStringLiteral("scheduleType"));
    m_schedule->addItem(tr("constant"), QStringLiteral("constant"));
    for (const ScheduleInfo& info : scheduleCatalog())
        if (info.type != "constant")
            m_schedule->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(info.title),
                                                              QString::fromStdString(info.origin)),
                                QString::fromStdString(info.type));
    rf->addRow(tr("lr schedule"),
               withHelpButton(m_schedule, QStringLiteral("scheduleHelp"), [this]() {
                   emit helpRequested(
                       HelpDock::schedulePage(m_schedule->currentData().toString().toStdString()));
               }));
    m_scheduleFormula = noteLabel(m_runBox);
    rf->addRow(m_scheduleFormula);
    m_scheduleParams = new ParamForm(m_runBox);
    rf->addRow(m_scheduleParams);
    m_scheduleError = errorLabel(m_runBox);
    rf->addRow(m_scheduleError);
    m_compare = new QCheckBox(tr("compare without decay (dashed twin)"), m_runBox);
    m_compare->setToolTip(tr("Adds a twin run with the same everything but a constant learning "
                             "rate, so the effect of the schedule is plain to see"));
    rf->addRow(m_compare);
    m_preview = new LrPreview(m_runBox);
    rf->addRow(m_preview);
    layout->addWidget(m_runBox);
    layout->addStretch(1);
    // Long entries ("Cosine annealing with warm restarts (PyTorch)") must not widen the dock.
    for (QComboBox* combo : {m_function, m_optimizer, m_schedule}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(10);
    }
    for (QLineEdit* edit : {m_noiseStd, m_startX, m_startY})
        edit->setMinimumWidth(40);

    connect(m_function, &QComboBox::activated, this, &RunEditorPanel::onFunctionChosen);
    connect(m_constants, &ParamForm::valuesChanged, this, [this]() { applyProblem(); });
    connect(m_customEditor, &CustomFunctionEditor::functionEdited, this,
            &RunEditorPanel::onCustomEdited);
    connect(m_noiseStd, &QLineEdit::editingFinished, this, &RunEditorPanel::applyProblem);
    connect(m_noiseSeed, &QSpinBox::editingFinished, this, &RunEditorPanel::applyProblem);
    connect(m_startX, &QLineEdit::editingFinished, this, &RunEditorPanel::applyProblem);
    connect(m_startY, &QLineEdit::editingFinished, this, &RunEditorPanel::applyProblem);

    connect(m_name, &QLineEdit::editingFinished, this, [this]() {
        if (m_config < 0 || m_name->text().trimmed().isEmpty())
            return;
        RunConfig r = m_controller->experiment().runs[size_t(m_config)];
        if (r.name == m_name->text().trimmed().toStdString())
            return;
        r.name = m_name->text().trimmed().toStdString();
        applyRun(r);
    });
    connect(m_optimizer, &QComboBox::activated, this, &RunEditorPanel::onOptimizerChosen);
    connect(m_optimizerParams, &ParamForm::valuesChanged, this, [this](const ParamSet& values) {
        if (m_config < 0)
            return;
        RunConfig r = m_controller->experiment().runs[size_t(m_config)];
        const ParamSet followed =
            followDependentDefaults(r.optimizer.type, r.optimizer.params, values);
        if (!(followed == values))
            m_optimizerParams->setValues(followed); // e.g. eps 1e-8 -> 1e-7 for keras
        r.optimizer.params = followed;
        applyRun(r);
    });
    connect(m_schedule, &QComboBox::activated, this, &RunEditorPanel::onScheduleChosen);
    connect(m_scheduleParams, &ParamForm::valuesChanged, this, [this](const ParamSet& values) {
        if (m_config < 0)
            return;
        RunConfig r = m_controller->experiment().runs[size_t(m_config)];
        if (!r.schedule)
            return;
        const auto problems = checkScheduleParams(r.schedule->type, values);
        if (!problems.empty()) {
            m_scheduleError->setText(
                QString::fromStdString(problems.front().first + ": " + problems.front().second));
            m_scheduleError->show();
            return;
        }
        m_scheduleError->hide();
        r.schedule->params = values;
        applyRun(r);
    });
    connect(m_compare, &QCheckBox::toggled, this, [this](bool on) {
        if (m_config < 0)
            return;
        RunConfig r = m_controller->experiment().runs[size_t(m_config)];
        r.compareWithoutSchedule = on;
        applyRun(r);
    });
    connect(m_controller, &FunctionRunController::experimentChanged, this, [this]() {
        loadProblem();
        loadRun();
    });
    loadProblem();
    setCurrentRun(m_controller->experiment().runs.empty() ? -1 : 0);
}

void RunEditorPanel::setCurrentRun(int configIndex) {
    m_config = configIndex;
    loadRun();
}

void RunEditorPanel::loadProblem() {
    // Network problems are edited in the network view; only the runs are edited here.
    m_function->parentWidget()->setVisible(m_controller->experiment().problemType ==
                                           Experiment::ProblemType::Function);
    const FunctionProblem& p = m_controller->experiment().function;
    const int fi = m_function->findData(QString::fromStdString(p.function));
    const CustomFunction* custom = p.custom ? p.custom.function.get() : nullptr;
    const bool functionChanged = fi != m_function->currentIndex() ||
                                 m_constants->values().values().empty() ||
                                 (custom && custom != m_shownCustom);
    m_function->setCurrentIndex(fi);
    m_customEditor->setVisible(custom != nullptr);
    if (custom && custom != m_shownCustom)
        m_customEditor->setFunction(p.custom.function);
    m_shownCustom = custom;
    if (const FunctionInfo* info = functionInfo(p)) {
        m_function->setToolTip(QString::fromStdString(info->formula));
        if (functionChanged)
            m_constants->setTable(info->params, p.params);
        else
            m_constants->setValues(p.params);
    }
    m_noiseStd->setText(p.noise ? fmt(p.noise->stddev) : QString());
    m_noiseSeed->setValue(p.noise ? int(p.noise->seed) : 1);
    m_startX->setText(fmt(p.start.x()));
    m_startY->setText(fmt(p.start.y()));
}

void RunEditorPanel::loadRun() {
    const Experiment& e = m_controller->experiment();
    if (m_config >= int(e.runs.size()))
        m_config = int(e.runs.size()) - 1;
    m_runBox->setEnabled(m_config >= 0);
    if (m_config < 0) {
        m_runBox->setTitle(tr("Selected run: none"));
        return;
    }
    const RunConfig& r = e.runs[size_t(m_config)];
    m_runBox->setTitle(tr("Selected run: %1").arg(QString::fromStdString(r.name)));
    m_name->setText(QString::fromStdString(r.name));
    const QString opt = QString::fromStdString(r.optimizer.type);
    const bool optChanged = m_optimizer->currentData().toString() != opt ||
                            m_optimizerParams->values().values().empty() ||
                            m_optimizerParams->property("config").toInt() != m_config;
    m_optimizer->setCurrentIndex(m_optimizer->findData(opt));
    if (const OptimizerInfo* info = findOptimizer(r.optimizer.type)) {
        m_optimizerRef->setText(QString::fromStdString(info->reference));
        if (optChanged)
            m_optimizerParams->setTable(info->params, r.optimizer.params);
        else
            m_optimizerParams->setValues(r.optimizer.params);
        m_optimizerParams->setProperty("config", m_config);
    }
    const QString sched =
        r.schedule ? QString::fromStdString(r.schedule->type) : QStringLiteral("constant");
    const bool schedChanged = m_schedule->currentData().toString() != sched ||
                              m_scheduleParams->property("config").toInt() != m_config;
    m_schedule->setCurrentIndex(std::max(0, m_schedule->findData(sched)));
    const ScheduleInfo* sinfo = r.schedule ? findSchedule(r.schedule->type) : nullptr;
    if (sinfo) {
        m_scheduleFormula->setText(QString::fromStdString(sinfo->formula));
        if (schedChanged)
            m_scheduleParams->setTable(sinfo->params, r.schedule->params);
        else
            m_scheduleParams->setValues(r.schedule->params);
    } else {
        m_scheduleFormula->setText(tr("lr stays at the optimizer's lr"));
        m_scheduleParams->setTable({}, {});
    }
    m_scheduleParams->setProperty("config", m_config);
    {
        const QSignalBlocker block(m_compare);
        m_compare->setChecked(r.compareWithoutSchedule);
    }
    m_preview->setRun(r, e.steps);
}

void RunEditorPanel::applyProblem() {
    FunctionProblem p = m_controller->experiment().function;
    bool ok1 = false, ok2 = false, ok3 = true;
    const double x = m_startX->text().toDouble(&ok1);
    const double y = m_startY->text().toDouble(&ok2);
    double noise = 0;
    if (!m_noiseStd->text().trimmed().isEmpty())
        noise = m_noiseStd->text().toDouble(&ok3);
    QString error;
    if (!ok1 || !ok2 || !std::isfinite(x) || !std::isfinite(y))
        error = tr("start: write two finite numbers");
    else if (!ok3 || !(noise >= 0) || !std::isfinite(noise))
        error = tr("gradient noise σ: must be a number ≥ 0");
    m_problemError->setText(error);
    m_problemError->setVisible(!error.isEmpty());
    if (!error.isEmpty())
        return;
    p.start = Eigen::Vector2d(x, y);
    p.params = m_constants->values();
    if (noise > 0)
        p.noise = NoiseConfig{noise, std::uint64_t(m_noiseSeed->value())};
    else
        p.noise.reset();
    if (p == m_controller->experiment().function)
        return;
    m_controller->document()->setProblem(p);
}

void RunEditorPanel::onFunctionChosen() {
    const std::string name = m_function->currentData().toString().toStdString();
    if (name == "custom") {
        // The function typed last (this session), else the example.
        if (m_controller->experiment().function.function != "custom") {
            const auto f = m_lastCustom ? m_lastCustom : CustomFunction::example();
            m_customEditor->setFunction(f);
            onCustomEdited(f);
        }
        return;
    }
    const FunctionInfo* info = findFunction(name);
    if (!info || name == m_controller->experiment().function.function)
        return;
    FunctionProblem p = m_controller->experiment().function;
    if (p.custom)
        m_lastCustom = p.custom.function;
    p.function = name;
    p.custom = {};
    p.params = ParamSet::defaults(info->params);
    p.start = info->defaultStart;
    m_constants->setTable(info->params, p.params);
    m_controller->document()->setProblem(p);
}

// A new valid typed function: its constants keep the values they had when their declared value
// did not change, and the start stays when it is still inside the bounds.
void RunEditorPanel::onCustomEdited(const std::shared_ptr<const CustomFunction>& function) {
    if (!function)
        return;
    const FunctionProblem& old = m_controller->experiment().function;
    FunctionProblem p = old;
    p.function = "custom";
    p.custom.function = function;
    const FunctionInfo& info = function->info();
    p.params = ParamSet::defaults(info.params);
    const FunctionInfo* before = functionInfo(old);
    if (old.function == "custom" && before)
        for (const auto& spec : info.params)
            if (const ParamSpec* was = findParam(before->params, spec.name);
                was && was->defaultValue == spec.defaultValue && old.params.has(spec.name))
                p.params.set(spec.name, old.params.get(spec.name));
    const PlotBounds& b = info.bounds;
    if (old.function != "custom" || !(p.start.x() >= b.xMin && p.start.x() <= b.xMax &&
                                      p.start.y() >= b.yMin && p.start.y() <= b.yMax))
        p.start = info.defaultStart;
    m_shownCustom = function.get();
    m_customEditor->setVisible(true);
    m_constants->setTable(info.params, p.params);
    m_controller->document()->setProblem(p);
}

void RunEditorPanel::onOptimizerChosen() {
    if (m_config < 0)
        return;
    const std::string type = m_optimizer->currentData().toString().toStdString();
    const OptimizerInfo* info = findOptimizer(type);
    RunConfig r = m_controller->experiment().runs[size_t(m_config)];
    if (!info || type == r.optimizer.type)
        return;
    r.optimizer.type = type;
    r.optimizer.params = ParamSet::defaults(info->params);
    m_optimizerParams->setTable(info->params, r.optimizer.params);
    applyRun(r);
}

void RunEditorPanel::onScheduleChosen() {
    if (m_config < 0)
        return;
    const std::string type = m_schedule->currentData().toString().toStdString();
    RunConfig r = m_controller->experiment().runs[size_t(m_config)];
    const std::string now = r.schedule ? r.schedule->type : "constant";
    if (type == now)
        return;
    if (type == "constant") {
        r.schedule.reset();
    } else if (const ScheduleInfo* info = findSchedule(type)) {
        ScheduleConfig s;
        s.type = type;
        const Experiment& e = m_controller->experiment();
        const bool network = e.problemType == Experiment::ProblemType::Network;
        // Networks: a new schedule counts epochs, as scheduler.step() after each epoch does.
        if (network)
            s.per = "epoch";
        const double lr0 = r.optimizer.params.has("lr") ? r.optimizer.params.real("lr") : 0.01;
        s.params = scheduleStartValues(*info, network ? e.network.epochs : e.steps, lr0);
        r.schedule = s;
        m_scheduleParams->setTable(info->params, s.params);
    }
    m_scheduleError->hide();
    applyRun(r);
}

void RunEditorPanel::applyRun(const RunConfig& run) {
    if (m_config < 0)
        return;
    m_controller->document()->setRun(m_config, run);
}

} // namespace optiscope
