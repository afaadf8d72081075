#include "core/functions/custom_function.h"

#include "core/common/params.h"

#include <cmath>

namespace optiscope {

namespace {

bool isIdentifier(const std::string& s) {
    if (s.empty() || s.size() > 32)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!letter && (i == 0 || !(c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

bool reserved(const std::string& s) {
    static const char* names[] = {"x",    "y",     "pi",   "e",    "sin",  "cos",  "tan",
                                  "asin", "acos",  "atan", "sinh", "cosh", "tanh", "exp",
                                  "log",  "log10", "sqrt", "abs",  "sign", "min",  "max"};
    for (const char* n : names)
        if (s == n)
            return true;
    return false;
}

} // namespace

std::string CustomFunction::Error::text() const {
    return column > 0 ? "column " + std::to_string(column) + ": " + reason : reason;
}

std::shared_ptr<const CustomFunction>
CustomFunction::make(const std::string& expression,
                     const std::vector<std::pair<std::string, double>>& params,
                     const PlotBounds& bounds, std::vector<Eigen::Vector2d> minima, Error* error) {
    auto fail = [error](std::string field, int column, std::string reason) {
        if (error)
            *error = {std::move(field), column, std::move(reason)};
        return nullptr;
    };
    if (params.size() > static_cast<std::size_t>(kMaxParams))
        return fail("params", 0,
                    "has " + std::to_string(params.size()) + " constants; at most " +
                        std::to_string(kMaxParams));
    std::vector<std::string> names;
    for (const auto& [name, value] : params) {
        if (!isIdentifier(name))
            return fail("params." + name, 0,
                        "is not a valid name: use letters, digits and _, starting with a letter "
                        "(at most 32 characters)");
        if (reserved(name))
            return fail("params." + name, 0,
                        "shadows the built-in name '" + name +
                            "' (x, y, pi, e and the function names are reserved)");
        for (const auto& n : names)
            if (n == name)
                return fail("params." + name, 0, "is given twice");
        if (!std::isfinite(value))
            return fail("params." + name, 0, "must be a finite number");
        names.push_back(name);
    }
    bool inRange = true;
    for (double v : {bounds.xMin, bounds.xMax, bounds.yMin, bounds.yMax})
        inRange = inRange && std::isfinite(v) && std::abs(v) <= kMaxMagnitude;
    if (!inRange || !(bounds.xMin < bounds.xMax) || !(bounds.yMin < bounds.yMax))
        return fail("bounds", 0,
                    "must be two increasing pairs [[x_min, x_max], [y_min, y_max]] of numbers "
                    "within ±1e12");
    if (minima.size() > static_cast<std::size_t>(kMaxMinima))
        return fail("minima", 0, "has more than " + std::to_string(kMaxMinima) + " points");
    for (const auto& m : minima)
        if (!std::isfinite(m.x()) || !std::isfinite(m.y()))
            return fail("minima", 0, "must hold finite points [x, y]");

    ExpressionError parseError;
    std::optional<Expression> parsed = Expression::parse(expression, names, &parseError);
    if (!parsed)
        return fail("expression", parseError.column, parseError.reason);

    std::shared_ptr<CustomFunction> f(new CustomFunction(std::move(*parsed)));
    f->m_paramNames = names;
    f->m_minima = std::move(minima);
    FunctionInfo& info = f->m_info;
    info.name = "custom";
    info.title = "Custom"; // the map shows the formula beside it
    info.formula = expression;
    for (const auto& [name, value] : params) {
        info.params.push_back(ParamSpec::real(name, value)
                                  .atLeast(-kMaxMagnitude)
                                  .atMost(kMaxMagnitude)
                                  .about("a constant of the typed function"));
    }
    info.bounds = bounds;
    // A start a fifth of the way in from the top-left corner: inside the view, off-centre.
    info.defaultStart = {bounds.xMin + 0.2 * (bounds.xMax - bounds.xMin),
                         bounds.yMax - 0.2 * (bounds.yMax - bounds.yMin)};
    info.bounded = !f->m_minima.empty();
    info.custom = f.get();
    return f;
}

bool CustomFunction::operator==(const CustomFunction& other) const {
    if (m_expression.text() != other.m_expression.text() || m_paramNames != other.m_paramNames ||
        m_minima.size() != other.m_minima.size())
        return false;
    for (std::size_t i = 0; i < m_minima.size(); ++i)
        if (m_minima[i] != other.m_minima[i])
            return false;
    const PlotBounds &a = m_info.bounds, &b = other.m_info.bounds;
    return a.xMin == b.xMin && a.xMax == b.xMax && a.yMin == b.yMin && a.yMax == b.yMax;
}

std::shared_ptr<const CustomFunction> CustomFunction::example() {
    static const std::shared_ptr<const CustomFunction> f =
        make("(a - x)^2 + b*(y - x^2)^2", {{"a", 1.0}, {"b", 100.0}}, {-2.0, 2.0, -1.0, 3.0},
             {{1.0, 1.0}}, nullptr);
    return f;
}

} // namespace optiscope
