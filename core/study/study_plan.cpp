#include "core/study/study_plan.h"

#include "core/experiment/experiment_io.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace optiscope {

bool parseTraceMode(const std::string& text, TraceMode* out) {
    if (text == "thin")
        *out = TraceMode::Thin;
    else if (text == "full")
        *out = TraceMode::Full;
    else if (text == "none")
        *out = TraceMode::None;
    else
        return false;
    return true;
}

StudyPlan::StudyPlan(Experiment experiment) : m_experiment(std::move(experiment)) {
    if (!m_experiment.study)
        m_experiment.study = StudySpec{};
    m_study = *m_experiment.study;
    m_instances = expandRuns(m_experiment);
    m_metrics = orderedStudyMetrics(m_experiment);
    m_cells = studyCellCount(m_study);
    m_grid = std::make_unique<StudyGrid>(m_experiment);
}

StudyPlan::~StudyPlan() = default;

std::size_t StudyPlan::jobCount() const {
    return m_cells * m_instances.size() * static_cast<std::size_t>(m_study.repeats);
}

StudyJob StudyPlan::job(std::size_t index) const {
    StudyJob j;
    j.index = index;
    const auto repeats = static_cast<std::size_t>(m_study.repeats);
    j.repeat = static_cast<int>(index % repeats);
    index /= repeats;
    j.instance = index % m_instances.size();
    j.cell = index / m_instances.size();
    return j;
}

std::size_t StudyPlan::jobIndex(std::size_t cell, std::size_t instance, int repeat) const {
    return (cell * m_instances.size() + instance) * static_cast<std::size_t>(m_study.repeats) +
           static_cast<std::size_t>(repeat);
}

std::string StudyPlan::cellName(std::size_t cell) const {
    return optiscope::cellName(cell);
}

std::vector<std::string> StudyPlan::cellValues(std::size_t cell) const {
    std::vector<std::string> out;
    const auto idx = cellValueIndices(m_study, cell);
    for (std::size_t k = 0; k < m_study.grid.size(); ++k)
        out.push_back(gridValueText(m_study.grid[k].values[idx[k]]));
    return out;
}

double StudyPlan::cellNumber(std::size_t cell, std::size_t key) const {
    const auto idx = cellValueIndices(m_study, cell);
    if (key >= idx.size())
        return std::numeric_limits<double>::quiet_NaN();
    const ParamValue& v = m_study.grid[key].values[idx[key]];
    if (const auto* d = std::get_if<double>(&v))
        return *d;
    return std::numeric_limits<double>::quiet_NaN();
}

std::string StudyPlan::cellLabel(std::size_t cell) const {
    std::string out;
    const auto values = cellValues(cell);
    for (std::size_t k = 0; k < values.size(); ++k)
        out += (k ? ", " : "") + m_study.grid[k].key + "=" + values[k];
    return out;
}

std::string StudyPlan::jobFolder(const StudyJob& job) const {
    return "jobs/" + cellName(job.cell) + "/" + m_instances.at(job.instance).slug + "/r" +
           std::to_string(job.repeat);
}

Experiment StudyPlan::jobExperiment(const StudyJob& job) const {
    ExperimentParseResult cell = m_grid->cell(job.cell);
    if (!cell.experiment)
        throw std::invalid_argument(cell.messages("study"));
    return withRepeatSeeds(std::move(*cell.experiment), job.repeat);
}

std::string StudyPlan::identity() const {
    Experiment e = m_experiment;
    e.title.clear();
    // More repeats or another lead metric keep every finished job valid.
    e.study->repeats = 1;
    e.study->metric.clear();
    for (auto& run : e.runs) {
        run.color.clear();
        run.visible = true;
    }
    return experimentToJson(e);
}

} // namespace optiscope
