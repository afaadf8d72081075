// Editor of a network problem (SPEC §4): data set (name, samples, noise, seed, file or folder with
// a picker, CSV target column), validation split, model (architecture, hidden sizes, activation,
// extra input features of the 2-D sets), loss, batch size, epochs, seed, and whether the runs'
// schedules count updates or epochs. It edits a copy and emits problemEdited on every change.
#pragma once

#include "core/experiment/experiment.h"

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace optiscope {

class NetworkProblemEditor : public QWidget {
    Q_OBJECT
public:
    explicit NetworkProblemEditor(QWidget* parent = nullptr);

    /// Show `problem` (no signal). `schedulePer`: "step", "epoch" or "" (runs differ or have no
    /// schedule).
    void setProblem(const NetworkProblem& problem, const QString& schedulePer);
    [[nodiscard]] NetworkProblem problem() const;
    [[nodiscard]] QString schedulePer() const;

signals:
    void problemEdited();
    void schedulePerEdited(const QString& per);

private:
    void refreshEnabled();
    void changed();

    bool m_loading = false;
    NetworkProblem m_problem;
    QComboBox* m_dataset;
    QSpinBox* m_samples;
    QDoubleSpinBox* m_noise;
    QDoubleSpinBox* m_dataSeed; ///< up to 2^53 − 1: a QSpinBox stops at 2^31 − 1
    QLineEdit* m_path;
    QLineEdit* m_target;
    QDoubleSpinBox* m_split;
    QComboBox* m_architecture;
    QLineEdit* m_hidden;
    QComboBox* m_activation;
    std::map<std::string, QCheckBox*> m_extras;
    QComboBox* m_loss;
    QSpinBox* m_batch;
    QSpinBox* m_epochs;
    QDoubleSpinBox* m_seed;
    QComboBox* m_per;
    QLabel* m_error;
};

} // namespace optiscope
