#include "ui/study/study_panel.h"

#include "core/experiment/experiment_io.h"
#include "core/experiment/study_grid.h"
#include "core/functions/test_function.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"
#include "ui/app/experiment_document.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <set>

namespace optiscope {

struct StudyPanel::Row {
    QWidget* widget = nullptr;
    QComboBox* key = nullptr;
    QComboBox* mode = nullptr; ///< 0: values, 1: linear range, 2: log range
    QStackedWidget* stack = nullptr;
    QLineEdit* values = nullptr;
    QLineEdit* from = nullptr;
    QLineEdit* to = nullptr;
    QSpinBox* num = nullptr;
};

namespace {

QString number(double v) {
    return QString::fromStdString(formatDouble(v));
}

} // namespace

QStringList StudyPanel::gridKeys(const Experiment& e) {
    QStringList keys;
    std::set<std::string> seen;
    auto add = [&](const std::string& key) {
        if (seen.insert(key).second)
            keys << QString::fromStdString(key);
    };
    auto addParams = [&](const std::string& root, const ParamTable& table) {
        for (const ParamSpec& p : table) {
            if (p.kind == ParamKind::Choice)
                continue; // strings: rarely a grid, and a list of them is typed by hand
            add(root + "." + p.name);
            if (p.kind == ParamKind::RealPair) {
                add(root + "." + p.name + "[0]");
                add(root + "." + p.name + "[1]");
            }
        }
    };
    for (const RunConfig& r : e.runs)
        if (const OptimizerInfo* info = findOptimizer(r.optimizer.type))
            addParams("optimizer", info->params);
    for (const RunConfig& r : e.runs)
        if (r.schedule)
            if (const ScheduleInfo* info = findSchedule(r.schedule->type))
                addParams("schedule", info->params);
    if (e.problemType == Experiment::ProblemType::Function) {
        for (const char* k : {"problem.start[0]", "problem.start[1]", "problem.noise.std", "steps"})
            add(k);
        if (const FunctionInfo* info = functionInfo(e.function))
            for (const ParamSpec& p : info->params)
                add("problem.params." + p.name);
    } else {
        for (const char* k : {"problem.batch_size", "problem.epochs", "problem.validation_split",
                              "problem.test_split", "problem.model.hidden", "problem.model.init",
                              "problem.dataset.samples", "problem.dataset.noise"})
            add(k);
    }
    return keys;
}

QString StudyPanel::valuesText(const GridAxis& axis) {
    QStringList parts;
    for (const ParamValue& v : axis.values) {
        if (const auto* s = std::get_if<std::string>(&v))
            parts << QString::fromStdString(*s);
        else
            parts << QString::fromStdString(gridValueText(v));
    }
    return parts.join(QStringLiteral(", "));
}

bool StudyPanel::parseValues(const QString& text, std::vector<ParamValue>* values, QString* error) {
    values->clear();
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("give at least one value");
        return false;
    }
    // JSON first (numbers, true/false, "strings", [lists]); then bare words as strings.
    QJsonParseError parse;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QStringLiteral("[%1]").arg(trimmed).toUtf8(), &parse);
    if (parse.error == QJsonParseError::NoError && doc.isArray()) {
        for (const QJsonValue& v : doc.array()) {
            if (v.isBool()) {
                values->emplace_back(v.toBool());
            } else if (v.isDouble()) {
                values->emplace_back(v.toDouble());
            } else if (v.isString()) {
                values->emplace_back(v.toString().toStdString());
            } else if (v.isArray()) {
                std::vector<double> list;
                for (const QJsonValue& x : v.toArray()) {
                    if (!x.isDouble()) {
                        *error = tr("a list in the values must hold numbers only");
                        return false;
                    }
                    list.push_back(x.toDouble());
                }
                values->emplace_back(list);
            } else {
                *error = tr("cannot read “%1”").arg(trimmed);
                return false;
            }
        }
        return true;
    }
    for (const QString& part : trimmed.split(QLatin1Char(','))) {
        const QString p = part.trimmed();
        if (p.isEmpty()) {
            *error = tr("an empty value between commas");
            return false;
        }
        bool ok = false;
        const double d = p.toDouble(&ok);
        if (ok)
            values->emplace_back(d);
        else if (p == QLatin1String("true") || p == QLatin1String("false"))
            values->emplace_back(p == QLatin1String("true"));
        else
            values->emplace_back(p.toStdString());
    }
    return true;
}

StudyPanel::StudyPanel(ExperimentDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    setObjectName(QStringLiteral("studyPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    m_repeats = new QSpinBox;
    m_repeats->setObjectName(QStringLiteral("studyRepeats"));
    m_repeats->setRange(1, StudyLimits::maxRepeats);
    m_repeats->setToolTip(tr("Repeat r adds r to every seed of the problem; a run and its "
                             "no-decay twin share the seeds of each repeat (paired)"));
    m_repeats->setKeyboardTracking(false);
    form->addRow(tr("repeats"), m_repeats);
    m_metric = new QComboBox;
    m_metric->setObjectName(QStringLiteral("studyMetric"));
    m_metric->setToolTip(tr("The metric the table, the strip plot and the heatmap lead with"));
    form->addRow(tr("metric"), m_metric);
    layout->addLayout(form);

    auto* gridTitle = new QLabel(tr("<b>Grid</b> — every combination of these values is a "
                                    "configuration (the last key varies fastest)"));
    gridTitle->setWordWrap(true);
    layout->addWidget(gridTitle);
    m_rowsLayout = new QVBoxLayout;
    m_rowsLayout->setSpacing(4);
    layout->addLayout(m_rowsLayout);
    auto* add = new QPushButton(tr("Add a grid key"));
    add->setObjectName(QStringLiteral("studyAddKey"));
    connect(add, &QPushButton::clicked, this, [this]() {
        GridAxis axis;
        const QStringList keys = gridKeys(m_document->experiment());
        axis.key = keys.isEmpty() ? "optimizer.lr" : keys.front().toStdString();
        const Experiment& e = m_document->experiment();
        double lr = 0.001;
        if (!e.runs.empty() && e.runs.front().optimizer.params.has("lr"))
            lr = e.runs.front().optimizer.params.real("lr");
        axis.values = {ParamValue(lr), ParamValue(lr / 10)};
        addRow(axis);
        commit();
    });
    layout->addWidget(add, 0, Qt::AlignLeft);
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("studyProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_problem);
    layout->addStretch(1);

    connect(m_repeats, &QSpinBox::valueChanged, this, &StudyPanel::commit);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &StudyPanel::commit);
    connect(m_document, &ExperimentDocument::changed, this, [this](auto change, int) {
        if (change != ExperimentDocument::Change::Cosmetic &&
            change != ExperimentDocument::Change::Budget)
            refresh();
    });
    refresh();
}

QString StudyPanel::problemText() const {
    return m_problem->text();
}

void StudyPanel::refresh() {
    if (m_refreshing)
        return;
    m_refreshing = true;
    const Experiment& e = m_document->experiment();
    const StudySpec study = e.study.value_or(StudySpec{});
    m_repeats->setValue(study.repeats);
    m_metric->clear();
    const auto metrics = studyMetrics(e);
    for (const auto& m : metrics)
        m_metric->addItem(QString::fromStdString(m));
    const auto ordered = orderedStudyMetrics(e);
    m_metric->setCurrentText(QString::fromStdString(ordered.front()));
    for (Row* row : m_rows) {
        row->widget->deleteLater();
        delete row;
    }
    m_rows.clear();
    for (const GridAxis& axis : study.grid)
        addRow(axis);
    m_problem->clear();
    m_refreshing = false;
}

void StudyPanel::addRow(const GridAxis& axis) {
    auto* row = new Row;
    row->widget = new QWidget;
    auto* v = new QVBoxLayout(row->widget);
    v->setContentsMargins(0, 2, 0, 2);
    auto* top = new QHBoxLayout;
    row->key = new QComboBox;
    row->key->setEditable(true);
    row->key->addItems(gridKeys(m_document->experiment()));
    row->key->setCurrentText(QString::fromStdString(axis.key));
    row->key->setToolTip(tr("A path into every run that has this parameter (optimizer.lr, "
                            "schedule.decay_rate, optimizer.betas[1]) or into the problem "
                            "(problem.start[0], problem.batch_size)"));
    row->key->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    row->key->setMinimumContentsLength(14);
    row->mode = new QComboBox;
    row->mode->addItems({tr("values"), tr("range"), tr("log range")});
    auto* remove = new QToolButton;
    remove->setText(QStringLiteral("✕"));
    remove->setToolTip(tr("Remove this grid key"));
    top->addWidget(row->key, 1);
    top->addWidget(row->mode);
    top->addWidget(remove);
    v->addLayout(top);
    row->stack = new QStackedWidget;
    row->values = new QLineEdit(valuesText(axis));
    row->values->setObjectName(QStringLiteral("studyValues"));
    row->values->setToolTip(tr("Comma-separated: 0.001, 0.0001 · true, false · [16], [32, 32]"));
    row->stack->addWidget(row->values);
    auto* range = new QWidget;
    auto* h = new QHBoxLayout(range);
    h->setContentsMargins(0, 0, 0, 0);
    row->from = new QLineEdit;
    row->to = new QLineEdit;
    row->num = new QSpinBox;
    row->num->setRange(1, 10000);
    row->num->setKeyboardTracking(false);
    h->addWidget(new QLabel(tr("from")));
    h->addWidget(row->from, 1);
    h->addWidget(new QLabel(tr("to")));
    h->addWidget(row->to, 1);
    h->addWidget(row->num);
    row->num->setSuffix(tr(" values"));
    row->stack->addWidget(range);
    v->addWidget(row->stack);
    if (axis.range) {
        row->mode->setCurrentIndex(axis.range->log ? 2 : 1);
        row->from->setText(number(axis.range->from));
        row->to->setText(number(axis.range->to));
        row->num->setValue(axis.range->num);
        row->stack->setCurrentIndex(1);
    } else {
        row->from->setText(axis.numeric() ? number(std::get<double>(axis.values.front())) : "");
        row->to->setText(axis.numeric() ? number(std::get<double>(axis.values.back())) : "");
        row->num->setValue(int(std::max<std::size_t>(2, axis.values.size())));
    }
    m_rowsLayout->addWidget(row->widget);
    m_rows.push_back(row);

    connect(row->key, &QComboBox::currentTextChanged, this, &StudyPanel::commit);
    connect(row->mode, &QComboBox::currentIndexChanged, this, [this, row](int mode) {
        row->stack->setCurrentIndex(mode == 0 ? 0 : 1);
        commit();
    });
    for (QLineEdit* e : {row->values, row->from, row->to})
        connect(e, &QLineEdit::editingFinished, this, &StudyPanel::commit);
    connect(row->num, &QSpinBox::valueChanged, this, &StudyPanel::commit);
    connect(remove, &QToolButton::clicked, this, [this, row]() {
        m_rows.erase(std::find(m_rows.begin(), m_rows.end(), row));
        row->widget->deleteLater();
        delete row;
        commit();
    });
}

bool StudyPanel::readRow(const Row& row, GridAxis* axis, QString* error) const {
    axis->key = row.key->currentText().trimmed().toStdString();
    axis->range.reset();
    if (row.mode->currentIndex() == 0)
        return parseValues(row.values->text(), &axis->values, error);
    bool okFrom = false, okTo = false;
    GridRange r;
    r.from = row.from->text().toDouble(&okFrom);
    r.to = row.to->text().toDouble(&okTo);
    r.num = row.num->value();
    r.log = row.mode->currentIndex() == 2;
    if (!okFrom || !okTo) {
        *error = tr("from and to must be numbers");
        return false;
    }
    axis->range = r;
    axis->values.clear(); // the reader fills them from the range
    return true;
}

void StudyPanel::commit() {
    if (m_refreshing)
        return;
    StudySpec spec;
    spec.repeats = m_repeats->value();
    spec.metric = m_metric->currentText().toStdString();
    for (const Row* row : m_rows) {
        GridAxis axis;
        QString error;
        if (!readRow(*row, &axis, &error)) {
            m_problem->setText(
                tr("study.grid.%1: %2").arg(QString::fromStdString(axis.key), error));
            return;
        }
        spec.grid.push_back(axis);
    }
    // Check the whole study as a file would be: each value against its field, every cell.
    Experiment candidate = m_document->experiment();
    candidate.study = spec;
    const ExperimentParseResult parsed = parseExperiment(experimentToJson(candidate));
    if (!parsed.ok()) {
        QStringList lines;
        for (const auto& issue : parsed.issues)
            lines << QString::fromStdString(issue.message(""));
        m_problem->setText(lines.join(QLatin1Char('\n')));
        return;
    }
    m_problem->clear();
    m_refreshing = true; // our own edit: the rows are already what the document will hold
    m_document->setStudy(parsed.experiment->study);
    m_refreshing = false;
}

} // namespace optiscope
