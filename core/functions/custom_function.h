// A function the user types (problem "function": "custom", SPEC departure documented in the
// README): an Expression of x and y with named constants, plot bounds and the known minima.
// Immutable once made and shared (the experiment, the runs and the map hold the same one), so a
// run never sees an expression change under it.
#pragma once

#include "core/functions/expression.h"
#include "core/functions/test_function.h"

#include <Eigen/Core>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace optiscope {

class CustomFunction : public std::enable_shared_from_this<CustomFunction> {
public:
    static constexpr int kMaxParams = 32;
    static constexpr int kMaxMinima = 100;

    struct Error {
        std::string field; ///< "expression", "params.<name>", "bounds" or "minima"
        int column = 0;    ///< expression: 1-based column; 0 elsewhere
        std::string reason;
        /// "column 7: unknown name 'z'; ..." (expression) or the reason alone.
        [[nodiscard]] std::string text() const;
    };

    /// Validates and compiles. `params` are the constants' names and values (names must be
    /// identifiers other than x, y, pi, e and the function names); `bounds` must be increasing
    /// and finite. Returns null and fills `error` (the first problem found) when invalid.
    static std::shared_ptr<const CustomFunction>
    make(const std::string& expression, const std::vector<std::pair<std::string, double>>& params,
         const PlotBounds& bounds, std::vector<Eigen::Vector2d> minima, Error* error);

    [[nodiscard]] const FunctionInfo& info() const { return m_info; }
    [[nodiscard]] const Expression& expression() const { return m_expression; }
    [[nodiscard]] const std::vector<std::string>& paramNames() const { return m_paramNames; }
    [[nodiscard]] const std::vector<Eigen::Vector2d>& minima() const { return m_minima; }

    /// Same expression text, constant names, bounds and minima. (The constants' values live in
    /// FunctionProblem::params, like a built-in's; the values given at make() are the defaults.)
    bool operator==(const CustomFunction& other) const;

    /// The default custom function the app's editor starts from (Rosenbrock, typed).
    static std::shared_ptr<const CustomFunction> example();

private:
    CustomFunction(Expression expression) : m_expression(std::move(expression)) {}
    Expression m_expression;
    FunctionInfo m_info;
    std::vector<std::string> m_paramNames;
    std::vector<Eigen::Vector2d> m_minima;
};

/// A shared CustomFunction compared by content (so that FunctionProblem keeps `= default` ==).
struct CustomFunctionRef {
    std::shared_ptr<const CustomFunction> function;
    explicit operator bool() const { return function != nullptr; }
    const CustomFunction* operator->() const { return function.get(); }
    const CustomFunction& operator*() const { return *function; }
    bool operator==(const CustomFunctionRef& other) const {
        if (!function || !other.function)
            return function == other.function;
        return *function == *other.function;
    }
};

} // namespace optiscope
