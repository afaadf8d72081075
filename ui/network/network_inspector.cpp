#include "ui/network/network_inspector.h"

#include "ui/app/experiment_document.h"
#include "ui/function/update_formula.h"
#include "ui/network/network_run_controller.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace optiscope {

namespace {

QString num(double v) {
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("—");
}

QString percent(double v) {
    return std::isfinite(v) ? QString::number(100.0 * v, 'f', 1) + QStringLiteral(" %")
                            : QStringLiteral("—");
}

const nn::EpochRecord* recordAt(const NetworkTrack& t, long long epoch) {
    for (const nn::EpochRecord& r : t.epochs)
        if (r.epoch == epoch)
            return &r;
    return nullptr;
}

} // namespace

NetworkInspector::NetworkInspector(NetworkRunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    setObjectName(QStringLiteral("networkInspector"));
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setToolTip(tr("Epoch to inspect (←/→ when focused)"));
    m_live = new QCheckBox(tr("live"), this);
    m_live->setChecked(true);
    m_live->setToolTip(tr("Follow the latest epoch"));
    m_table = new QTableWidget(0, 5, this);
    m_table->setObjectName(QStringLiteral("networkInspectorTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("tensor"), tr("p05"), tr("p50"), tr("p95"), tr("p50 no decay")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* copy = new QAction(tr("Copy table (tab-separated)"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this,
            [this]() { QGuiApplication::clipboard()->setText(tableText()); });
    m_table->addAction(copy);
    m_explain = new QLabel(this);
    m_explain->setTextFormat(Qt::RichText);
    m_explain->setWordWrap(true);

    auto* row = new QHBoxLayout;
    row->addWidget(m_slider, 1);
    row->addWidget(m_live);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(row);
    layout->addWidget(
        new QLabel(tr("<b>Effective learning rate per parameter</b>, by tensor"), this));
    layout->addWidget(m_table);
    layout->addWidget(m_explain);
    layout->addStretch();

    connect(m_slider, &QSlider::valueChanged, this, [this](int) {
        if (m_slider->isSliderDown() || m_slider->hasFocus())
            m_live->setChecked(m_slider->value() == m_slider->maximum());
        refresh();
    });
    connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_slider->setValue(m_slider->maximum());
    });
    connect(m_controller, &NetworkRunController::tracksUpdated, this, &NetworkInspector::refresh);
    connect(m_controller, &NetworkRunController::followChanged, this, &NetworkInspector::refresh);
    refresh();
}

void NetworkInspector::showEpoch(long long epoch) {
    m_live->setChecked(epoch < 0);
    if (epoch >= 0)
        m_slider->setValue(int(std::clamp<long long>(epoch, 0, m_slider->maximum())));
    refresh();
}

QString NetworkInspector::tableText() const {
    QStringList lines;
    QStringList header;
    for (int c = 0; c < m_table->columnCount(); ++c)
        if (!m_table->isColumnHidden(c))
            header << m_table->horizontalHeaderItem(c)->text();
    lines << header.join(QLatin1Char('\t'));
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m_table->columnCount(); ++c)
            if (!m_table->isColumnHidden(c))
                cells << (m_table->item(r, c) ? m_table->item(r, c)->text() : QString());
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString NetworkInspector::summaryText() const {
    return m_summary->text();
}

void NetworkInspector::refresh() {
    const auto& tracks = m_controller->tracks();
    const int followed = m_controller->followedTrack();
    if (followed < 0 || followed >= int(tracks.size()) || tracks[size_t(followed)].epochs.empty()) {
        m_summary->setText(tr("Select a run in the Runs list; its epochs appear here as it "
                              "trains."));
        m_table->setRowCount(0);
        m_explain->clear();
        return;
    }
    const NetworkTrack& t = tracks[size_t(followed)];
    const long long last = t.epochs.back().epoch;
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, int(last));
        if (m_live->isChecked())
            m_slider->setValue(int(last));
    }
    const nn::EpochRecord* r = recordAt(t, m_slider->value());
    if (!r)
        r = &t.epochs.back();

    // The same run without decay: its twin, or the run it is the twin of.
    const NetworkTrack* other = nullptr;
    for (const NetworkTrack& u : tracks)
        if (&u != &t && u.instance.configIndex == t.instance.configIndex)
            other = &u;
    const nn::EpochRecord* twin = other && !t.instance.twin ? recordAt(*other, r->epoch) : nullptr;

    QString summary =
        tr("<b>%1</b> · epoch %2 of %3 · %4 updates<br>η<sub>t</sub> = %5 · loss %6 (validation "
           "%7) · accuracy %8 (validation %9)")
            .arg(QString::fromStdString(t.instance.name).toHtmlEscaped())
            .arg(r->epoch)
            .arg(m_controller->document()->experiment().network.epochs)
            .arg(r->steps)
            .arg(num(r->lr), num(r->trainLoss), num(r->valLoss), percent(r->trainAccuracy),
                 percent(r->valAccuracy));
    if (std::isfinite(r->testLoss))
        summary += tr("<br>test set (after the last epoch): loss %1 · accuracy %2")
                       .arg(num(r->testLoss), percent(r->testAccuracy));
    if (twin)
        summary += tr("<br>without decay: η = %1 · validation loss %2 · accuracy %3")
                       .arg(num(twin->lr), num(twin->valLoss), percent(twin->valAccuracy));
    m_summary->setText(summary);

    m_table->setColumnHidden(4, twin == nullptr);
    m_table->setRowCount(int(r->effLr.size()));
    for (int i = 0; i < int(r->effLr.size()); ++i) {
        const nn::TensorLrQuantiles& q = r->effLr[size_t(i)];
        double noDecay = NAN;
        if (twin)
            for (const nn::TensorLrQuantiles& w : twin->effLr)
                if (w.tensor == q.tensor)
                    noDecay = w.p50;
        const QString cells[] = {QString::fromStdString(q.tensor), num(q.p05), num(q.p50),
                                 num(q.p95), num(noDecay)};
        for (int c = 0; c < 5; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, c, item);
        }
    }

    const Experiment& e = m_controller->document()->experiment();
    const int config = t.instance.configIndex;
    QStringList explain;
    if (r->effLr.empty()) {
        explain << tr("Epoch 0 is the initial network: no update yet, no effective learning "
                      "rate.");
    } else if (config >= 0 && config < int(e.runs.size())) {
        const OptimizerConfig& o = e.runs[size_t(config)].optimizer;
        if (isAdamFamily(o.type)) {
            explain << tr("Each parameter moves by η<sub>t</sub>·m̂/(√v̂+ε): its own effective "
                          "learning rate η<sub>t</sub>/(√v̂+ε), large where gradients have been "
                          "small. p05–p95 is its spread within a tensor. A decay schedule "
                          "multiplies η<sub>t</sub>, so every number here by the same factor.");
            const double b1 = optimizerBeta(o, 0), b2 = optimizerBeta(o, 1);
            const double steps = double(r->steps);
            if (std::isfinite(b1) && std::isfinite(b2) && o.type != "adamax")
                explain << tr("Bias correction after t = %1 updates: 1−β1<sup>t</sup> = %2, "
                              "1−β2<sup>t</sup> = %3 (1 when it has faded).")
                               .arg(r->steps)
                               .arg(num(1.0 - std::pow(b1, steps)), num(1.0 - std::pow(b2, steps)));
        } else if (o.type == "sgd") {
            explain << tr("SGD gives every parameter the same learning rate η<sub>t</sub>: the "
                          "percentiles are equal.");
        } else {
            explain << tr("The effective learning rate of each parameter: the factor that "
                          "multiplies its gradient (or momentum) in this update.");
        }
        const QString windows = averagingWindows(o);
        if (!windows.isEmpty())
            explain << windows;
    }
    m_explain->setText(explain.join(QStringLiteral("<br><br>")));
}

} // namespace optiscope
