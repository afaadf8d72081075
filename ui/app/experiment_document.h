// The experiment document: what the user edits, and the only place it is edited.
//
// Panels change the experiment through these methods; each edit is one step that can be undone
// and says what it changed. The controllers (function runs, network runs, studies) follow the
// document: every run configuration carries a generation, renewed whenever its numbers change,
// so a controller restarts exactly the runs whose generation it does not know. Data flows one
// way: panels → document → controllers → views.
#pragma once

#include "core/experiment/experiment.h"

#include <QObject>
#include <QString>

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

namespace optiscope {

class ExperimentDocument : public QObject {
    Q_OBJECT
public:
    /// What an edit changed.
    enum class Change {
        Everything, ///< a new experiment (opened, undone, redone): every run restarts
        Problem,    ///< the function or network problem: every run restarts
        Runs,       ///< runs were added, removed or had their numbers changed
        Cosmetic,   ///< names, colours, visibility, the title: nothing restarts
        Budget,     ///< the step budget or the epochs: runs continue or stop
        Study,      ///< the study's repeats, grid or metric: the explorer is unaffected
    };
    Q_ENUM(Change)

    explicit ExperimentDocument(QObject* parent = nullptr);

    [[nodiscard]] const Experiment& experiment() const { return m_experiment; }
    /// The generation of a run configuration (its twin: `twin`); never 0.
    [[nodiscard]] std::uint64_t generation(int configIndex, bool twin) const;

    // --- edits -----------------------------------------------------------------------------
    /// Replace everything (opening a file, a preset): clears undo history.
    void setExperiment(const Experiment& experiment);
    void setProblem(const FunctionProblem& problem);
    void setStart(const Eigen::Vector2d& start);
    void setNetworkProblem(const NetworkProblem& problem);
    void setTitle(const std::string& title);
    /// Change one run; only a change of its numbers (optimizer, schedule, twin) renews its
    /// generation.
    void setRun(int configIndex, const RunConfig& run);
    void addRun(const RunConfig& run);
    void duplicateRun(int configIndex);
    void removeRun(int configIndex);
    /// Step budget (function problems): runs continue or stop, nothing restarts.
    void setBudget(long long steps);
    /// Epochs (network problems): like a budget — runs continue or stop.
    void setEpochs(long long epochs);
    /// The study (nullopt: none).
    void setStudy(const std::optional<StudySpec>& study);

    // --- undo ----------------------------------------------------------------------------------
    [[nodiscard]] bool canUndo() const { return !m_undo.empty(); }
    [[nodiscard]] bool canRedo() const { return !m_redo.empty(); }
    void undo();
    void redo();

    // --- file ----------------------------------------------------------------------------------
    [[nodiscard]] const QString& filePath() const { return m_filePath; }
    void setFilePath(const QString& path);
    [[nodiscard]] bool isModified() const { return m_modified; }
    void setModified(bool modified);

    /// Same optimizer, schedule and twin (what a run's numbers depend on).
    static bool sameNumbers(const RunConfig& a, const RunConfig& b);

signals:
    /// After every edit. `configIndex` names the run for Runs/Cosmetic edits of one run, else -1.
    void changed(optiscope::ExperimentDocument::Change change, int configIndex);
    void undoStateChanged();
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);

private:
    /// Record the state before an edit (for undo).
    void beginEdit();
    /// Mark the document modified and tell the controllers and panels.
    void finishEdit(Change change, int configIndex);
    void renew(std::size_t configIndex);
    void renewAll();
    /// Back to `experiment` (undo, redo): a new experiment as far as the runs are concerned.
    void restore(Experiment experiment);

    static constexpr std::size_t kUndoLimit = 200;
    Experiment m_experiment;
    std::vector<std::array<std::uint64_t, 2>> m_generations; ///< per config: {run, twin}
    std::uint64_t m_nextGeneration = 1;
    std::deque<Experiment> m_undo;
    std::deque<Experiment> m_redo;
    QString m_filePath;
    bool m_modified = false;
};

} // namespace optiscope
