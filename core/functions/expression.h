// A typed 2D function: "(a - x)^2 + b*(y - x^2)^2" parsed by a small recursive-descent parser,
// with exact gradients by forward-mode automatic differentiation (each value carries its two
// partial derivatives through the same operations) and a symbolic derivative for display.
//
// Grammar (whitespace is ignored):
//   expression := term (("+" | "-") term)*
//   term       := unary (("*" | "/") unary)*
//   unary      := ("-" | "+") unary | power
//   power      := primary (("^" | "**") unary)?          right-associative; -x^2 is -(x^2)
//   primary    := number | name | name "(" expression ("," expression)* ")" | "(" expression ")"
// Names: the variables x and y, the constants pi and e, the caller's parameters, and the
// functions sin cos tan asin acos atan sinh cosh tanh exp log log10 sqrt abs (one argument) and
// min max (two). log is the natural logarithm. "−" (U+2212), "·" and "×" are read as - and *.
// Limits: at most kMaxLength characters and kMaxDepth levels of nesting (parentheses, function
// calls, signs and exponents). Errors give a 1-based column in characters (code points).
//
// Derivatives at points where they do not exist (sqrt or abs at 0, log at 0) are what the chain
// rule gives in IEEE arithmetic (inf or NaN; abs' is 0 at 0); a run that meets a non-finite
// value diverges, as on the built-in functions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace optiscope {

struct ExpressionError {
    int column = 1; ///< 1-based, in characters
    std::string reason;
};

class Expression {
public:
    static constexpr int kMaxLength = 4096;
    static constexpr int kMaxDepth = 64;

    /// Parses `text`, in which the names in `params` stand for constants (their values are given
    /// at evaluation, in this order). On failure returns std::nullopt and fills `error`.
    static std::optional<Expression>
    parse(std::string_view text, const std::vector<std::string>& params, ExpressionError* error);

    /// f(x, y) and its exact gradient.
    double evaluate(double x, double y, const double* params, double& gx, double& gy) const;
    /// f(x, y) alone (no derivatives: about three times cheaper).
    [[nodiscard]] double value(double x, double y, const double* params) const;

    /// The symbolic ∂f/∂x (variable 0) or ∂f/∂y (1) in the same syntax, lightly simplified, or ""
    /// when it would be longer than `maxLength` characters.
    [[nodiscard]] std::string derivativeText(int variable, std::size_t maxLength = 2000) const;
    /// The symbolic derivative as an expression of its own (tests compare it with evaluate()), or
    /// std::nullopt for min/max or when its program would exceed `maxInstructions`.
    [[nodiscard]] std::optional<Expression> derivative(int variable,
                                                       std::size_t maxInstructions = 100000) const;
    /// The parsed expression printed back in canonical form (minimal parentheses).
    [[nodiscard]] std::string canonicalText() const;
    [[nodiscard]] const std::string& text() const { return m_text; }

    struct Node;
    enum class Op : unsigned char;
    struct Instr {
        Op op;
        int index = 0;    ///< parameter index
        double value = 0; ///< number
    };

private:
    std::string m_text;
    std::shared_ptr<const Node> m_root;
    std::vector<Instr> m_program; ///< postfix
    int m_stackSize = 0;
};

} // namespace optiscope
