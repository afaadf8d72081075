// The file's rooms, in order: the tree (Node) and the nodes' builders, which simplify just enough
// for a readable derivative; the symbolic derivative of a tree; printing a tree back to text;
// lexing and the recursive-descent parser (UTF-8, columns, depth limit); compiling a tree to the
// postfix program the hot path runs; then the public Expression: parse(), value() (the map),
// evaluate() (value and exact gradient on dual numbers, the runs' path), and the derivative texts.
#include "core/functions/expression.h"

#include "core/common/params.h"

#include <charconv>
#include <cmath>
#include <numbers>
#include <utility>

namespace optiscope {

enum class Expression::Op : unsigned char {
    Number,
    X,
    Y,
    Param,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow, // in the tree; compiled to Square, PowConst (exponent without x, y) or PowVar
    Square,
    PowConst,
    PowVar,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Log,
    Log10,
    Sqrt,
    Abs,
    Sign,
    Min,
    Max,
};

using Op = Expression::Op;

struct Expression::Node {
    Op op = Op::Number;
    double number = 0.0;
    int index = 0;    ///< Param: its index
    std::string name; ///< Param, and the named constants pi and e (printed by name)
    std::shared_ptr<const Node> a, b;
    bool varies = false; ///< depends on x or y
};

namespace {

using NodePtr = std::shared_ptr<const Expression::Node>;

struct FunctionName {
    const char* name;
    Op op;
    int arity;
};

constexpr FunctionName kFunctions[] = {
    {"sin", Op::Sin, 1},   {"cos", Op::Cos, 1},   {"tan", Op::Tan, 1},   {"asin", Op::Asin, 1},
    {"acos", Op::Acos, 1}, {"atan", Op::Atan, 1}, {"sinh", Op::Sinh, 1}, {"cosh", Op::Cosh, 1},
    {"tanh", Op::Tanh, 1}, {"exp", Op::Exp, 1},   {"log", Op::Log, 1},   {"log10", Op::Log10, 1},
    {"sqrt", Op::Sqrt, 1}, {"abs", Op::Abs, 1},   {"sign", Op::Sign, 1}, {"min", Op::Min, 2},
    {"max", Op::Max, 2},
};

const FunctionName* findFunctionName(std::string_view name) {
    for (const auto& f : kFunctions)
        if (name == f.name)
            return &f;
    return nullptr;
}

const char* functionName(Op op) {
    for (const auto& f : kFunctions)
        if (f.op == op)
            return f.name;
    return "?";
}

// --- building nodes, with the light simplification the symbolic derivative needs ---

NodePtr leaf(Op op, double number = 0.0, int index = 0, std::string name = {}) {
    auto n = std::make_shared<Expression::Node>();
    n->op = op;
    n->number = number;
    n->index = index;
    n->name = std::move(name);
    n->varies = op == Op::X || op == Op::Y;
    return n;
}

NodePtr num(double v) {
    return leaf(Op::Number, v);
}

NodePtr node(Op op, NodePtr a, NodePtr b = nullptr) {
    auto n = std::make_shared<Expression::Node>();
    n->op = op;
    n->varies = (a && a->varies) || (b && b->varies);
    n->a = std::move(a);
    n->b = std::move(b);
    return n;
}

bool isNumber(const NodePtr& n, double v) {
    return n->op == Op::Number && n->name.empty() && n->number == v;
}
bool isPlainNumber(const NodePtr& n) {
    return n->op == Op::Number && n->name.empty();
}

NodePtr neg(NodePtr a) {
    if (isPlainNumber(a))
        return num(-a->number);
    if (a->op == Op::Neg)
        return a->a;
    return node(Op::Neg, std::move(a));
}

NodePtr add(NodePtr a, NodePtr b) {
    if (isNumber(a, 0))
        return b;
    if (isNumber(b, 0))
        return a;
    if (isPlainNumber(a) && isPlainNumber(b))
        return num(a->number + b->number);
    if (b->op == Op::Neg)
        return node(Op::Sub, std::move(a), b->a);
    return node(Op::Add, std::move(a), std::move(b));
}

NodePtr sub(NodePtr a, NodePtr b) {
    if (isNumber(b, 0))
        return a;
    if (isNumber(a, 0))
        return neg(std::move(b));
    if (isPlainNumber(a) && isPlainNumber(b))
        return num(a->number - b->number);
    if (b->op == Op::Neg)
        return node(Op::Add, std::move(a), b->a);
    return node(Op::Sub, std::move(a), std::move(b));
}

NodePtr mul(NodePtr a, NodePtr b) {
    if (isNumber(a, 0) || isNumber(b, 0))
        return num(0);
    if (isNumber(a, 1))
        return b;
    if (isNumber(b, 1))
        return a;
    if (isNumber(a, -1))
        return neg(std::move(b));
    if (isNumber(b, -1))
        return neg(std::move(a));
    if (isPlainNumber(a) && isPlainNumber(b))
        return num(a->number * b->number);
    if (a->op == Op::Neg)
        return neg(mul(a->a, std::move(b)));
    if (b->op == Op::Neg)
        return neg(mul(std::move(a), b->a));
    if (isPlainNumber(b) && !isPlainNumber(a))
        return node(Op::Mul, std::move(b), std::move(a)); // numbers first: 2*x, not x*2
    return node(Op::Mul, std::move(a), std::move(b));
}

NodePtr div(NodePtr a, NodePtr b) {
    if (isNumber(a, 0))
        return num(0);
    if (isNumber(b, 1))
        return a;
    if (a->op == Op::Neg)
        return neg(div(a->a, std::move(b)));
    return node(Op::Div, std::move(a), std::move(b));
}

NodePtr pow(NodePtr a, NodePtr b) {
    if (isNumber(b, 1))
        return a;
    if (isNumber(b, 0))
        return num(1);
    return node(Op::Pow, std::move(a), std::move(b));
}

NodePtr call(Op op, NodePtr a) {
    return node(op, std::move(a));
}

// --- symbolic derivative ---

NodePtr derive(const NodePtr& n, int var, bool& ok) {
    if (!n->varies)
        return num(0);
    const NodePtr& a = n->a;
    const NodePtr& b = n->b;
    switch (n->op) {
    case Op::X:
        return num(var == 0 ? 1 : 0);
    case Op::Y:
        return num(var == 1 ? 1 : 0);
    case Op::Neg:
        return neg(derive(a, var, ok));
    case Op::Add:
        return add(derive(a, var, ok), derive(b, var, ok));
    case Op::Sub:
        return sub(derive(a, var, ok), derive(b, var, ok));
    case Op::Mul:
        return add(mul(derive(a, var, ok), b), mul(a, derive(b, var, ok)));
    case Op::Div: {
        NodePtr da = derive(a, var, ok), db = derive(b, var, ok);
        if (isNumber(db, 0))
            return div(da, b);
        return sub(div(da, b), div(mul(a, db), pow(b, num(2))));
    }
    case Op::Pow: {
        NodePtr da = derive(a, var, ok);
        if (!b->varies) {
            NodePtr e = isPlainNumber(b) ? num(b->number - 1) : sub(b, num(1));
            return mul(mul(b, pow(a, e)), da);
        }
        NodePtr db = derive(b, var, ok);
        return mul(n, add(mul(db, call(Op::Log, a)), div(mul(b, da), a)));
    }
    case Op::Sin:
        return mul(call(Op::Cos, a), derive(a, var, ok));
    case Op::Cos:
        return neg(mul(call(Op::Sin, a), derive(a, var, ok)));
    case Op::Tan:
        return div(derive(a, var, ok), pow(call(Op::Cos, a), num(2)));
    case Op::Asin:
        return div(derive(a, var, ok), call(Op::Sqrt, sub(num(1), pow(a, num(2)))));
    case Op::Acos:
        return neg(div(derive(a, var, ok), call(Op::Sqrt, sub(num(1), pow(a, num(2))))));
    case Op::Atan:
        return div(derive(a, var, ok), add(num(1), pow(a, num(2))));
    case Op::Sinh:
        return mul(call(Op::Cosh, a), derive(a, var, ok));
    case Op::Cosh:
        return mul(call(Op::Sinh, a), derive(a, var, ok));
    case Op::Tanh:
        return mul(sub(num(1), pow(n, num(2))), derive(a, var, ok));
    case Op::Exp:
        return mul(n, derive(a, var, ok));
    case Op::Log:
        return div(derive(a, var, ok), a);
    case Op::Log10:
        return div(derive(a, var, ok), mul(call(Op::Log, num(10)), a));
    case Op::Sqrt:
        return div(derive(a, var, ok), mul(num(2), n));
    case Op::Abs:
        return mul(call(Op::Sign, a), derive(a, var, ok));
    case Op::Sign:
        return num(0);
    default: // min, max: piecewise, not expressible in this syntax
        ok = false;
        return num(0);
    }
}

// --- printing ---

int precedence(const NodePtr& n) {
    switch (n->op) {
    case Op::Add:
    case Op::Sub:
        return 1;
    case Op::Mul:
    case Op::Div:
        return 2;
    case Op::Neg:
        return 3;
    case Op::Pow:
        return 4;
    case Op::Number:
        return n->name.empty() && std::signbit(n->number) ? 3 : 5;
    default:
        return 5;
    }
}

class Printer {
public:
    explicit Printer(std::size_t budget) : m_budget(budget) {}
    bool print(const NodePtr& n) {
        visit(n);
        return m_out.size() <= m_budget;
    }
    std::string text() { return std::move(m_out); }

private:
    void put(std::string_view s) {
        if (m_out.size() <= m_budget)
            m_out += s;
    }
    void operand(const NodePtr& n, bool parens) {
        if (parens)
            put("(");
        visit(n);
        if (parens)
            put(")");
    }
    void visit(const NodePtr& n) {
        if (m_out.size() > m_budget)
            return;
        const int p = precedence(n);
        switch (n->op) {
        case Op::Number:
            put(n->name.empty() ? formatDouble(n->number) : n->name);
            return;
        case Op::X:
            put("x");
            return;
        case Op::Y:
            put("y");
            return;
        case Op::Param:
            put(n->name);
            return;
        case Op::Neg: // -(a*b) and (-a)*b are the same number: only sums need parentheses
            put("-");
            operand(n->a, precedence(n->a) < 2 || n->a->op == Op::Neg || (precedence(n->a) == 3));
            return;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Div: {
            operand(n->a, precedence(n->a) < p);
            put(n->op == Op::Add ? " + " : n->op == Op::Sub ? " - " : n->op == Op::Mul ? "*" : "/");
            // a + (b + c) and a*(b*c) print without parentheses (the same up to rounding).
            const bool associative = (n->op == Op::Add && n->b->op == Op::Add) ||
                                     (n->op == Op::Mul && n->b->op == Op::Mul);
            operand(n->b, precedence(n->b) <= p && !associative);
            return;
        }
        case Op::Pow:
            operand(n->a, precedence(n->a) <= 4);
            put("^");
            operand(n->b, precedence(n->b) < 3 || n->b->op == Op::Neg);
            return;
        default:
            put(functionName(n->op));
            put("(");
            visit(n->a);
            if (n->b) {
                put(", ");
                visit(n->b);
            }
            put(")");
            return;
        }
    }
    std::size_t m_budget;
    std::string m_out;
};

// --- lexing and parsing ---

struct Token {
    enum Kind { Number, Name, Symbol, End } kind = End;
    double number = 0.0;
    std::string text; ///< Name: the name; Symbol: one of + - * / ^ ( ) ,
    int column = 1;
};

struct Failure {
    int column;
    std::string reason;
};

// Decodes UTF-8 into code points; a malformed sequence is an error at its column.
std::vector<char32_t> decode(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + static_cast<std::size_t>(len) > s.size())
            throw Failure{static_cast<int>(out.size()) + 1, "is not valid UTF-8 text"};
        char32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (int k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc >> 6) != 2)
                throw Failure{static_cast<int>(out.size()) + 1, "is not valid UTF-8 text"};
            cp = (cp << 6) | (cc & 0x3f);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

bool isDigit(char32_t c) {
    return c >= '0' && c <= '9';
}
bool isNameStart(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char32_t c) {
    return isNameStart(c) || isDigit(c);
}

std::string quoted(char32_t c) {
    std::string s;
    if (c < 0x80) {
        s += static_cast<char>(c);
    } else if (c < 0x800) {
        s += static_cast<char>(0xc0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        s += static_cast<char>(0xe0 | (c >> 12));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        s += static_cast<char>(0xf0 | (c >> 18));
        s += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        s += static_cast<char>(0x80 | (c & 0x3f));
    }
    return "'" + s + "'";
}

std::vector<Token> lex(const std::vector<char32_t>& cs) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < cs.size()) {
        const char32_t c = cs[i];
        const int column = static_cast<int>(i) + 1;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            ++i;
        } else if (isDigit(c) || (c == '.' && i + 1 < cs.size() && isDigit(cs[i + 1]))) {
            std::string digits;
            auto take = [&] {
                while (i < cs.size() && isDigit(cs[i]))
                    digits += static_cast<char>(cs[i++]);
            };
            take();
            if (i < cs.size() && cs[i] == '.') {
                digits += '.';
                ++i;
                take();
            }
            if (i < cs.size() && (cs[i] == 'e' || cs[i] == 'E') && i + 1 < cs.size() &&
                (isDigit(cs[i + 1]) || ((cs[i + 1] == '+' || cs[i + 1] == '-') &&
                                        i + 2 < cs.size() && isDigit(cs[i + 2])))) {
                digits += 'e';
                ++i;
                if (cs[i] == '+' || cs[i] == '-')
                    digits += static_cast<char>(cs[i++]);
                take();
            }
            Token t{Token::Number, 0.0, digits, column};
            const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), t.number);
            if (r.ec != std::errc() || !std::isfinite(t.number))
                throw Failure{column, "the number " + digits + " is out of range"};
            out.push_back(std::move(t));
        } else if (isNameStart(c)) {
            std::string name;
            while (i < cs.size() && isNameChar(cs[i]))
                name += static_cast<char>(cs[i++]);
            out.push_back({Token::Name, 0.0, std::move(name), column});
        } else if (c == '*' && i + 1 < cs.size() && cs[i + 1] == '*') {
            out.push_back({Token::Symbol, 0.0, "^", column});
            i += 2;
        } else if (c == U'\u2212') { // − minus sign
            out.push_back({Token::Symbol, 0.0, "-", column});
            ++i;
        } else if (c == U'\u00b7' || c == U'\u00d7' || c == U'\u22c5') { // · × ⋅
            out.push_back({Token::Symbol, 0.0, "*", column});
            ++i;
        } else if (c < 0x80 && std::string_view("+-*/^(),").find(static_cast<char>(c)) !=
                                   std::string_view::npos) {
            out.push_back({Token::Symbol, 0.0, std::string(1, static_cast<char>(c)), column});
            ++i;
        } else if (c == U'\u00b2' || c == U'\u00b3') {
            throw Failure{column, "unexpected character " + quoted(c) + "; write a power as ^" +
                                      (c == U'\u00b2' ? "2" : "3")};
        } else if (c == U'\u03c0') {
            throw Failure{column, "unexpected character " + quoted(c) + "; write pi"};
        } else {
            throw Failure{column, "unexpected character " + quoted(c)};
        }
    }
    out.push_back({Token::End, 0.0, {}, static_cast<int>(cs.size()) + 1});
    return out;
}

class Parser {
public:
    Parser(std::vector<Token> tokens, const std::vector<std::string>& params)
        : m_tokens(std::move(tokens)), m_params(params) {}

    NodePtr parse() {
        NodePtr n = expression();
        const Token& t = peek();
        if (t.kind != Token::End) {
            if (t.kind == Token::Symbol && t.text == ")")
                throw Failure{t.column, "unexpected ')' without a matching '('"};
            if (t.kind == Token::Symbol && t.text == ",")
                throw Failure{t.column, "unexpected ','; only min and max take two arguments"};
            throw Failure{t.column, "expected an operator before " + describe(t) +
                                        " (write 2*x, not 2x or 2 x)"};
        }
        return n;
    }

private:
    const Token& peek() const { return m_tokens[m_pos]; }
    bool symbol(const char* s) const { return peek().kind == Token::Symbol && peek().text == s; }
    static std::string describe(const Token& t) {
        switch (t.kind) {
        case Token::Number:
        case Token::Name:
        case Token::Symbol:
            return "'" + t.text + "'";
        default:
            return "the end";
        }
    }

    NodePtr expression() {
        NodePtr n = term();
        while (symbol("+") || symbol("-")) {
            const bool plus = peek().text == "+";
            ++m_pos;
            NodePtr r = term();
            n = node(plus ? Op::Add : Op::Sub, std::move(n), std::move(r));
        }
        return n;
    }

    NodePtr term() {
        NodePtr n = unary();
        while (symbol("*") || symbol("/")) {
            const bool times = peek().text == "*";
            ++m_pos;
            NodePtr r = unary();
            n = node(times ? Op::Mul : Op::Div, std::move(n), std::move(r));
        }
        return n;
    }

    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) {
            if (++parser.m_depth > Expression::kMaxDepth + 1)
                throw Failure{parser.peek().column,
                              "nests deeper than " + std::to_string(Expression::kMaxDepth) +
                                  " levels (parentheses, function calls, signs and powers)"};
        }
        ~DepthGuard() { --parser.m_depth; }
        Parser& parser;
    };

    NodePtr unary() {
        DepthGuard guard(*this);
        if (symbol("-") || symbol("+")) {
            const bool minus = peek().text == "-";
            ++m_pos;
            NodePtr n = unary();
            return minus ? node(Op::Neg, std::move(n)) : n;
        }
        NodePtr base = primary();
        if (symbol("^")) {
            ++m_pos;
            NodePtr exponent = unary();
            return node(Op::Pow, std::move(base), std::move(exponent));
        }
        return base;
    }

    NodePtr primary() {
        const Token t = peek();
        if (t.kind == Token::Number) {
            ++m_pos;
            return num(t.number);
        }
        if (t.kind == Token::Symbol && t.text == "(") {
            ++m_pos;
            NodePtr n = expression();
            if (!symbol(")"))
                throw Failure{peek().column, "expected ')' to close the '(' at column " +
                                                 std::to_string(t.column) + ", found " +
                                                 describe(peek())};
            ++m_pos;
            return n;
        }
        if (t.kind == Token::Name) {
            ++m_pos;
            const bool called = symbol("(");
            if (const FunctionName* f = findFunctionName(t.text)) {
                if (!called)
                    throw Failure{t.column, t.text + " is a function: write " + t.text + "(" +
                                                (f->arity == 2 ? "a, b" : "...") + ")"};
                ++m_pos;
                NodePtr a = expression();
                NodePtr b;
                if (f->arity == 2) {
                    if (!symbol(","))
                        throw Failure{peek().column,
                                      t.text + " takes two arguments: " + t.text + "(a, b)"};
                    ++m_pos;
                    b = expression();
                }
                if (symbol(","))
                    throw Failure{peek().column, t.text + " takes one argument"};
                if (!symbol(")"))
                    throw Failure{peek().column, "expected ')' to close " + t.text +
                                                     "( at column " + std::to_string(t.column) +
                                                     ", found " + describe(peek())};
                ++m_pos;
                return node(f->op, std::move(a), std::move(b));
            }
            if (called)
                throw Failure{t.column, "unknown function '" + t.text + "'; the functions are " +
                                            functionList() + " (write a*(...) to multiply)"};
            return name(t);
        }
        if (t.kind == Token::End)
            throw Failure{t.column, m_pos == 0 ? std::string("is empty; type a function of x and "
                                                             "y, e.g. x^2 + 10*y^2")
                                               : std::string("ends too early: expected a number, "
                                                             "a name or '('")};
        throw Failure{t.column, "expected a number, a name or '(', found " + describe(t)};
    }

    NodePtr name(const Token& t) {
        if (t.text == "x")
            return leaf(Op::X);
        if (t.text == "y")
            return leaf(Op::Y);
        if (t.text == "pi")
            return leaf(Op::Number, std::numbers::pi, 0, "pi");
        if (t.text == "e")
            return leaf(Op::Number, std::numbers::e, 0, "e");
        for (std::size_t i = 0; i < m_params.size(); ++i)
            if (m_params[i] == t.text)
                return leaf(Op::Param, 0.0, static_cast<int>(i), t.text);
        std::string known = "x, y, pi, e";
        for (const auto& p : m_params)
            known += ", " + p;
        throw Failure{t.column, "unknown name '" + t.text + "'; the names are " + known +
                                    " (add a constant to the params)"};
    }

    static std::string functionList() {
        std::string s;
        for (const auto& f : kFunctions)
            s += (s.empty() ? "" : " ") + std::string(f.name);
        return s;
    }

    std::vector<Token> m_tokens;
    const std::vector<std::string>& m_params;
    std::size_t m_pos = 0;
    int m_depth = 0;
};

// --- compiling to postfix ---

void compile(const NodePtr& n, std::vector<Expression::Instr>& out, std::size_t limit) {
    if (out.size() > limit)
        return;
    switch (n->op) {
    case Op::Number:
        out.push_back({Op::Number, 0, n->number});
        return;
    case Op::Param:
        out.push_back({Op::Param, n->index, 0.0});
        return;
    case Op::X:
    case Op::Y:
        out.push_back({n->op, 0, 0.0});
        return;
    case Op::Pow:
        compile(n->a, out, limit);
        if (isNumber(n->b, 2)) {
            out.push_back({Op::Square, 0, 0.0});
            return;
        }
        compile(n->b, out, limit);
        out.push_back({n->b->varies ? Op::PowVar : Op::PowConst, 0, 0.0});
        return;
    default:
        compile(n->a, out, limit);
        if (n->b)
            compile(n->b, out, limit);
        out.push_back({n->op, 0, 0.0});
    }
}

int stackNeed(const std::vector<Expression::Instr>& program) {
    int depth = 0, most = 0;
    for (const auto& in : program) {
        switch (in.op) {
        case Op::Number:
        case Op::Param:
        case Op::X:
        case Op::Y:
            ++depth;
            break;
        case Op::Add:
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::PowConst:
        case Op::PowVar:
        case Op::Min:
        case Op::Max:
            --depth;
            break;
        default:
            break;
        }
        most = std::max(most, depth);
    }
    return most;
}

struct Dual {
    double v, dx, dy;
};

double signOf(double v) {
    return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;
}

} // namespace

std::optional<Expression> Expression::parse(std::string_view text,
                                            const std::vector<std::string>& params,
                                            ExpressionError* error) {
    try {
        if (text.size() > 4 * static_cast<std::size_t>(kMaxLength))
            throw Failure{kMaxLength + 1,
                          "is longer than " + std::to_string(kMaxLength) + " characters"};
        const std::vector<char32_t> chars = decode(text);
        if (chars.size() > static_cast<std::size_t>(kMaxLength))
            throw Failure{kMaxLength + 1, "is longer than " + std::to_string(kMaxLength) +
                                              " characters (" + std::to_string(chars.size()) + ")"};
        Parser parser(lex(chars), params);
        Expression e;
        e.m_text = std::string(text);
        e.m_root = parser.parse();
        compile(e.m_root, e.m_program, static_cast<std::size_t>(-1));
        e.m_stackSize = stackNeed(e.m_program);
        return e;
    } catch (const Failure& f) {
        if (error)
            *error = {f.column, f.reason};
        return std::nullopt;
    }
}

double Expression::value(double x, double y, const double* params) const {
    constexpr int kLocal = 64;
    double local[kLocal];
    local[0] = 0.0;
    std::vector<double> heap;
    double* s = local;
    if (m_stackSize > kLocal) {
        heap.resize(static_cast<std::size_t>(m_stackSize));
        s = heap.data();
    }
    int top = -1; // s[top] is the top of the stack
    for (const Instr& in : m_program) {
        switch (in.op) {
        case Op::Number:
            s[++top] = in.value;
            break;
        case Op::Param:
            s[++top] = params[in.index];
            break;
        case Op::X:
            s[++top] = x;
            break;
        case Op::Y:
            s[++top] = y;
            break;
        case Op::Neg:
            s[top] = -s[top];
            break;
        case Op::Add:
            --top;
            s[top] += s[top + 1];
            break;
        case Op::Sub:
            --top;
            s[top] -= s[top + 1];
            break;
        case Op::Mul:
            --top;
            s[top] *= s[top + 1];
            break;
        case Op::Div:
            --top;
            s[top] /= s[top + 1];
            break;
        case Op::Square:
            s[top] *= s[top];
            break;
        case Op::PowConst:
        case Op::PowVar:
            --top;
            s[top] = std::pow(s[top], s[top + 1]);
            break;
        case Op::Min:
            --top;
            s[top] = std::min(s[top], s[top + 1]);
            break;
        case Op::Max:
            --top;
            s[top] = std::max(s[top], s[top + 1]);
            break;
        case Op::Sin:
            s[top] = std::sin(s[top]);
            break;
        case Op::Cos:
            s[top] = std::cos(s[top]);
            break;
        case Op::Tan:
            s[top] = std::tan(s[top]);
            break;
        case Op::Asin:
            s[top] = std::asin(s[top]);
            break;
        case Op::Acos:
            s[top] = std::acos(s[top]);
            break;
        case Op::Atan:
            s[top] = std::atan(s[top]);
            break;
        case Op::Sinh:
            s[top] = std::sinh(s[top]);
            break;
        case Op::Cosh:
            s[top] = std::cosh(s[top]);
            break;
        case Op::Tanh:
            s[top] = std::tanh(s[top]);
            break;
        case Op::Exp:
            s[top] = std::exp(s[top]);
            break;
        case Op::Log:
            s[top] = std::log(s[top]);
            break;
        case Op::Log10:
            s[top] = std::log10(s[top]);
            break;
        case Op::Sqrt:
            s[top] = std::sqrt(s[top]);
            break;
        case Op::Abs:
            s[top] = std::abs(s[top]);
            break;
        case Op::Sign:
            s[top] = signOf(s[top]);
            break;
        case Op::Pow:
            break; // never in a program
        }
    }
    return s[0];
}

double Expression::evaluate(double x, double y, const double* params, double& gx,
                            double& gy) const {
    constexpr int kLocal = 64;
    Dual local[kLocal];
    local[0] = {0.0, 0.0, 0.0};
    std::vector<Dual> heap;
    Dual* s = local;
    if (m_stackSize > kLocal) {
        heap.resize(static_cast<std::size_t>(m_stackSize));
        s = heap.data();
    }
    int top = -1;
    // Unary function: value f, derivative factor f' (the chain rule's du multiplier).
    auto chain = [&](double f, double fp) {
        Dual& u = s[top];
        u.dx *= fp;
        u.dy *= fp;
        u.v = f;
    };
    for (const Instr& in : m_program) {
        switch (in.op) {
        case Op::Number:
            s[++top] = {in.value, 0.0, 0.0};
            break;
        case Op::Param:
            s[++top] = {params[in.index], 0.0, 0.0};
            break;
        case Op::X:
            s[++top] = {x, 1.0, 0.0};
            break;
        case Op::Y:
            s[++top] = {y, 0.0, 1.0};
            break;
        case Op::Neg:
            s[top] = {-s[top].v, -s[top].dx, -s[top].dy};
            break;
        case Op::Add: {
            const Dual b = s[top--];
            Dual& a = s[top];
            a = {a.v + b.v, a.dx + b.dx, a.dy + b.dy};
            break;
        }
        case Op::Sub: {
            const Dual b = s[top--];
            Dual& a = s[top];
            a = {a.v - b.v, a.dx - b.dx, a.dy - b.dy};
            break;
        }
        case Op::Mul: {
            const Dual b = s[top--];
            Dual& a = s[top];
            a = {a.v * b.v, a.dx * b.v + a.v * b.dx, a.dy * b.v + a.v * b.dy};
            break;
        }
        case Op::Div: {
            const Dual b = s[top--];
            Dual& a = s[top];
            const double q = a.v / b.v;
            a = {q, (a.dx - q * b.dx) / b.v, (a.dy - q * b.dy) / b.v};
            break;
        }
        case Op::Square: {
            Dual& u = s[top];
            const double t = 2.0 * u.v;
            u = {u.v * u.v, t * u.dx, t * u.dy};
            break;
        }
        case Op::PowConst: { // exponent free of x and y: d(u^c) = c·u^(c−1)·du
            const double c = s[top--].v;
            const double u = s[top].v;
            chain(std::pow(u, c), c * std::pow(u, c - 1.0));
            break;
        }
        case Op::PowVar: { // d(u^w) = u^w·(dw·ln u + w·du/u)
            const Dual w = s[top--];
            Dual& u = s[top];
            const double f = std::pow(u.v, w.v), lu = std::log(u.v);
            u = {f, f * (w.dx * lu + w.v * u.dx / u.v), f * (w.dy * lu + w.v * u.dy / u.v)};
            break;
        }
        case Op::Min:
        case Op::Max: {
            const Dual b = s[top--];
            Dual& a = s[top];
            const bool takeB = in.op == Op::Min ? b.v < a.v : b.v > a.v;
            if (takeB)
                a = b;
            break;
        }
        case Op::Sin:
            chain(std::sin(s[top].v), std::cos(s[top].v));
            break;
        case Op::Cos:
            chain(std::cos(s[top].v), -std::sin(s[top].v));
            break;
        case Op::Tan: {
            const double t = std::tan(s[top].v);
            chain(t, 1.0 + t * t);
            break;
        }
        case Op::Asin: {
            const double u = s[top].v;
            chain(std::asin(u), 1.0 / std::sqrt(1.0 - u * u));
            break;
        }
        case Op::Acos: {
            const double u = s[top].v;
            chain(std::acos(u), -1.0 / std::sqrt(1.0 - u * u));
            break;
        }
        case Op::Atan: {
            const double u = s[top].v;
            chain(std::atan(u), 1.0 / (1.0 + u * u));
            break;
        }
        case Op::Sinh:
            chain(std::sinh(s[top].v), std::cosh(s[top].v));
            break;
        case Op::Cosh:
            chain(std::cosh(s[top].v), std::sinh(s[top].v));
            break;
        case Op::Tanh: {
            const double t = std::tanh(s[top].v);
            chain(t, 1.0 - t * t);
            break;
        }
        case Op::Exp: {
            const double f = std::exp(s[top].v);
            chain(f, f);
            break;
        }
        case Op::Log:
            chain(std::log(s[top].v), 1.0 / s[top].v);
            break;
        case Op::Log10:
            chain(std::log10(s[top].v), 1.0 / (s[top].v * std::numbers::ln10));
            break;
        case Op::Sqrt: {
            const double f = std::sqrt(s[top].v);
            chain(f, 0.5 / f);
            break;
        }
        case Op::Abs:
            chain(std::abs(s[top].v), signOf(s[top].v));
            break;
        case Op::Sign:
            chain(signOf(s[top].v), 0.0);
            break;
        case Op::Pow:
            break;
        }
    }
    gx = s[0].dx;
    gy = s[0].dy;
    return s[0].v;
}

std::string Expression::derivativeText(int variable, std::size_t maxLength) const {
    bool ok = true;
    const NodePtr d = derive(m_root, variable, ok);
    if (!ok)
        return {};
    Printer printer(maxLength);
    if (!printer.print(d))
        return {};
    return printer.text();
}

std::optional<Expression> Expression::derivative(int variable, std::size_t maxInstructions) const {
    bool ok = true;
    Expression d;
    d.m_root = derive(m_root, variable, ok);
    if (!ok)
        return std::nullopt;
    compile(d.m_root, d.m_program, maxInstructions);
    if (d.m_program.size() > maxInstructions)
        return std::nullopt;
    d.m_stackSize = stackNeed(d.m_program);
    d.m_text = d.canonicalText();
    return d;
}

std::string Expression::canonicalText() const {
    Printer printer(static_cast<std::size_t>(-1) / 2);
    printer.print(m_root);
    return printer.text();
}

} // namespace optiscope
