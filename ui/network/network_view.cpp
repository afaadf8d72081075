#include "ui/network/network_view.h"

#include "core/nn/network_traces.h"
#include "ui/app/experiment_document.h"
#include "ui/network/network_diagram.h"
#include "ui/network/network_preview.h"
#include "ui/network/network_problem_editor.h"
#include "ui/plots/line_chart.h"

#include <QComboBox>
#include <QDir>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace optiscope {

NetworkView::NetworkView(ExperimentDocument* document, NetworkRunController* controller,
                         QWidget* parent)
    : QWidget(parent), m_document(document), m_controller(controller),
      m_chartThrottle(new QTimer(this)) {
    setObjectName(QStringLiteral("networkView"));
    m_preview = new NetworkPreview;
    m_diagram = new NetworkDiagram;
    auto* tabs = new QTabWidget;
    tabs->setObjectName(QStringLiteral("networkTabs"));
    tabs->addTab(m_preview, tr("Data"));
    tabs->addTab(m_diagram, tr("Network"));
    m_editor = new NetworkProblemEditor;
    auto* editorBox = new QGroupBox(tr("Network problem"));
    auto* editorLayout = new QVBoxLayout(editorBox);
    editorLayout->addWidget(m_editor);
    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(tabs);
    auto* editorScroll = new QScrollArea;
    editorScroll->setWidget(editorBox);
    editorScroll->setWidgetResizable(true);
    editorScroll->setFrameShape(QFrame::NoFrame);
    left->addWidget(editorScroll);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    m_loss = new LineChart;
    m_accuracy = new LineChart;
    m_lr = new LineChart;
    m_effLr = new LineChart;
    m_tensor = new QComboBox;
    m_tensor->setObjectName(QStringLiteral("tensorSelector"));
    m_tensor->setToolTip(tr("Tensor whose effective learning rates are shown"));
    auto* effBox = new QWidget;
    auto* effLayout = new QVBoxLayout(effBox);
    effLayout->setContentsMargins(0, 0, 0, 0);
    auto* tensorRow = new QHBoxLayout;
    tensorRow->addWidget(new QLabel(tr("Tensor")));
    tensorRow->addWidget(m_tensor, 1);
    effLayout->addLayout(tensorRow);
    effLayout->addWidget(m_effLr, 1);
    auto* chartsBox = new QWidget;
    auto* grid = new QGridLayout(chartsBox);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_accuracy, 0, 1);
    grid->addWidget(m_lr, 1, 0);
    grid->addWidget(effBox, 1, 1);

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(chartsBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 5);
    split->setChildrenCollapsible(false);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    addFigureMenu(m_preview, QStringLiteral("data"));
    addFigureMenu(m_diagram, QStringLiteral("network"));
    addFigureMenu(m_loss, QStringLiteral("loss"));
    addFigureMenu(m_accuracy, QStringLiteral("accuracy"));
    addFigureMenu(m_lr, QStringLiteral("lr"));
    addFigureMenu(m_effLr, QStringLiteral("eff_lr_tensor"));

    m_chartThrottle->setSingleShot(true);
    m_chartThrottle->setInterval(100);
    connect(m_chartThrottle, &QTimer::timeout, this, &NetworkView::refreshCharts);
    connect(m_tensor, &QComboBox::currentIndexChanged, this, &NetworkView::refreshCharts);

    connect(m_controller, &NetworkRunController::restarted, this, &NetworkView::onRestarted);
    connect(m_controller, &NetworkRunController::tracksUpdated, this, &NetworkView::onProgress);
    connect(m_controller, &NetworkRunController::labelsChanged, this, &NetworkView::refreshCharts);
    connect(m_controller, &NetworkRunController::dataReady, m_preview, &NetworkPreview::setPreview);
    connect(m_controller, &NetworkRunController::boundaryReady, this,
            [this](const QImage& image, long long epoch, const QString& run) {
                m_preview->setBoundaryRun(run);
                m_diagram->setRunName(run); // its diagram follows
                m_preview->setBoundary(image, epoch);
                emit boundaryShown(image, epoch);
            });
    connect(m_controller, &NetworkRunController::diagramReady, m_diagram,
            &NetworkDiagram::setDiagram);
    connect(m_controller, &NetworkRunController::failed, this, [this](const QString& message) {
        m_preview->setMessage(message);
        m_status->setText(message);
    });
    connect(m_editor, &NetworkProblemEditor::problemEdited, this,
            [this]() { m_document->setNetworkProblem(m_editor->problem()); });
    connect(m_editor, &NetworkProblemEditor::schedulePerEdited, this, [this](const QString& per) {
        const Experiment& e = m_document->experiment();
        for (int i = 0; i < int(e.runs.size()); ++i) {
            RunConfig run = e.runs[size_t(i)];
            if (run.schedule && run.schedule->per != per.toStdString() &&
                run.schedule->type != "reduce_on_plateau") {
                run.schedule->per = per.toStdString();
                m_document->setRun(i, run);
            }
        }
    });
}

NetworkView::~NetworkView() = default;

void NetworkView::addFigureMenu(QWidget* widget, const QString& stem) {
    widget->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(widget, &QWidget::customContextMenuRequested, this,
            [this, widget, stem](const QPoint& pos) {
                emit figureMenuRequested(stem, widget->mapToGlobal(pos));
            });
}

std::vector<Figure> NetworkView::figures() const {
    const QPalette pal = palette();
    std::vector<Figure> out;
    // The panes draw themselves; copies of them (data and boundary are implicitly shared) keep
    // the picture as it is now.
    auto preview = std::make_shared<NetworkPreview>();
    preview->setPreview(m_preview->preview());
    if (!m_preview->boundary().isNull())
        preview->setBoundary(m_preview->boundary(), m_preview->boundaryEpoch());
    const auto& tracks = m_controller->tracks();
    const int followed = m_controller->followedTrack();
    if (!errorText().isEmpty())
        preview->setMessage(errorText());
    preview->setBoundaryRun(followed < int(tracks.size())
                                ? QString::fromStdString(tracks[size_t(followed)].instance.name)
                                : QString());
    out.push_back({m_preview->preview().is2d ? tr("Data and decision boundary") : tr("Data"),
                   QStringLiteral("data"),
                   [preview, pal](QPainter& p, const QRectF& r) { preview->paint(p, r, pal); }});
    if (!m_diagram->diagram().units.empty()) {
        auto diagram = std::make_shared<NetworkDiagram>();
        diagram->setDiagram(m_diagram->diagram());
        diagram->setRunName(m_diagram->runName());
        out.push_back(
            {tr("Network diagram"), QStringLiteral("network"),
             [diagram, pal](QPainter& p, const QRectF& r) { diagram->paint(p, r, pal); }});
    }
    auto chart = [&](const QString& title, const QString& stem, const ChartSpec& spec) {
        out.push_back({title, stem, [spec, pal](QPainter& p, const QRectF& r) {
                           LineChart::render(spec, p, r, pal);
                       }});
    };
    const long long epochs = m_document->experiment().network.epochs;
    chart(tr("Loss"), QStringLiteral("loss"), m_loss->spec());
    chart(tr("Accuracy"), QStringLiteral("accuracy"), m_accuracy->spec());
    chart(tr("Learning rate"), QStringLiteral("lr"), m_lr->spec());
    if (!m_tensor->currentText().isEmpty())
        chart(tr("Effective lr of %1").arg(m_tensor->currentText()),
              QStringLiteral("eff_lr_tensor"), m_effLr->spec());
    chart(tr("Effective lr of every tensor"), QStringLiteral("eff_lr"),
          networkEffLrOverviewChart(tracks, epochs));
    return out;
}

bool NetworkView::writeEpochTraces(const QString& folder, QStringList* written,
                                   QString* error) const {
    for (const NetworkTrack& t : m_controller->tracks()) {
        std::vector<std::string> tensors;
        for (const nn::EpochRecord& r : t.epochs)
            for (size_t i = tensors.size(); i < r.effLr.size(); ++i)
                tensors.push_back(r.effLr[i].tensor);
        std::string csv = nn::epochTraceHeader(tensors);
        for (const nn::EpochRecord& r : t.epochs)
            csv += nn::epochTraceRow(r, tensors.size());
        const QString path = QDir(folder).filePath(QString::fromStdString(t.instance.slug) +
                                                   QStringLiteral("-epochs.csv"));
        if (!saveFileAtomically(path, QByteArray::fromStdString(csv), error))
            return false;
        if (written)
            *written << path;
    }
    return true;
}

std::vector<LineChart*> NetworkView::charts() const {
    return {m_loss, m_accuracy, m_lr, m_effLr};
}

void NetworkView::onRestarted() {
    const Experiment& e = m_document->experiment();
    QString per;
    for (const RunConfig& r : e.runs)
        if (r.schedule && r.schedule->type != "reduce_on_plateau") {
            const QString p = QString::fromStdString(r.schedule->per);
            per = per.isEmpty() || per == p ? p : QStringLiteral("mixed");
        }
    m_editor->setProblem(e.network, per == QLatin1String("mixed") ? QString() : per);
    m_status->setText(tr("Loading %1…").arg(QString::fromStdString(e.network.dataset.name)));
    m_preview->setMessage(tr("Loading the data…"));
    m_diagram->clear();
    m_tensor->blockSignals(true);
    m_tensor->clear();
    m_tensor->blockSignals(false);
    refreshCharts();
}

void NetworkView::onProgress() {
    if (!errorText().isEmpty()) {
        emit tracksUpdated();
        return;
    }
    QStringList status;
    for (const NetworkTrack& t : m_controller->tracks())
        status << QStringLiteral("<b>%1</b>: %2")
                      .arg(QString::fromStdString(t.instance.name).toHtmlEscaped(),
                           t.statusText().toHtmlEscaped());
    m_status->setText(status.join(QStringLiteral(" &nbsp; ")));
    if (m_tensor->count() == 0)
        refreshTensors();
    if (!m_chartThrottle->isActive())
        m_chartThrottle->start();
    emit tracksUpdated();
}

void NetworkView::refreshTensors() {
    const auto names = networkTensorNames(m_controller->tracks());
    if (names.empty())
        return;
    m_tensor->blockSignals(true);
    for (const auto& n : names)
        m_tensor->addItem(QString::fromStdString(n));
    // The first weight tensor is the most telling default.
    for (int i = 0; i < m_tensor->count(); ++i)
        if (m_tensor->itemText(i).endsWith(QLatin1String(".weight"))) {
            m_tensor->setCurrentIndex(i);
            break;
        }
    m_tensor->blockSignals(false);
}

void NetworkView::refreshCharts() {
    const long long epochs = m_document->experiment().network.epochs;
    const auto& tracks = m_controller->tracks();
    m_loss->setSpec(networkLossChart(tracks, epochs));
    m_accuracy->setSpec(networkAccuracyChart(tracks, epochs));
    m_lr->setSpec(networkLrChart(tracks, epochs));
    m_effLr->setSpec(networkEffLrChart(tracks, m_tensor->currentText().toStdString(), epochs));
}

} // namespace optiscope
