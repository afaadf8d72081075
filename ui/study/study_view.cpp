#include "ui/study/study_view.h"

#include "ui/app/recent_folders.h"

#include "ui/app/experiment_document.h"
#include "ui/plots/heatmap_plot.h"
#include "ui/plots/line_chart.h"
#include "ui/plots/strip_plot.h"
#include "ui/study/study_controller.h"
#include "ui/study/study_figures.h"
#include "ui/study/study_panel.h"
#include "ui/study/study_table_model.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

namespace optiscope {

namespace {

QString duration(double seconds) {
    if (!(seconds >= 0))
        return QStringLiteral("–");
    const long s = std::lround(seconds);
    if (s >= 3600)
        return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60);
    if (s >= 60)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 s").arg(std::max(1L, s));
}

QScrollArea* scrolling(QWidget* w) {
    auto* area = new QScrollArea;
    area->setWidget(w);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

} // namespace

StudyView::StudyView(ExperimentDocument* document, StudyController* controller, QWidget* parent)
    : QWidget(parent), m_document(document), m_controller(controller), m_refresh(new QTimer(this)),
      m_curveTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("studyView"));

    // Left: the study's settings and its folder.
    m_panel = new StudyPanel(document);
    auto* settings = new QGroupBox(tr("Repeats, grid and metric"));
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->addWidget(m_panel);
    auto* output = new QGroupBox(tr("Results folder"));
    auto* outputLayout = new QVBoxLayout(output);
    m_folder = new QLabel;
    m_folder->setObjectName(QStringLiteral("studyFolder"));
    m_folder->setWordWrap(true);
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* folderButtons = new QHBoxLayout;
    auto* choose = new QPushButton(tr("Choose…"));
    choose->setToolTip(tr("Another folder: one the command line wrote into resumes there"));
    auto* show = new QPushButton(tr("Open"));
    show->setToolTip(tr("Show the folder in the file manager"));
    folderButtons->addWidget(choose);
    folderButtons->addWidget(show);
    folderButtons->addStretch(1);
    outputLayout->addWidget(m_folder);
    outputLayout->addLayout(folderButtons);
    m_settings = new QWidget(this);
    m_settings->setObjectName(QStringLiteral("studySettings"));
    m_settings->setWindowFlag(Qt::Widget);
    auto* settingsColumn = new QVBoxLayout(m_settings);
    settingsColumn->setContentsMargins(0, 0, 0, 0);
    settingsColumn->addWidget(settings);
    settingsColumn->addWidget(output);
    settingsColumn->addStretch(1);

    // Progress, then the results.
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("studyTitle"));
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_jobs = new QLabel;
    m_jobs->setObjectName(QStringLiteral("studyJobs"));
    m_jobs->setWordWrap(true);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("studyProgress"));
    m_progress->setFormat(tr("%v / %m jobs"));
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("studyRun"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("studyCancel"));
    m_cancel->setToolTip(tr("Stop; every finished job stays in the folder, and Run resumes"));
    m_eta = new QLabel;
    m_eta->setObjectName(QStringLiteral("studyEta"));
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("studyError"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_run);
    progressRow->addWidget(m_cancel);
    progressRow->addWidget(m_eta);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("studyTabs"));
    // Table.
    m_model = new StudyTableModel(this);
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(Qt::UserRole);
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("studyTable"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setToolTip(tr("Double-click a row to open its first repeat in the explorer"));
    auto* copy = new QAction(tr("Copy table (tab-separated)"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this,
            [this]() { QGuiApplication::clipboard()->setText(tableText()); });
    m_table->addAction(copy);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this, copy](const QPoint& pos) {
        QMenu menu(this);
        const QModelIndex index = m_table->indexAt(pos);
        if (index.isValid())
            menu.addAction(tr("Open this configuration's first repeat in the explorer"), this,
                           [this, index]() {
                               const auto [cell, inst] =
                                   m_model->configAt(m_sorted->mapToSource(index).row());
                               openJob(m_controller->plan()->jobIndex(cell, inst, 0));
                           });
        menu.addAction(copy);
        menu.addAction(tr("Export the tables (CSV, Markdown)…"), this,
                       &StudyView::exportTablesRequested);
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto [cell, inst] = m_model->configAt(m_sorted->mapToSource(index).row());
        openJob(m_controller->plan()->jobIndex(cell, inst, 0));
    });
    m_reading = new QLabel;
    m_reading->setObjectName(QStringLiteral("studyReading"));
    m_reading->setWordWrap(true);
    m_reading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reading->setToolTip(tr("The paired comparison of each run with its no-decay twin, in words"));
    auto* tablePage = new QWidget;
    auto* tableLayout = new QVBoxLayout(tablePage);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_table, 1);
    tableLayout->addWidget(m_reading);
    m_tabs->addTab(tablePage, tr("Table"));
    // Mean curves.
    auto* curvesPage = new QWidget;
    auto* curvesLayout = new QVBoxLayout(curvesPage);
    auto* curvesBar = new QHBoxLayout;
    m_curveColumn = new QComboBox;
    m_curveColumn->setObjectName(QStringLiteral("studyCurveColumn"));
    m_curveRepeats = new QCheckBox(tr("each repeat (faint)"));
    curvesBar->addWidget(new QLabel(tr("Curve")));
    curvesBar->addWidget(m_curveColumn, 1);
    curvesBar->addWidget(m_curveRepeats);
    curvesLayout->addLayout(curvesBar);
    m_curves = new LineChart;
    m_curves->setObjectName(QStringLiteral("studyCurves"));
    curvesLayout->addWidget(m_curves, 1);
    m_tabs->addTab(curvesPage, tr("Mean curves"));
    // Final values.
    auto* stripPage = new QWidget;
    auto* stripLayout = new QVBoxLayout(stripPage);
    auto* stripBar = new QHBoxLayout;
    m_stripMetric = new QComboBox;
    stripBar->addWidget(new QLabel(tr("Metric")));
    stripBar->addWidget(m_stripMetric, 1);
    stripBar->addWidget(new QLabel(tr("click a dot to open that repeat")));
    stripLayout->addLayout(stripBar);
    m_strip = new StripPlot;
    m_strip->setObjectName(QStringLiteral("studyStrip"));
    stripLayout->addWidget(scrolling(m_strip), 1);
    m_tabs->addTab(stripPage, tr("Final values"));
    // Heatmap.
    auto* heatPage = new QWidget;
    auto* heatLayout = new QVBoxLayout(heatPage);
    auto* heatBar = new QHBoxLayout;
    m_heatMetric = new QComboBox;
    heatBar->addWidget(new QLabel(tr("Metric")));
    heatBar->addWidget(m_heatMetric, 1);
    heatBar->addWidget(new QLabel(tr("click a cell to open its first repeat")));
    heatLayout->addLayout(heatBar);
    m_heatmap = new HeatmapPlot;
    m_heatmap->setObjectName(QStringLiteral("studyHeatmap"));
    heatLayout->addWidget(m_heatmap, 1);
    m_tabs->addTab(heatPage, tr("Heatmap"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_jobs);
    layout->addLayout(progressRow);
    layout->addWidget(m_problem);
    layout->addWidget(m_tabs, 1);

    for (QWidget* w : {static_cast<QWidget*>(m_curves), static_cast<QWidget*>(m_strip),
                       static_cast<QWidget*>(m_heatmap)}) {
        w->setContextMenuPolicy(Qt::CustomContextMenu);
        const QString stem = w == m_curves  ? QStringLiteral("mean_curves")
                             : w == m_strip ? QStringLiteral("final_metric")
                                            : QStringLiteral("heatmap");
        connect(w, &QWidget::customContextMenuRequested, this, [this, w, stem](const QPoint& p) {
            emit figureMenuRequested(stem, w->mapToGlobal(p));
        });
    }

    m_refresh->setSingleShot(true);
    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, &StudyView::refreshResults);
    m_curveTimer->setSingleShot(true);
    m_curveTimer->setInterval(1000);
    connect(m_curveTimer, &QTimer::timeout, this, &StudyView::refreshCurves);
    connect(m_controller, &StudyController::planChanged, this, &StudyView::onPlanChanged);
    connect(m_controller, &StudyController::progressChanged, this, [this]() {
        refreshProgress();
        if (!m_refresh->isActive())
            m_refresh->start();
    });
    connect(m_controller, &StudyController::playingChanged, this, &StudyView::refreshProgress);
    connect(m_run, &QPushButton::clicked, this, [this]() { m_controller->togglePlay(); });
    connect(m_cancel, &QPushButton::clicked, m_controller, &StudyController::cancel);
    connect(choose, &QPushButton::clicked, this, &StudyView::chooseFolder);
    connect(show, &QPushButton::clicked, this, [this]() {
        QDir().mkpath(m_controller->outputDir());
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_controller->outputDir()));
    });
    connect(m_curveColumn, &QComboBox::currentIndexChanged, this, &StudyView::refreshCurves);
    connect(m_curveRepeats, &QCheckBox::toggled, this, &StudyView::refreshCurves);
    connect(m_stripMetric, &QComboBox::currentIndexChanged, this, &StudyView::refreshStrip);
    connect(m_heatMetric, &QComboBox::currentIndexChanged, this, &StudyView::refreshHeatmap);
    connect(m_strip, &StripPlot::rowClicked, this, [this](int row, int dot) {
        if (row < 0 || row >= int(m_stripConfigs.size()) || !m_controller->plan())
            return;
        const auto [cell, inst] = m_stripConfigs[std::size_t(row)];
        const auto& repeats = m_strip->spec().rows[std::size_t(row)].repeats;
        const int repeat = dot >= 0 && dot < repeats.size() ? repeats[dot] : 0;
        openJob(m_controller->plan()->jobIndex(cell, inst, repeat));
    });
    connect(m_heatmap, &HeatmapPlot::cellClicked, this, [this](int panel, int index) {
        const StudyPlan* plan = m_controller->plan();
        if (!plan || plan->study().grid.size() != 2)
            return;
        const std::size_t nx = plan->study().grid[0].values.size();
        const std::size_t ny = plan->study().grid[1].values.size();
        const std::size_t xi = std::size_t(index) % nx, yi = std::size_t(index) / nx;
        openJob(plan->jobIndex(xi * ny + yi, std::size_t(panel), 0));
    });
    onPlanChanged();
}

void StudyView::onPlanChanged() {
    const StudyPlan* plan = m_controller->plan();
    m_title->setText(plan ? QString::fromStdString(plan->experiment().title) : tr("No study"));
    auto fill = [plan](QComboBox* box) {
        const QSignalBlocker block(box);
        box->clear();
        if (plan)
            for (const auto& m : plan->metrics())
                box->addItem(QString::fromStdString(m));
    };
    fill(m_stripMetric);
    fill(m_heatMetric);
    {
        const QSignalBlocker block(m_curveColumn);
        const QString was = m_curveColumn->currentText();
        m_curveColumn->clear();
        if (plan) {
            for (const auto& c : studyCurveColumns(*plan))
                m_curveColumn->addItem(QString::fromStdString(c));
            if (plan->isNetwork())
                m_curveColumn->addItem(QStringLiteral("train_loss"));
        }
        const int again = m_curveColumn->findText(was);
        if (again >= 0)
            m_curveColumn->setCurrentIndex(again);
    }
    const bool heat = plan && plan->study().grid.size() == 2 && plan->study().grid[0].numeric() &&
                      plan->study().grid[1].numeric();
    m_tabs->setTabEnabled(3, heat);
    m_tabs->setTabToolTip(3, heat ? QString()
                                  : tr("A heatmap needs a grid of exactly two numeric keys"));
    m_model->setResults(nullptr, {});
    refreshProgress();
    refreshResults();
}

void StudyView::refreshProgress() {
    const StudyPlan* plan = m_controller->plan();
    const std::size_t total = m_controller->jobsTotal(), done = m_controller->jobsDone();
    if (plan) {
        const StudySpec& s = plan->study();
        const auto count = [](std::size_t n, const QString& one, const QString& many) {
            return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
        };
        const std::size_t cells = plan->cellCount(), runs = plan->instances().size();
        m_jobs->setText(tr("%1: %2 × %3 — %4 × %5 (twins included)")
                            .arg(count(total, tr("job"), tr("jobs")),
                                 count(cells * runs, tr("configuration"), tr("configurations")),
                                 count(std::size_t(s.repeats), tr("repeat"), tr("repeats")),
                                 count(cells, tr("cell"), tr("cells")),
                                 count(runs, tr("run"), tr("runs"))));
    } else {
        m_jobs->setText(tr("This experiment has no study: add repeats or a grid in the Study "
                           "panel."));
    }
    m_progress->setRange(0, int(std::max<std::size_t>(1, total)));
    m_progress->setValue(int(done));
    m_folder->setText(QDir::toNativeSeparators(m_controller->outputDir()));
    const bool running = m_controller->isRunning();
    const bool playing = m_controller->isPlaying();
    m_run->setEnabled(plan && !m_controller->allFinished());
    m_run->setText(playing    ? tr("Pause")
                   : running  ? tr("Resume")
                   : done > 0 ? tr("Resume")
                              : tr("Run"));
    m_cancel->setEnabled(running);
    QString eta;
    if (m_controller->allFinished())
        eta = tr("done");
    else if (running)
        eta = tr("about %1 left").arg(duration(m_controller->secondsLeft()));
    else if (m_controller->estimatedSeconds() >= 0)
        eta = tr("estimated %1").arg(duration(m_controller->secondsLeft()));
    m_eta->setText(eta);
    m_problem->setText(m_controller->problem());
    m_problem->setVisible(!m_controller->problem().isEmpty());
}

void StudyView::refreshResults() {
    const StudyPlan* plan = m_controller->plan();
    m_model->setResults(m_controller->sharedPlan(),
                        plan ? m_controller->results() : StudyResults{});
    m_reading->setText(m_model->reading());
    m_reading->setVisible(!m_reading->text().isEmpty());
    refreshStrip();
    refreshHeatmap();
    if (!m_curveTimer->isActive())
        m_curveTimer->start(m_controller->isRunning() ? 1000 : 0);
}

std::size_t StudyView::metricIndex(const QComboBox* box) const {
    return std::size_t(std::max(0, box->currentIndex()));
}

void StudyView::refreshCurves() {
    const StudyPlan* plan = m_controller->plan();
    if (!plan || m_curveColumn->currentText().isEmpty()) {
        m_curves->setSpec(ChartSpec{});
        return;
    }
    const StudyResults& results = m_controller->results();
    QString note;
    std::vector<ConfigCurves> curves;
    for (const StudyConfig& c : studyCurveConfigs(*plan, results, 0, 12, &note))
        curves.push_back(
            readConfigCurves(*plan, c.cell, c.instance, m_controller->outputDir().toStdString()));
    ChartSpec spec = studyCurveChart(*plan, curves, m_curveColumn->currentText().toStdString(),
                                     m_curveRepeats->isChecked());
    spec.title = tr("%1 — mean over repeats, ±1 std band").arg(spec.title);
    if (!note.isEmpty())
        spec.title += QStringLiteral(" (%1)").arg(note);
    m_curves->setSpec(spec);
}

void StudyView::refreshStrip() {
    const StudyPlan* plan = m_controller->plan();
    m_stripConfigs.clear();
    if (!plan) {
        m_strip->setSpec(StripPlotSpec{});
        return;
    }
    std::vector<StudyConfig> configs;
    const StripPlotSpec spec =
        studyFinalMetricSpec(*plan, m_controller->results(), m_controller->records(),
                             metricIndex(m_stripMetric), 40, &configs);
    for (const auto& c : configs)
        m_stripConfigs.emplace_back(c.cell, c.instance);
    m_strip->setSpec(spec);
    m_strip->setMinimumHeight(StripPlot::preferredHeight(spec, m_strip->font()));
}

void StudyView::refreshHeatmap() {
    const StudyPlan* plan = m_controller->plan();
    if (!plan)
        return;
    if (auto spec = studyHeatmapSpec(*plan, m_controller->results(), m_controller->records(),
                                     metricIndex(m_heatMetric)))
        m_heatmap->setSpec(*spec);
}

void StudyView::chooseFolder() {
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Folder for the study's jobs and tables"),
                                          QFileInfo(m_controller->outputDir()).isDir()
                                              ? m_controller->outputDir()
                                              : RecentFolders::folder(QStringLiteral("studies")));
    if (!dir.isEmpty()) {
        RecentFolders::remember(QStringLiteral("studies"), dir, true);
        m_controller->setOutputDir(dir);
    }
}

void StudyView::openJob(std::size_t jobIndex) {
    const StudyPlan* plan = m_controller->plan();
    if (!plan || jobIndex >= plan->jobCount())
        return;
    const StudyJob job = plan->job(jobIndex);
    Experiment e = m_controller->jobExperiment(jobIndex);
    QString label;
    if (plan->cellCount() > 1)
        label = QStringLiteral("%1 (%2) · ")
                    .arg(QString::fromStdString(plan->cellName(job.cell)),
                         QString::fromStdString(plan->cellLabel(job.cell)));
    label += tr("%1 · repeat %2")
                 .arg(QString::fromStdString(plan->instances().at(job.instance).name))
                 .arg(job.repeat);
    e.title += " — " + label.toStdString();
    emit openJobRequested(e, label);
}

QString StudyView::tableText() const {
    QStringList lines;
    QStringList header;
    for (int c = 0; c < m_sorted->columnCount(); ++c)
        header << m_sorted->headerData(c, Qt::Horizontal).toString();
    lines << header.join(QLatin1Char('\t'));
    for (int r = 0; r < m_sorted->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m_sorted->columnCount(); ++c)
            cells << m_sorted->index(r, c).data(Qt::DisplayRole).toString();
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

std::vector<Figure> StudyView::figures() const {
    std::vector<Figure> out;
    const QPalette pal = palette();
    const ChartSpec curves = m_curves->spec();
    out.push_back(
        {tr("Mean curves"), QStringLiteral("mean_curves"),
         [curves, pal](QPainter& p, const QRectF& r) { LineChart::render(curves, p, r, pal); }});
    const StripPlotSpec strip = m_strip->spec();
    out.push_back(
        {tr("Final values"), QStringLiteral("final_metric"),
         [strip, pal](QPainter& p, const QRectF& r) { StripPlot::render(strip, p, r, pal); }});
    if (m_tabs->isTabEnabled(3)) {
        const HeatmapSpec heat = m_heatmap->spec();
        out.push_back(
            {tr("Heatmap"), QStringLiteral("heatmap"),
             [heat, pal](QPainter& p, const QRectF& r) { HeatmapPlot::render(heat, p, r, pal); }});
    }
    return out;
}

} // namespace optiscope
