#include "ui/network/network_problem_editor.h"

#include "ui/app/recent_folders.h"

#include "core/experiment/experiment_io.h"
#include "core/nn/dataset_catalog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>

namespace optiscope {

namespace {

const nn::DatasetInfo* datasetInfo(const QString& name) {
    return nn::findDataset(name.toStdString());
}

QString hiddenText(const std::vector<long long>& hidden) {
    QStringList parts;
    for (long long h : hidden)
        parts << QString::number(h);
    return parts.join(QStringLiteral(", "));
}

} // namespace

NetworkProblemEditor::NetworkProblemEditor(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_dataset = new QComboBox;
    for (const auto& d : nn::datasetCatalog()) { // the reader's list, in its order
        m_dataset->addItem(QString::fromStdString(d.name));
        m_dataset->setItemData(m_dataset->count() - 1, QString::fromStdString(d.description),
                               Qt::ToolTipRole);
    }
    m_dataset->setObjectName(QStringLiteral("networkDataset"));
    form->addRow(tr("Data set"), m_dataset);

    m_samples = new QSpinBox;
    // The file reader's limits (ExperimentLimits), so the editor accepts what a file may hold.
    m_samples->setRange(2, int(ExperimentLimits::maxSamples));
    m_samples->setToolTip(tr("Toy sets: number of points generated"));
    m_noise = new QDoubleSpinBox;
    m_noise->setRange(0, ExperimentLimits::maxDatasetNoise);
    m_noise->setDecimals(3);
    m_noise->setSingleStep(0.05);
    m_dataSeed = new QDoubleSpinBox;
    m_dataSeed->setDecimals(0);
    m_dataSeed->setRange(0, ExperimentLimits::maxSeed);
    auto* toyRow = new QHBoxLayout;
    toyRow->addWidget(m_samples);
    toyRow->addWidget(new QLabel(tr("noise")));
    toyRow->addWidget(m_noise);
    toyRow->addWidget(new QLabel(tr("seed")));
    toyRow->addWidget(m_dataSeed);
    form->addRow(tr("Samples"), toyRow);

    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("CSV file, or MNIST / CIFAR-10 folder"));
    auto* browse = new QPushButton(tr("…"));
    browse->setToolTip(tr("Pick the file (csv) or folder (mnist, cifar10)"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("Path"), pathRow);
    m_target = new QLineEdit;
    m_target->setPlaceholderText(tr("CSV: target column"));
    form->addRow(tr("Target column"), m_target);

    m_split = new QDoubleSpinBox;
    m_split->setRange(0, ExperimentLimits::maxSplit);
    m_split->setSingleStep(0.05);
    form->addRow(tr("Validation split"), m_split);

    m_architecture = new QComboBox;
    m_architecture->addItems({QStringLiteral("mlp"), QStringLiteral("lenet5")});
    m_hidden = new QLineEdit;
    m_hidden->setToolTip(tr("Hidden layer sizes of the MLP, comma-separated (empty: none)"));
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_architecture);
    modelRow->addWidget(new QLabel(tr("hidden")));
    modelRow->addWidget(m_hidden, 1);
    form->addRow(tr("Model"), modelRow);
    m_activation = new QComboBox;
    m_activation->addItems({QStringLiteral("relu"), QStringLiteral("tanh"),
                            QStringLiteral("sigmoid"), QStringLiteral("linear")});
    form->addRow(tr("Activation"), m_activation);
    auto* extrasRow = new QHBoxLayout;
    for (const auto& e : nn::extraFeatureNames()) {
        auto* box = new QCheckBox(QString::fromStdString(e));
        box->setToolTip(tr("Extra input feature of the 2-D sets"));
        m_extras[e] = box;
        extrasRow->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &NetworkProblemEditor::changed);
    }
    extrasRow->addStretch(1);
    form->addRow(tr("Features"), extrasRow);

    m_loss = new QComboBox;
    m_loss->addItems({QStringLiteral("cross_entropy"), QStringLiteral("mse")});
    form->addRow(tr("Loss"), m_loss);
    m_batch = new QSpinBox;
    m_batch->setRange(1, int(ExperimentLimits::maxBatchSize));
    m_epochs = new QSpinBox;
    m_epochs->setRange(1, int(ExperimentLimits::maxEpochs));
    m_seed = new QDoubleSpinBox;
    m_seed->setDecimals(0);
    m_seed->setRange(0, ExperimentLimits::maxSeed);
    auto* trainRow = new QHBoxLayout;
    trainRow->addWidget(m_batch);
    trainRow->addWidget(new QLabel(tr("epochs")));
    trainRow->addWidget(m_epochs);
    trainRow->addWidget(new QLabel(tr("seed")));
    trainRow->addWidget(m_seed);
    form->addRow(tr("Batch size"), trainRow);
    m_per = new QComboBox;
    m_per->addItem(tr("updates"), QStringLiteral("step"));
    m_per->addItem(tr("epochs"), QStringLiteral("epoch"));
    m_per->setToolTip(tr("What the runs' schedules count (plateau schedules always count epochs)"));
    form->addRow(tr("Schedules count"), m_per);
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b"));
    form->addRow(m_error);

    connect(browse, &QPushButton::clicked, this, [this]() {
        const QString set = m_dataset->currentText();
        const QString start = m_path->text().isEmpty()
                                  ? RecentFolders::folder(QStringLiteral("data"))
                                  : m_path->text();
        const bool file = set == QLatin1String("csv") || set == QLatin1String("digits");
        QString path;
        if (file)
            path = QFileDialog::getOpenFileName(this, tr("Data file"), start,
                                                tr("CSV (*.csv *.csv.gz);;All files (*)"));
        else
            path = QFileDialog::getExistingDirectory(this, tr("Data folder"), start);
        if (!path.isEmpty()) {
            RecentFolders::remember(QStringLiteral("data"), path, !file);
            m_path->setText(path);
            changed();
        }
    });
    for (QComboBox* c : {m_dataset, m_architecture, m_activation, m_loss})
        connect(c, &QComboBox::currentIndexChanged, this, &NetworkProblemEditor::changed);
    for (QSpinBox* s : {m_samples, m_batch, m_epochs})
        connect(s, &QSpinBox::editingFinished, this, &NetworkProblemEditor::changed);
    for (QDoubleSpinBox* s : {m_noise, m_split, m_dataSeed, m_seed})
        connect(s, &QDoubleSpinBox::editingFinished, this, &NetworkProblemEditor::changed);
    for (QLineEdit* l : {m_path, m_target, m_hidden})
        connect(l, &QLineEdit::editingFinished, this, &NetworkProblemEditor::changed);
    connect(m_per, &QComboBox::currentIndexChanged, this, [this]() {
        if (!m_loading)
            emit schedulePerEdited(schedulePer());
    });
}

void NetworkProblemEditor::setProblem(const NetworkProblem& p, const QString& per) {
    m_loading = true;
    m_problem = p;
    m_dataset->setCurrentText(QString::fromStdString(p.dataset.name));
    m_samples->setValue(int(p.dataset.samples));
    m_noise->setValue(p.dataset.noise);
    m_dataSeed->setValue(double(p.dataset.seed));
    m_path->setText(QString::fromStdString(p.dataset.path));
    m_target->setText(QString::fromStdString(p.dataset.targetColumn));
    m_split->setValue(p.validationSplit);
    m_architecture->setCurrentText(QString::fromStdString(p.model.architecture));
    m_hidden->setText(hiddenText(p.model.hidden));
    m_activation->setCurrentText(QString::fromStdString(p.model.activation));
    for (auto& [name, box] : m_extras)
        box->setChecked(std::find(p.model.extraFeatures.begin(), p.model.extraFeatures.end(),
                                  name) != p.model.extraFeatures.end());
    m_loss->setCurrentText(QString::fromStdString(p.loss));
    m_batch->setValue(int(p.batchSize));
    m_epochs->setValue(int(p.epochs));
    m_seed->setValue(double(p.seed));
    const int at = m_per->findData(per);
    m_per->setCurrentIndex(at < 0 ? 0 : at);
    m_per->setEnabled(!per.isEmpty());
    m_error->clear();
    refreshEnabled();
    m_loading = false;
}

QString NetworkProblemEditor::schedulePer() const {
    return m_per->currentData().toString();
}

NetworkProblem NetworkProblemEditor::problem() const {
    return m_problem;
}

void NetworkProblemEditor::refreshEnabled() {
    const QString set = m_dataset->currentText();
    const nn::DatasetInfo* info = datasetInfo(set);
    const bool toy = info && info->source == nn::DatasetInfo::Source::Generated;
    m_samples->setEnabled(toy);
    m_noise->setEnabled(toy);
    m_dataSeed->setEnabled(toy);
    m_path->setEnabled(info && !toy); // digits: a file instead of the shipped copy
    m_target->setEnabled(set == QLatin1String("csv"));
    const bool mlp = m_architecture->currentText() == QLatin1String("mlp");
    m_hidden->setEnabled(mlp);
    m_activation->setEnabled(mlp); // LeNet-5 uses ReLU (SPEC §4)
    for (auto& [name, box] : m_extras)
        box->setEnabled(toy && !info->regression); // x², sin x ... of a 2-D plane
}

void NetworkProblemEditor::changed() {
    if (m_loading)
        return;
    refreshEnabled();
    NetworkProblem p = m_problem;
    p.dataset.name = m_dataset->currentText().toStdString();
    p.dataset.samples = m_samples->value();
    p.dataset.noise = m_noise->value();
    p.dataset.seed = std::uint64_t(m_dataSeed->value());
    p.dataset.path = m_path->text().trimmed().toStdString();
    p.dataset.targetColumn = m_target->text().trimmed().toStdString();
    p.validationSplit = m_split->value();
    p.model.architecture = m_architecture->currentText().toStdString();
    std::vector<long long> hidden;
    bool ok = true;
    for (const QString& part : m_hidden->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool good = false;
        const long long h = part.trimmed().toLongLong(&good);
        if (!good || h < 1 || h > 4096)
            ok = false;
        else
            hidden.push_back(h);
    }
    if (!ok) {
        m_error->setText(tr("Hidden sizes: whole numbers from 1 to 4096, separated by commas"));
        return;
    }
    p.model.hidden = hidden;
    p.model.activation = m_activation->currentText().toStdString();
    p.model.extraFeatures.clear();
    if (nn::isToyDataset(p.dataset.name) && p.dataset.name != "sine")
        for (const auto& name : nn::extraFeatureNames())
            if (m_extras[name]->isChecked())
                p.model.extraFeatures.push_back(name);
    p.loss = m_loss->currentText().toStdString();
    if (p.dataset.name == "sine")
        p.loss = "mse";
    p.batchSize = m_batch->value();
    p.epochs = m_epochs->value();
    p.seed = std::uint64_t(m_seed->value());
    m_error->clear();
    if (p == m_problem)
        return;
    m_problem = p;
    emit problemEdited();
}

} // namespace optiscope
