#include "ui/app/param_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <cmath>

namespace optiscope {

namespace {

QString fmt(double v) {
    return QString::fromStdString(formatDouble(v));
}

bool parseNumbers(const QString& text, std::vector<double>& out) {
    out.clear();
    QString t = text;
    t.remove('[').remove(']');
    const auto parts = t.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        bool ok = false;
        const double v = p.toDouble(&ok);
        if (!ok)
            return false;
        out.push_back(v);
    }
    return true;
}

} // namespace

ParamForm::ParamForm(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    outer->addLayout(m_form);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #e0443e; font-weight: bold;"));
    m_error->hide();
    outer->addWidget(m_error);
}

QString ParamForm::textOf(const ParamSpec& spec, const ParamValue& value) const {
    if (const auto* d = std::get_if<double>(&value))
        return fmt(*d);
    if (const auto* l = std::get_if<std::vector<double>>(&value)) {
        QStringList parts;
        for (double v : *l)
            parts << fmt(v);
        return parts.join(QStringLiteral(", "));
    }
    if (const auto* s = std::get_if<std::string>(&value))
        return QString::fromStdString(*s);
    Q_UNUSED(spec);
    return {};
}

void ParamForm::setTable(const ParamTable& table, const ParamSet& values) {
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    m_table = table;
    m_values = values;
    m_error->hide();
    for (size_t i = 0; i < m_table.size(); ++i) {
        const ParamSpec& spec = m_table[i];
        const QString tip = QStringLiteral("<b>%1</b> — %2<br>default: %3<br>valid: %4")
                                .arg(QString::fromStdString(spec.name),
                                     QString::fromStdString(spec.help).toHtmlEscaped(),
                                     QString::fromStdString(spec.defaultText()).toHtmlEscaped(),
                                     QString::fromStdString(spec.rangeText()).toHtmlEscaped());
        QWidget* editor = nullptr;
        switch (spec.kind) {
        case ParamKind::Bool: {
            auto* box = new QCheckBox(this);
            connect(box, &QCheckBox::toggled, this, [this, i]() { commit(i); });
            editor = box;
            break;
        }
        case ParamKind::Choice: {
            auto* combo = new QComboBox(this);
            combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
            combo->setMinimumContentsLength(6);
            for (const auto& c : spec.choices)
                combo->addItem(QString::fromStdString(c));
            connect(combo, &QComboBox::activated, this, [this, i]() { commit(i); });
            editor = combo;
            break;
        }
        default: {
            auto* line = new QLineEdit(this);
            line->setMinimumWidth(60);
            if (spec.defaultValue)
                line->setPlaceholderText(
                    QStringLiteral("default %1").arg(textOf(spec, *spec.defaultValue)));
            else if (spec.optional)
                line->setPlaceholderText(QStringLiteral("None"));
            connect(line, &QLineEdit::editingFinished, this, [this, i]() { commit(i); });
            editor = line;
            break;
        }
        }
        editor->setToolTip(tip);
        auto* label = new QLabel(QString::fromStdString(spec.name), this);
        label->setToolTip(tip);
        m_form->addRow(label, editor);
        m_editors.push_back(editor);
    }
    setValues(values);
}

void ParamForm::setValues(const ParamSet& values) {
    m_values = values;
    for (size_t i = 0; i < m_table.size() && i < m_editors.size(); ++i) {
        const ParamSpec& spec = m_table[i];
        QWidget* e = m_editors[i];
        const QSignalBlocker block(e);
        const bool has = values.has(spec.name);
        if (auto* box = qobject_cast<QCheckBox*>(e))
            box->setChecked(has && std::holds_alternative<bool>(values.get(spec.name)) &&
                            std::get<bool>(values.get(spec.name)));
        else if (auto* combo = qobject_cast<QComboBox*>(e))
            combo->setCurrentText(has ? textOf(spec, values.get(spec.name)) : QString());
        else if (auto* line = qobject_cast<QLineEdit*>(e))
            line->setText(has ? textOf(spec, values.get(spec.name)) : QString());
    }
}

void ParamForm::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ParamForm::commit(size_t row) {
    const ParamSpec& spec = m_table[row];
    QWidget* e = m_editors[row];
    const QString name = QString::fromStdString(spec.name);
    ParamValue value;
    if (auto* box = qobject_cast<QCheckBox*>(e)) {
        value = box->isChecked();
    } else if (auto* combo = qobject_cast<QComboBox*>(e)) {
        value = combo->currentText().toStdString();
    } else if (auto* line = qobject_cast<QLineEdit*>(e)) {
        const QString text = line->text().trimmed();
        if (text.isEmpty()) {
            ParamSet next = m_values;
            if (spec.defaultValue) {
                next.set(spec.name, *spec.defaultValue);
            } else if (spec.optional) {
                ParamSet without;
                for (const auto& [k, v] : m_values.values())
                    if (k != spec.name)
                        without.set(k, v);
                next = without;
            } else {
                showError(QStringLiteral("%1: a value is required").arg(name));
                return;
            }
            showError({});
            if (next == m_values) {
                setValues(m_values);
                return;
            }
            m_values = next;
            setValues(m_values);
            emit valuesChanged(m_values);
            return;
        }
        if (spec.kind == ParamKind::Real || spec.kind == ParamKind::Integer) {
            bool ok = false;
            const double v = text.toDouble(&ok);
            if (!ok) {
                showError(QStringLiteral("%1: \"%2\" is not a number").arg(name, text));
                return;
            }
            value = v;
        } else {
            std::vector<double> list;
            if (!parseNumbers(text, list)) {
                showError(QStringLiteral("%1: write numbers separated by commas").arg(name));
                return;
            }
            value = list;
        }
    } else {
        return;
    }
    if (auto why = spec.check(value)) {
        showError(QStringLiteral("%1: %2 — kept %3")
                      .arg(name, QString::fromStdString(*why),
                           m_values.has(spec.name) ? textOf(spec, m_values.get(spec.name))
                                                   : QStringLiteral("None")));
        return;
    }
    showError({});
    if (m_values.has(spec.name) && m_values.get(spec.name) == value)
        return;
    m_values.set(spec.name, value);
    emit valuesChanged(m_values);
}

} // namespace optiscope
