#include "ui/function/custom_function_editor.h"

#include "core/common/params.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTimer>

namespace optiscope {

namespace {

QString fmt(double v) {
    return QString::fromStdString(formatDouble(v));
}

QLabel* errorLabel(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setStyleSheet(QStringLiteral("color: #e0443e; font-weight: bold;"));
    l->hide();
    return l;
}

// "a = 1, b = 100" → {{a, 1}, {b, 100}}; an error names the part that does not read.
bool readConstants(const QString& text, std::vector<std::pair<std::string, double>>& out,
                   QString& error) {
    out.clear();
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const QString p = part.trimmed();
        if (p.isEmpty())
            continue;
        const qsizetype eq = p.indexOf(QLatin1Char('='));
        bool ok = false;
        const double v = eq > 0 ? p.mid(eq + 1).trimmed().toDouble(&ok) : 0.0;
        if (eq <= 0 || !ok) {
            error =
                QObject::tr("constants: write name = value, separated by commas (\"%1\")").arg(p);
            return false;
        }
        out.emplace_back(p.left(eq).trimmed().toStdString(), v);
    }
    return true;
}

// "x1, x2" or "x1 .. x2" → two numbers.
bool readRange(const QString& text, double& lo, double& hi) {
    const QStringList parts =
        text.split(QRegularExpression(QStringLiteral("\\s*(,|\\.\\.|…)\\s*")), Qt::SkipEmptyParts);
    bool ok1 = false, ok2 = false;
    if (parts.size() == 2) {
        lo = parts[0].trimmed().toDouble(&ok1);
        hi = parts[1].trimmed().toDouble(&ok2);
    }
    return ok1 && ok2;
}

// "1, 1; -2.8, 3.1" → points.
bool readPoints(const QString& text, std::vector<Eigen::Vector2d>& out) {
    out.clear();
    for (const QString& part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        if (part.trimmed().isEmpty())
            continue;
        double x = 0, y = 0;
        if (!readRange(part, x, y))
            return false;
        out.emplace_back(x, y);
    }
    return true;
}

} // namespace

CustomFunctionEditor::CustomFunctionEditor(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_expression = new QLineEdit(this);
    m_expression->setObjectName(QStringLiteral("customExpression"));
    m_expression->setPlaceholderText(QStringLiteral("(a - x)^2 + b*(y - x^2)^2"));
    m_expression->setMaxLength(Expression::kMaxLength + 1);
    m_expression->setToolTip(
        tr("f(x, y) with + - * / ^, parentheses, the constants below, pi, e and sin cos tan asin "
           "acos atan sinh cosh tanh exp log log10 sqrt abs min max. Gradients are exact "
           "(automatic differentiation)."));
    form->addRow(tr("f(x, y) ="), m_expression);
    m_expressionError = errorLabel(this);
    m_expressionError->setObjectName(QStringLiteral("customExpressionError"));
    form->addRow(m_expressionError);
    m_params = new QLineEdit(this);
    m_params->setObjectName(QStringLiteral("customParams"));
    m_params->setPlaceholderText(QStringLiteral("a = 1, b = 100"));
    m_params->setToolTip(tr("Named constants and their first values; each becomes a field below"));
    form->addRow(tr("constants"), m_params);
    m_xRange = new QLineEdit(this);
    m_yRange = new QLineEdit(this);
    m_xRange->setObjectName(QStringLiteral("customXRange"));
    m_yRange->setObjectName(QStringLiteral("customYRange"));
    m_xRange->setToolTip(tr("The map's x range: min, max"));
    m_yRange->setToolTip(tr("The map's y range: min, max"));
    form->addRow(tr("x from, to"), m_xRange);
    form->addRow(tr("y from, to"), m_yRange);
    m_minima = new QLineEdit(this);
    m_minima->setObjectName(QStringLiteral("customMinima"));
    m_minima->setPlaceholderText(tr("x, y; x, y (optional)"));
    m_minima->setToolTip(tr("Known minima, marked on the map: x, y separated by ;"));
    form->addRow(tr("minima"), m_minima);
    m_fieldError = errorLabel(this);
    form->addRow(m_fieldError);
    m_derivatives = new QLabel(this);
    m_derivatives->setObjectName(QStringLiteral("customDerivatives"));
    m_derivatives->setWordWrap(true);
    m_derivatives->setTextFormat(Qt::PlainText);
    m_derivatives->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_derivatives);

    // The map redraws as the user types, once typing pauses for a moment.
    m_pause = new QTimer(this);
    m_pause->setSingleShot(true);
    m_pause->setInterval(150);
    connect(m_pause, &QTimer::timeout, this, [this] { check(); });
    for (QLineEdit* e : {m_expression, m_params, m_xRange, m_yRange, m_minima})
        connect(e, &QLineEdit::textEdited, m_pause, qOverload<>(&QTimer::start));
}

void CustomFunctionEditor::setFunction(const std::shared_ptr<const CustomFunction>& function) {
    m_pause->stop();
    m_last = function;
    if (!function)
        return;
    const FunctionInfo& info = function->info();
    m_expression->setText(QString::fromStdString(function->expression().text()));
    QStringList constants;
    for (const auto& spec : info.params)
        constants << QStringLiteral("%1 = %2").arg(QString::fromStdString(spec.name),
                                                   fmt(std::get<double>(*spec.defaultValue)));
    m_params->setText(constants.join(QStringLiteral(", ")));
    m_xRange->setText(fmt(info.bounds.xMin) + QStringLiteral(", ") + fmt(info.bounds.xMax));
    m_yRange->setText(fmt(info.bounds.yMin) + QStringLiteral(", ") + fmt(info.bounds.yMax));
    QStringList minima;
    for (const auto& m : function->minima())
        minima << fmt(m.x()) + QStringLiteral(", ") + fmt(m.y());
    m_minima->setText(minima.join(QStringLiteral("; ")));
    m_expressionError->hide();
    m_fieldError->hide();
    showDerivatives(*function);
}

QString CustomFunctionEditor::errorText() const {
    QStringList parts;
    if (!m_expressionError->isHidden())
        parts << m_expressionError->text();
    if (!m_fieldError->isHidden())
        parts << m_fieldError->text();
    return parts.join(QLatin1Char('\n'));
}

bool CustomFunctionEditor::check() {
    m_pause->stop();
    QString fieldError;
    std::vector<std::pair<std::string, double>> constants;
    PlotBounds bounds{};
    std::vector<Eigen::Vector2d> minima;
    if (!readConstants(m_params->text(), constants, fieldError)) {
        // fieldError set
    } else if (!readRange(m_xRange->text(), bounds.xMin, bounds.xMax) ||
               !readRange(m_yRange->text(), bounds.yMin, bounds.yMax)) {
        fieldError = tr("bounds: write each range as two numbers, min, max");
    } else if (!readPoints(m_minima->text(), minima)) {
        fieldError = tr("minima: write points as x, y separated by ;");
    }
    CustomFunction::Error why;
    std::shared_ptr<const CustomFunction> f;
    if (fieldError.isEmpty()) {
        f = CustomFunction::make(m_expression->text().toStdString(), constants, bounds, minima,
                                 &why);
        if (!f && why.field != "expression")
            fieldError = QString::fromStdString(why.field + ": " + why.text());
    }
    // The expression's own error goes under the expression, with its column and a caret.
    if (!f && fieldError.isEmpty()) {
        m_expressionError->setText(
            tr("problem.expression: %1").arg(QString::fromStdString(why.text())));
        m_expressionError->show();
        m_expression->setCursorPosition(std::max(0, why.column - 1));
    } else {
        m_expressionError->hide();
    }
    m_fieldError->setText(fieldError);
    m_fieldError->setVisible(!fieldError.isEmpty());
    if (!f)
        return false;
    showDerivatives(*f);
    if (!m_last || !(*f == *m_last) || f->info().params.size() != m_last->info().params.size() ||
        [&] {
            for (size_t i = 0; i < f->info().params.size(); ++i)
                if (f->info().params[i].defaultValue != m_last->info().params[i].defaultValue)
                    return true;
            return false;
        }()) {
        m_last = f;
        emit functionEdited(f);
    }
    return true;
}

void CustomFunctionEditor::showDerivatives(const CustomFunction& f) {
    const std::string dx = f.expression().derivativeText(0, 400);
    const std::string dy = f.expression().derivativeText(1, 400);
    if (dx.empty() || dy.empty()) {
        m_derivatives->setText(
            tr("∂f/∂x, ∂f/∂y: not shown (piecewise min/max, or too long); the gradient is "
               "still exact"));
        return;
    }
    m_derivatives->setText(QStringLiteral("∂f/∂x = %1\n∂f/∂y = %2")
                               .arg(QString::fromStdString(dx), QString::fromStdString(dy)));
}

} // namespace optiscope
