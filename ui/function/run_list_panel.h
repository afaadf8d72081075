// The list of runs: colour, visibility, name (double-click to rename) and live status per run,
// the no-decay twin as a child row; add, duplicate, remove and recolour buttons.
#pragma once

#include <QWidget>

#include <map>
#include <utility>

class QTreeWidget;
class QTreeWidgetItem;

namespace optiscope {

class FunctionRunController;

class RunListPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunListPanel(FunctionRunController* controller, QWidget* parent = nullptr);

    /// The selected run configuration (-1: none) and whether its twin row is selected.
    [[nodiscard]] int currentConfig() const { return m_config; }
    [[nodiscard]] bool currentTwin() const { return m_twin; }
    void select(int configIndex, bool twin);
    /// Status column of a run of a network problem (its function-run status is not used then).
    void setRunStatus(int configIndex, bool twin, const QString& text, bool bad);

signals:
    void selectionChanged(int configIndex, bool twin);

private:
    void rebuild();
    void refreshStatus();
    void onItemChanged(QTreeWidgetItem* item, int column);
    void recolor();

    FunctionRunController* m_controller;
    QTreeWidget* m_tree;
    int m_config = -1;
    bool m_twin = false;
    bool m_rebuilding = false;
    /// Network problems: the last status of each (run, twin), kept across rebuilds.
    std::map<std::pair<int, bool>, std::pair<QString, bool>> m_networkStatus;
};

} // namespace optiscope
