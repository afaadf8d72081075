#include "ui/function/run_list_panel.h"

#include "ui/app/experiment_document.h"
#include "ui/function/function_run_controller.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace optiscope {

namespace {

QIcon swatch(const QColor& color, bool dashed) {
    QPixmap pm(28, 14);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(color, 3, dashed ? Qt::DashLine : Qt::SolidLine));
    p.drawLine(2, 7, 26, 7);
    return QIcon(pm);
}

constexpr int kConfigRole = Qt::UserRole;
constexpr int kTwinRole = Qt::UserRole + 1;

} // namespace

RunListPanel::RunListPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_tree(new QTreeWidget(this)) {
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Run"), tr("Status")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setIconSize(QSize(28, 14));
    m_tree->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_tree->setToolTip(tr("Tick to show a run; double-click its name to rename it"));

    auto* add = new QPushButton(tr("Add"), this);
    auto* dup = new QPushButton(tr("Duplicate"), this);
    auto* remove = new QPushButton(tr("Remove"), this);
    auto* color = new QPushButton(tr("Colour…"), this);
    add->setToolTip(tr("Add an Adam run with PyTorch's defaults"));
    dup->setToolTip(tr("Copy the selected run"));
    remove->setToolTip(tr("Remove the selected run"));
    color->setToolTip(tr("Change the selected run's colour"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(dup);
    buttons->addWidget(remove);
    buttons->addWidget(color);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tree);
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, [this]() {
        RunConfig run;
        run.name = "Adam " + std::to_string(m_controller->experiment().runs.size() + 1);
        run.optimizer.type = "adam";
        if (const OptimizerInfo* info = findOptimizer("adam"))
            run.optimizer.params = ParamSet::defaults(info->params);
        run.color = runColor(int(m_controller->experiment().runs.size())).name().toStdString();
        m_controller->document()->addRun(run);
        select(int(m_controller->experiment().runs.size()) - 1, false);
    });
    connect(dup, &QPushButton::clicked, this, [this]() {
        if (m_config < 0)
            return;
        m_controller->document()->duplicateRun(m_config);
        select(int(m_controller->experiment().runs.size()) - 1, false);
    });
    connect(remove, &QPushButton::clicked, this, [this]() {
        if (m_config < 0)
            return;
        const int was = m_config;
        m_controller->document()->removeRun(was);
        select(std::min(was, int(m_controller->experiment().runs.size()) - 1), false);
    });
    connect(color, &QPushButton::clicked, this, &RunListPanel::recolor);
    connect(m_tree, &QTreeWidget::itemChanged, this, &RunListPanel::onItemChanged);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (m_rebuilding || !item)
            return;
        m_config = item->data(0, kConfigRole).toInt();
        m_twin = item->data(0, kTwinRole).toBool();
        emit selectionChanged(m_config, m_twin);
    });
    connect(m_controller, &FunctionRunController::experimentChanged, this, &RunListPanel::rebuild,
            Qt::QueuedConnection); // not inside the tree's own signal handlers
    connect(m_controller, &FunctionRunController::tracksUpdated, this,
            &RunListPanel::refreshStatus);
    rebuild();
}

void RunListPanel::select(int configIndex, bool twin) {
    m_config = configIndex;
    m_twin = twin;
    rebuild();
    emit selectionChanged(m_config, m_twin);
}

void RunListPanel::rebuild() {
    m_rebuilding = true;
    m_tree->clear();
    const Experiment& e = m_controller->experiment();
    const int n = int(e.runs.size());
    if (m_config >= n)
        m_config = n - 1;
    if (m_config < 0 && n > 0)
        m_config = 0;
    QTreeWidgetItem* current = nullptr;
    for (int i = 0; i < n; ++i) {
        const RunConfig& r = e.runs[size_t(i)];
        const int ti = m_controller->trackIndex(i, false);
        const QColor color = ti >= 0 ? m_controller->tracks()[size_t(ti)].color : runColor(i);
        auto* item = new QTreeWidgetItem(m_tree);
        item->setText(0, QString::fromStdString(r.name));
        item->setIcon(0, swatch(color, false));
        item->setFlags(item->flags() | Qt::ItemIsEditable | Qt::ItemIsUserCheckable);
        item->setCheckState(0, r.visible ? Qt::Checked : Qt::Unchecked);
        item->setData(0, kConfigRole, i);
        item->setData(0, kTwinRole, false);
        if (i == m_config && !m_twin)
            current = item;
        if (r.compareWithoutSchedule) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, tr("no decay (twin)"));
            child->setIcon(0, swatch(twinShade(color), true));
            child->setData(0, kConfigRole, i);
            child->setData(0, kTwinRole, true);
            child->setToolTip(0, tr("Same run with a constant learning rate, drawn dashed"));
            if (i == m_config && m_twin)
                current = child;
        }
        item->setExpanded(true);
    }
    if (!current && m_tree->topLevelItemCount() > 0)
        current = m_tree->topLevelItem(std::max(0, m_config));
    if (current)
        m_tree->setCurrentItem(current);
    m_rebuilding = false;
    refreshStatus();
}

void RunListPanel::setRunStatus(int configIndex, bool twin, const QString& text, bool bad) {
    m_networkStatus[{configIndex, twin}] = {text, bad};
    QTreeWidgetItem* item = m_tree->topLevelItem(configIndex);
    if (item && twin)
        item = item->childCount() > 0 ? item->child(0) : nullptr;
    if (!item)
        return;
    const QSignalBlocker block(m_tree);
    item->setText(1, text);
    item->setToolTip(1, text);
    item->setForeground(1, bad ? QBrush(QColor(220, 60, 50)) : palette().text());
}

void RunListPanel::refreshStatus() {
    if (m_controller->experiment().problemType == Experiment::ProblemType::Network) {
        // The network view reports through setRunStatus; show what it said last.
        const auto statuses = m_networkStatus;
        for (auto it = statuses.begin(); it != statuses.end(); ++it)
            setRunStatus(it->first.first, it->first.second, it->second.first, it->second.second);
        return;
    }
    const QSignalBlocker block(m_tree);
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        auto set = [&](QTreeWidgetItem* it, bool twin) {
            const int ti = m_controller->trackIndex(i, twin);
            if (ti < 0)
                return;
            const RunTrack& t = m_controller->tracks()[size_t(ti)];
            it->setText(1, t.statusText());
            it->setForeground(1, t.diverged || !t.error.isEmpty() ? QBrush(QColor(220, 60, 50))
                                                                  : palette().text());
            it->setToolTip(1, t.statusText());
        };
        set(item, false);
        if (item->childCount() > 0)
            set(item->child(0), true);
    }
}

void RunListPanel::onItemChanged(QTreeWidgetItem* item, int column) {
    if (m_rebuilding || column != 0 || item->data(0, kTwinRole).toBool())
        return;
    const int i = item->data(0, kConfigRole).toInt();
    RunConfig r = m_controller->experiment().runs[size_t(i)];
    const std::string name = item->text(0).trimmed().toStdString();
    const bool visible = item->checkState(0) == Qt::Checked;
    if ((name.empty() || name == r.name) && visible == r.visible)
        return;
    if (!name.empty())
        r.name = name;
    r.visible = visible;
    m_controller->document()->setRun(i, r);
}

void RunListPanel::recolor() {
    if (m_config < 0)
        return;
    RunConfig r = m_controller->experiment().runs[size_t(m_config)];
    const int ti = m_controller->trackIndex(m_config, false);
    const QColor now = ti >= 0 ? m_controller->tracks()[size_t(ti)].color : runColor(m_config);
    const QColor c =
        QColorDialog::getColor(now, this, tr("Colour of %1").arg(QString::fromStdString(r.name)));
    if (!c.isValid())
        return;
    r.color = c.name().toStdString();
    m_controller->document()->setRun(m_config, r);
}

} // namespace optiscope
