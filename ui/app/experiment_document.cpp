#include "ui/app/experiment_document.h"

#include "core/functions/test_function.h"
#include "ui/function/run_track.h"

#include <algorithm>

namespace optiscope {

namespace {

/// Every constant of the function shown, as a file read back would have them.
void fillFunctionDefaults(Experiment& e) {
    if (const FunctionInfo* info = functionInfo(e.function)) {
        const ParamSet defaults = ParamSet::defaults(info->params);
        for (const auto& [name, value] : defaults.values())
            if (!e.function.params.has(name))
                e.function.params.set(name, value);
    }
}

} // namespace

ExperimentDocument::ExperimentDocument(QObject* parent) : QObject(parent) {
    qRegisterMetaType<optiscope::ExperimentDocument::Change>();
}

std::uint64_t ExperimentDocument::generation(int configIndex, bool twin) const {
    if (configIndex < 0 || configIndex >= int(m_generations.size()))
        return 0;
    return m_generations[std::size_t(configIndex)][twin ? 1 : 0];
}

bool ExperimentDocument::sameNumbers(const RunConfig& a, const RunConfig& b) {
    return a.optimizer == b.optimizer && a.schedule == b.schedule &&
           a.compareWithoutSchedule == b.compareWithoutSchedule;
}

void ExperimentDocument::renew(std::size_t configIndex) {
    if (configIndex >= m_generations.size())
        m_generations.resize(configIndex + 1);
    m_generations[configIndex] = {m_nextGeneration, m_nextGeneration + 1};
    m_nextGeneration += 2;
}

void ExperimentDocument::renewAll() {
    m_generations.assign(m_experiment.runs.size(), {0, 0});
    for (std::size_t i = 0; i < m_generations.size(); ++i)
        renew(i);
}

void ExperimentDocument::beginEdit() {
    m_undo.push_back(m_experiment);
    if (m_undo.size() > kUndoLimit)
        m_undo.pop_front();
    m_redo.clear();
}

void ExperimentDocument::finishEdit(Change change, int configIndex) {
    setModified(true);
    emit changed(change, configIndex);
    emit undoStateChanged();
}

void ExperimentDocument::setExperiment(const Experiment& experiment) {
    m_experiment = experiment;
    fillFunctionDefaults(m_experiment);
    renewAll();
    m_undo.clear();
    m_redo.clear();
    emit changed(Change::Everything, -1);
    emit undoStateChanged();
}

void ExperimentDocument::restore(Experiment experiment) {
    m_experiment = std::move(experiment);
    renewAll();
    setModified(true);
    emit changed(Change::Everything, -1);
    emit undoStateChanged();
}

void ExperimentDocument::undo() {
    if (m_undo.empty())
        return;
    m_redo.push_back(m_experiment);
    Experiment previous = std::move(m_undo.back());
    m_undo.pop_back();
    restore(std::move(previous));
}

void ExperimentDocument::redo() {
    if (m_redo.empty())
        return;
    m_undo.push_back(m_experiment);
    Experiment next = std::move(m_redo.back());
    m_redo.pop_back();
    restore(std::move(next));
}

void ExperimentDocument::setProblem(const FunctionProblem& problem) {
    if (problem == m_experiment.function)
        return;
    beginEdit();
    m_experiment.function = problem;
    renewAll();
    finishEdit(Change::Problem, -1);
}

void ExperimentDocument::setStart(const Eigen::Vector2d& start) {
    FunctionProblem p = m_experiment.function;
    p.start = start;
    setProblem(p);
}

void ExperimentDocument::setNetworkProblem(const NetworkProblem& problem) {
    if (problem == m_experiment.network)
        return;
    // Only the epochs changed: like a budget, nothing restarts.
    NetworkProblem sameButEpochs = problem;
    sameButEpochs.epochs = m_experiment.network.epochs;
    if (sameButEpochs == m_experiment.network) {
        setEpochs(problem.epochs);
        return;
    }
    beginEdit();
    m_experiment.network = problem;
    renewAll();
    finishEdit(Change::Problem, -1);
}

void ExperimentDocument::setTitle(const std::string& title) {
    if (title == m_experiment.title)
        return;
    beginEdit();
    m_experiment.title = title;
    finishEdit(Change::Cosmetic, -1);
}

void ExperimentDocument::setRun(int configIndex, const RunConfig& run) {
    if (configIndex < 0 || configIndex >= int(m_experiment.runs.size()))
        return;
    RunConfig& current = m_experiment.runs[std::size_t(configIndex)];
    if (run == current)
        return;
    const bool numbers = !sameNumbers(current, run);
    beginEdit();
    m_experiment.runs[std::size_t(configIndex)] = run;
    if (numbers)
        renew(std::size_t(configIndex));
    finishEdit(numbers ? Change::Runs : Change::Cosmetic, configIndex);
}

void ExperimentDocument::addRun(const RunConfig& run) {
    beginEdit();
    m_experiment.runs.push_back(run);
    renew(m_experiment.runs.size() - 1);
    finishEdit(Change::Runs, int(m_experiment.runs.size()) - 1);
}

void ExperimentDocument::duplicateRun(int configIndex) {
    if (configIndex < 0 || configIndex >= int(m_experiment.runs.size()))
        return;
    RunConfig copy = m_experiment.runs[std::size_t(configIndex)];
    copy.name += " (copy)";
    copy.color = runColor(int(m_experiment.runs.size())).name().toStdString();
    addRun(copy);
}

void ExperimentDocument::removeRun(int configIndex) {
    if (configIndex < 0 || configIndex >= int(m_experiment.runs.size()))
        return;
    beginEdit();
    m_experiment.runs.erase(m_experiment.runs.begin() + configIndex);
    m_generations.erase(m_generations.begin() + configIndex);
    finishEdit(Change::Runs, -1);
}

void ExperimentDocument::setBudget(long long steps) {
    steps = std::max(1LL, steps);
    if (steps == m_experiment.steps)
        return;
    beginEdit();
    m_experiment.steps = steps;
    finishEdit(Change::Budget, -1);
}

void ExperimentDocument::setEpochs(long long epochs) {
    epochs = std::max(1LL, epochs);
    if (epochs == m_experiment.network.epochs)
        return;
    beginEdit();
    m_experiment.network.epochs = epochs;
    finishEdit(Change::Budget, -1);
}

void ExperimentDocument::setStudy(const std::optional<StudySpec>& study) {
    if (study == m_experiment.study)
        return;
    beginEdit();
    m_experiment.study = study;
    finishEdit(Change::Study, -1);
}

void ExperimentDocument::setFilePath(const QString& path) {
    if (path == m_filePath)
        return;
    m_filePath = path;
    emit filePathChanged(path);
}

void ExperimentDocument::setModified(bool modified) {
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

} // namespace optiscope
