// Presets: ready-made experiments that each make one point, listed in resources/presets/index.json
// (compiled into the app from resources/resources.qrc) with the sentence saying what to look at.
#pragma once

#include "core/experiment/experiment_io.h"

#include <QMenu>
#include <QString>

#include <vector>

namespace optiscope {

struct PresetEntry {
    QString file;  ///< "adam-exponential-decay.json"
    QString title; ///< what the menu shows
    QString point; ///< the sentence saying what to look at
};

/// The presets of :/presets/index.json, in its order. Empty with `error` if it cannot be read.
std::vector<PresetEntry> loadPresetIndex(QString* error = nullptr);

/// Parse the preset's experiment from the resources (validated like any experiment file).
ExperimentParseResult loadPreset(const PresetEntry& entry);

/// Presets → one action per preset, its point as tooltip and status tip.
class PresetsMenu : public QMenu {
    Q_OBJECT
public:
    explicit PresetsMenu(QWidget* parent = nullptr);
    [[nodiscard]] const std::vector<PresetEntry>& entries() const { return m_entries; }

signals:
    void presetChosen(const optiscope::PresetEntry& entry);

private:
    std::vector<PresetEntry> m_entries;
};

} // namespace optiscope
