#include "ui/function/inspector_panel.h"

#include "ui/app/frame_pacer.h"

#include "ui/teaching/help_dock.h"

#include "ui/function/function_run_controller.h"
#include "ui/function/update_formula.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace optiscope {

namespace {

QString num(double v) {
    if (std::isnan(v))
        return QStringLiteral("—");
    return QString::number(v, 'g', 6);
}

QLabel* richLabel(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setTextFormat(Qt::RichText);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

} // namespace

InspectorPanel::InspectorPanel(FunctionRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    m_run = new QComboBox(this);
    m_run->setToolTip(tr("The run to inspect"));
    m_live = new QCheckBox(tr("live"), this);
    m_live->setChecked(true);
    m_live->setToolTip(tr("Follow the run's latest kept step"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setToolTip(tr("Step through the run (←/→ when focused)"));
    m_stepBox = new QSpinBox(this);
    m_stepBox->setRange(0, 0);
    m_stepBox->setToolTip(tr("Row of the run to show"));
    m_stepLabel = new QLabel(this);

    m_table = new QTableWidget(0, 3, this);
    m_table->setHorizontalHeaderLabels({tr("quantity"), QStringLiteral("x"), QStringLiteral("y")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setMinimumHeight(200);

    m_formula = richLabel(this);
    m_numbers = richLabel(this);
    m_windows = richLabel(this);
    QFont big = m_formula->font();
    big.setPointSizeF(big.pointSizeF() * 1.1);
    m_formula->setFont(big);

    auto* top = new QHBoxLayout;
    top->addWidget(m_run, 1);
    top->addWidget(m_live);
    auto* help = new QToolButton(this);
    help->setObjectName(QStringLiteral("inspectorHelp"));
    help->setText(QStringLiteral("?"));
    help->setToolTip(tr("What this optimizer does: its update, hyper-parameters and paper"));
    connect(help, &QToolButton::clicked, this, [this]() {
        if (const QString page = helpPage(); !page.isEmpty())
            emit helpRequested(page);
    });
    top->addWidget(help);
    auto* stepRow = new QHBoxLayout;
    stepRow->addWidget(m_slider, 1);
    stepRow->addWidget(m_stepBox);
    auto* formulaBox = new QGroupBox(tr("Update rule, with this step's numbers"), this);
    auto* fl = new QVBoxLayout(formulaBox);
    fl->addWidget(m_formula);
    fl->addWidget(m_numbers);
    fl->addWidget(m_windows);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addLayout(stepRow);
    layout->addWidget(m_stepLabel);
    layout->addWidget(formulaBox);
    layout->addWidget(m_table, 1);

    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        const QSignalBlocker b(m_stepBox);
        m_stepBox->setValue(v);
        showRow(v);
    });
    connect(m_slider, &QSlider::sliderPressed, this, [this]() { m_live->setChecked(false); });
    connect(m_stepBox, &QSpinBox::valueChanged, this, [this](int v) {
        m_live->setChecked(false);
        m_slider->setValue(v);
    });
    connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            refresh();
    });
    connect(m_run, &QComboBox::activated, this, [this]() { refresh(); });
    connect(m_controller, &FunctionRunController::experimentChanged, this,
            &InspectorPanel::rebuildChoices);
    m_throttle = new QTimer(this);
    m_throttle->setSingleShot(true);
    connect(m_throttle, &QTimer::timeout, this, &InspectorPanel::refresh);
    connect(m_controller, &FunctionRunController::tracksUpdated, this,
            &InspectorPanel::tracksUpdated);
    rebuildChoices();
}

void InspectorPanel::tracksUpdated() {
    // Hidden (another tab of the dock): nothing to lay out until it shows. While runs play, at
    // most ten refreshes a second: numbers that change 60 times a second cannot be read, and each
    // change of the rich-text formula lays the dock out again.
    constexpr qint64 intervalMs = 100;
    if (!isOnScreen(this)) {
        m_stale = true;
        return;
    }
    if (m_throttle->isActive())
        return;
    const qint64 since = m_lastRefresh.isValid() ? m_lastRefresh.elapsed() : intervalMs;
    if (m_controller->isPlaying() && since < intervalMs)
        m_throttle->start(int(intervalMs - since));
    else
        refresh();
}

void InspectorPanel::paintEvent(QPaintEvent* event) {
    QWidget::paintEvent(event);
    // Shown again (its dock's tab chosen, which sends no show event): catch up after this frame.
    if (m_stale)
        QTimer::singleShot(0, this, [this]() {
            if (m_stale)
                refresh();
        });
}

void InspectorPanel::setRun(int configIndex, bool twin) {
    const int ti = m_controller->trackIndex(configIndex, twin);
    if (ti >= 0 && ti < m_run->count())
        m_run->setCurrentIndex(ti);
    refresh();
}

void InspectorPanel::rebuildChoices() {
    const int was = m_run->currentIndex();
    const QSignalBlocker b(m_run);
    m_run->clear();
    for (const RunTrack& t : m_controller->tracks())
        m_run->addItem(QString::fromStdString(t.instance.name));
    m_run->setCurrentIndex(std::clamp(was, 0, m_run->count() - 1));
    refresh();
}

void InspectorPanel::refresh() {
    m_throttle->stop();
    m_lastRefresh.start();
    m_stale = false;
    const int ti = m_run->currentIndex();
    const auto& tracks = m_controller->tracks();
    if (ti < 0 || ti >= int(tracks.size())) {
        m_slider->setRange(0, 0);
        showRow(-1);
        return;
    }
    const RunTrack& t = tracks[size_t(ti)];
    const int last = std::max(0, int(t.samples.size()) - 1);
    {
        const QSignalBlocker b1(m_slider), b2(m_stepBox);
        m_slider->setRange(0, last);
        m_stepBox->setRange(0, last);
        if (m_live->isChecked()) {
            m_slider->setValue(last);
            m_stepBox->setValue(last);
        }
    }
    showRow(m_slider->value());
}

QString InspectorPanel::helpPage() const {
    const int ti = m_run->currentIndex();
    const auto& tracks = m_controller->tracks();
    if (ti < 0 || ti >= int(tracks.size()))
        return {};
    const auto& runs = m_controller->experiment().runs;
    const size_t config = size_t(tracks[size_t(ti)].instance.configIndex);
    return config < runs.size() ? HelpDock::optimizerPage(runs[config].optimizer.type) : QString();
}

void InspectorPanel::showRow(int row) {
    const int ti = m_run->currentIndex();
    const auto& tracks = m_controller->tracks();
    if (ti < 0 || ti >= int(tracks.size()) || row < 0 ||
        row >= int(tracks[size_t(ti)].samples.size())) {
        m_table->setRowCount(0);
        m_formula->clear();
        m_numbers->clear();
        m_windows->clear();
        m_stepLabel->setText(tr("No data yet."));
        emit inspectedChanged(std::numeric_limits<double>::quiet_NaN(), {});
        return;
    }
    const RunTrack& t = tracks[size_t(ti)];
    const RunSample& s = t.samples[size_t(row)];
    const RunSample* prev = row > 0 ? &t.samples[size_t(row) - 1] : nullptr;
    emit inspectedChanged(m_live->isChecked() ? std::numeric_limits<double>::quiet_NaN()
                                              : double(s.step),
                          QPointF(s.x, s.y));
    const OptimizerConfig& opt =
        m_controller->experiment().runs[size_t(t.instance.configIndex)].optimizer;
    m_stepLabel->setText(tr("step %1 of %2 kept · loss %3%4")
                             .arg(s.step)
                             .arg(t.samples.back().step)
                             .arg(s.loss, 0, 'g', 6)
                             .arg(prev && s.step - prev->step > 1
                                      ? tr(" · a row every %1 steps here").arg(s.step - prev->step)
                                      : QString()));
    const FormulaText f = updateFormula(opt, t.layout, s, prev);
    m_formula->setText(f.symbolic);
    m_numbers->setText(f.numbers);
    m_windows->setText(f.windows);
    const auto rows = inspectorRows(opt, t.layout, s, prev);
    m_table->setRowCount(int(rows.size()));
    for (int i = 0; i < int(rows.size()); ++i) {
        auto set = [&](int col, const QString& text) {
            auto* item = m_table->item(i, col);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(i, col, item);
            }
            item->setText(text);
            item->setToolTip(rows[size_t(i)].tip);
            if (col > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        };
        set(0, rows[size_t(i)].name);
        set(1, num(rows[size_t(i)].x));
        set(2, num(rows[size_t(i)].y));
    }
}

} // namespace optiscope
