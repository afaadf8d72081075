#include "core/functions/test_function.h"

#include "core/functions/custom_function.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace optiscope {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kE = std::numbers::e;

// Catalog order; TestFunction::m_id is one of these.
enum FunctionId {
    Rosenbrock,
    Beale,
    Himmelblau,
    Booth,
    Rastrigin,
    Ackley,
    ThreeHumpCamel,
    SixHumpCamel,
    Matyas,
    GoldsteinPrice,
    StyblinskiTang,
    QuadraticBowl,
    Saddle,
    McCormick,
    Levi,
    Easom,
    Custom = 1000,
};

std::vector<FunctionInfo> makeCatalog() {
    std::vector<FunctionInfo> c;
    auto add = [&c](std::string name, std::string title, std::string formula, ParamTable params,
                    PlotBounds bounds, Eigen::Vector2d start, bool bounded = true) {
        c.push_back({std::move(name), std::move(title), std::move(formula), std::move(params),
                     bounds, start, bounded});
    };
    add("rosenbrock", "Rosenbrock", "(a − x)² + b(y − x²)²",
        {ParamSpec::real("a", 1.0).atLeast(-2.0).atMost(2.0).about(
             "position of the minimum (a, a²)"),
         ParamSpec::real("b", 100.0)
             .atLeast(0.0)
             .atMost(1000.0)
             .about(
                 "steepness of the walls of the curved valley y = x²; 100 is the classic value")},
        {-2.0, 2.0, -1.0, 3.0}, {-1.5, 2.0});
    add("beale", "Beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", {},
        {-4.5, 4.5, -4.5, 4.5}, {1.0, 1.0});
    add("himmelblau", "Himmelblau", "(x² + y − 11)² + (x + y² − 7)²", {}, {-5.0, 5.0, -5.0, 5.0},
        {0.0, 0.0});
    add("booth", "Booth", "(x + 2y − 7)² + (2x + y − 5)²", {}, {-10.0, 10.0, -10.0, 10.0},
        {0.0, 0.0});
    add("rastrigin", "Rastrigin", "2A + (x² − A·cos 2πx) + (y² − A·cos 2πy)",
        {ParamSpec::real("A", 10.0).atLeast(0.0).atMost(100.0).about(
            "amplitude of the cosine ripples; 0 leaves a plain bowl, 10 is the classic value")},
        {-5.12, 5.12, -5.12, 5.12}, {2.2, -1.7});
    add("ackley", "Ackley", "−a·exp(−b·√(½(x² + y²))) − exp(½(cos cx + cos cy)) + a + e",
        {ParamSpec::real("a", 20.0).above(0.0).atMost(100.0).about("depth of the outer funnel"),
         ParamSpec::real("b", 0.2).above(0.0).atMost(10.0).about("how fast the funnel narrows"),
         ParamSpec::real("c", 2.0 * kPi)
             .atLeast(0.0)
             .atMost(100.0)
             .about("angular frequency of the ripples (default 2π)")},
        {-5.0, 5.0, -5.0, 5.0}, {1.5, -2.0});
    add("three_hump_camel", "Three-hump camel", "2x² − 1.05x⁴ + x⁶/6 + xy + y²", {},
        {-2.5, 2.5, -2.5, 2.5}, {1.5, 1.0});
    add("six_hump_camel", "Six-hump camel", "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²", {},
        {-2.0, 2.0, -1.2, 1.2}, {1.0, 1.0});
    add("matyas", "Matyas", "0.26(x² + y²) − 0.48xy", {}, {-10.0, 10.0, -10.0, 10.0}, {1.0, 2.0});
    add("goldstein_price", "Goldstein–Price",
        "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]"
        " · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]",
        {}, {-2.0, 2.0, -3.0, 1.0}, {0.5, -0.5});
    add("styblinski_tang", "Styblinski–Tang", "½((x⁴ − 16x² + 5x) + (y⁴ − 16y² + 5y))", {},
        {-5.0, 5.0, -5.0, 5.0}, {0.5, -0.5});
    add("quadratic_bowl", "Quadratic bowl", "½(c1·x² + c2·y²)",
        {ParamSpec::real("c1", 1.0).above(0.0).atMost(1000.0).about("curvature along x"),
         ParamSpec::real("c2", 10.0)
             .above(0.0)
             .atMost(1000.0)
             .about("curvature along y; c2/c1 is the condition number")},
        {-2.0, 2.0, -2.0, 2.0}, {1.0, 1.0});
    add("saddle", "Saddle", "x² − y²", {}, {-2.0, 2.0, -2.0, 2.0}, {1.0, 0.1}, false);
    add("mccormick", "McCormick", "sin(x + y) + (x − y)² − 1.5x + 2.5y + 1", {},
        {-1.5, 4.0, -3.0, 4.0}, {3.0, 3.0});
    add("levi", "Lévi N.13", "sin²(3πx) + (x − 1)²(1 + sin²(3πy)) + (y − 1)²(1 + sin²(2πy))", {},
        {-10.0, 10.0, -10.0, 10.0}, {-4.0, 4.0});
    add("easom", "Easom", "−cos x·cos y·exp(−((x − π)² + (y − π)²))", {}, {0.0, 6.0, 0.0, 6.0},
        {2.0, 2.5});
    return c;
}

// The root of 4x³ − 32x + 5 = 0 near −2.9035 (Styblinski–Tang), by Newton from the table value.
double styblinskiRoot() {
    double x = -2.903534;
    for (int i = 0; i < 8; ++i)
        x -= (4.0 * x * x * x - 32.0 * x + 5.0) / (12.0 * x * x - 32.0);
    return x;
}

// Himmelblau's minima: Newton on the gradient from the rounded table values.
Eigen::Vector2d polishHimmelblau(double x, double y) {
    for (int i = 0; i < 8; ++i) {
        const double u = x * x + y - 11.0, v = x + y * y - 7.0;
        const double gx = 4.0 * x * u + 2.0 * v, gy = 2.0 * u + 4.0 * y * v;
        const double hxx = 4.0 * u + 8.0 * x * x + 2.0, hxy = 4.0 * x + 4.0 * y,
                     hyy = 2.0 + 4.0 * v + 8.0 * y * y;
        const double det = hxx * hyy - hxy * hxy;
        x -= (hyy * gx - hxy * gy) / det;
        y -= (hxx * gy - hxy * gx) / det;
    }
    return {x, y};
}

// Six-hump camel's minima, likewise.
Eigen::Vector2d polishSixHump(double x, double y) {
    for (int i = 0; i < 8; ++i) {
        const double x2 = x * x, y2 = y * y;
        const double gx = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y;
        const double gy = x - 8.0 * y + 16.0 * y2 * y;
        const double hxx = 8.0 - 25.2 * x2 + 10.0 * x2 * x2, hxy = 1.0, hyy = -8.0 + 48.0 * y2;
        const double det = hxx * hyy - hxy * hxy;
        x -= (hyy * gx - hxy * gy) / det;
        y -= (hxx * gy - hxy * gx) / det;
    }
    return {x, y};
}

} // namespace

const std::vector<FunctionInfo>& functionCatalog() {
    static const std::vector<FunctionInfo> catalog = makeCatalog();
    return catalog;
}

const FunctionInfo* findFunction(const std::string& name) {
    for (const auto& f : functionCatalog())
        if (f.name == name)
            return &f;
    return nullptr;
}

TestFunction::TestFunction(const FunctionInfo& info, const ParamSet& params) {
    if (info.custom) {
        m_custom = info.custom->shared_from_this();
        m_info = &m_custom->info();
        m_id = Custom;
        for (const auto& spec : m_info->params)
            m_customParams.push_back(params.has(spec.name) ? params.real(spec.name)
                                                           : std::get<double>(*spec.defaultValue));
        return;
    }
    const auto& catalog = functionCatalog();
    m_id = -1;
    for (size_t i = 0; i < catalog.size(); ++i)
        if (catalog[i].name == info.name)
            m_id = static_cast<int>(i);
    if (m_id < 0)
        throw std::invalid_argument("unknown function '" + info.name + "'");
    m_info = &catalog[static_cast<size_t>(m_id)];
    const ParamTable& table = m_info->params;
    if (table.size() > std::size(m_c))
        throw std::logic_error("function '" + info.name + "' has too many constants");
    for (size_t i = 0; i < table.size(); ++i)
        m_c[i] = params.has(table[i].name) ? params.real(table[i].name)
                                           : std::get<double>(*table[i].defaultValue);
}

double TestFunction::constant(const std::string& name) const {
    const ParamTable& table = m_info->params;
    for (size_t i = 0; i < table.size(); ++i)
        if (table[i].name == name)
            return m_custom ? m_customParams[i] : m_c[i];
    throw std::out_of_range("function '" + m_info->name + "' has no constant '" + name + "'");
}

double TestFunction::value(const Eigen::Vector2d& p) const {
    if (m_custom)
        return m_custom->expression().value(p.x(), p.y(), m_customParams.data());
    Eigen::Vector2d g;
    return evaluate(p, g);
}

Eigen::Vector2d TestFunction::gradient(const Eigen::Vector2d& p) const {
    Eigen::Vector2d g;
    (void)evaluate(p, g);
    return g;
}

// The expressions follow the reference's torch expressions term by term, and the gradients follow
// the order in which autograd accumulates them, so that value and gradient agree with PyTorch to
// about an ulp (tests/tst_functions.cpp checks this against the recorded trajectories). Like
// torch, x² and x³ are products and higher powers go through std::pow.
double TestFunction::evaluate(const Eigen::Vector2d& p, Eigen::Vector2d& grad) const {
    const double x = p.x(), y = p.y();
    switch (m_id) {
    case Custom:
        return m_custom->expression().evaluate(x, y, m_customParams.data(), grad.x(), grad.y());
    case Rosenbrock: {
        const double a = m_c[0], b = m_c[1];
        const double u = a - x, v = y - x * x;
        const double dv = b * (2.0 * v);
        grad = {-(2.0 * u) + -dv * (2.0 * x), dv};
        return u * u + b * (v * v);
    }
    case Beale: {
        const double y2 = y * y, y3 = y2 * y;
        const double t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
        const double d1 = 2.0 * t1, d2 = 2.0 * t2, d3 = 2.0 * t3;
        // Autograd's order: the third square first.
        double gx = d3 * y3;
        gx += -d3;
        gx += d2 * y2;
        gx += -d2;
        gx += d1 * y;
        gx += -d1;
        grad = {gx, ((d3 * x) * (3.0 * y2) + (d2 * x) * (2.0 * y)) + d1 * x};
        return t1 * t1 + t2 * t2 + t3 * t3;
    }
    case Himmelblau: {
        const double u = x * x + y - 11.0, v = x + y * y - 7.0;
        const double du = 2.0 * u, dv = 2.0 * v;
        grad = {du * (2.0 * x) + dv, du + dv * (2.0 * y)};
        return u * u + v * v;
    }
    case Booth: {
        const double u = x + 2.0 * y - 7.0, v = 2.0 * x + y - 5.0;
        const double du = 2.0 * u, dv = 2.0 * v;
        grad = {du + dv * 2.0, du * 2.0 + dv};
        return u * u + v * v;
    }
    case Rastrigin: {
        const double A = m_c[0];
        const double cx = std::cos(2.0 * kPi * x), cy = std::cos(2.0 * kPi * y);
        grad = {2.0 * x + A * std::sin(2.0 * kPi * x) * (2.0 * kPi),
                2.0 * y + A * std::sin(2.0 * kPi * y) * (2.0 * kPi)};
        return A * 2.0 + (x * x - A * cx) + (y * y - A * cy);
    }
    case Ackley: {
        // The radial term −a·exp(−b·r), r = √(½(x² + y²)), is a cone at the origin: its gradient
        // has norm a·b/√2 in every direction but no limit, so it is undefined there (autograd
        // gives NaN). We return 0 for it at r = 0 — the ripple term's gradient is 0 there too —
        // so the global minimum is a fixed point of every optimizer instead of a NaN source.
        const double a = m_c[0], b = m_c[1], c = m_c[2];
        const double r = std::sqrt(0.5 * (x * x + y * y));
        const double e1 = std::exp(-b * r);
        const double e2 = std::exp(0.5 * (std::cos(c * x) + std::cos(c * y)));
        // ∂(−a·e1)/∂x = a·b·e1·∂r/∂x, ∂r/∂x = ½x/r.
        const double dr = r > 0.0 ? a * b * e1 / r * 0.5 : 0.0;
        grad = {dr * x + e2 * 0.5 * std::sin(c * x) * c, dr * y + e2 * 0.5 * std::sin(c * y) * c};
        return -a * e1 - e2 + a + kE;
    }
    case ThreeHumpCamel: {
        // ∂f/∂x summed in autograd's order: y, then the x⁶/6, x⁴ and x² terms.
        const double x2 = x * x;
        const double a3 = (1.0 / 6.0) * (6.0 * std::pow(x, 5.0));
        const double a2 = -1.05 * (4.0 * (x2 * x));
        const double a1 = 2.0 * (2.0 * x);
        grad = {((y + a3) + a2) + a1, 2.0 * y + x};
        return 2.0 * x2 - 1.05 * std::pow(x, 4.0) + std::pow(x, 6.0) / 6.0 + x * y + y * y;
    }
    case SixHumpCamel: {
        const double x2 = x * x, y2 = y * y;
        const double px = 4.0 - 2.1 * x2 + std::pow(x, 4.0) / 3.0, py = 4.0 * y2 + -4.0;
        // Autograd's order: xy, then the x² factor, x⁴/3 and 2.1x² terms.
        const double gx =
            ((y + px * (2.0 * x)) + (x2 / 3.0) * (4.0 * (x2 * x))) + (-x2 * 2.1) * (2.0 * x);
        const double gy = (py * (2.0 * y) + (y2 * 4.0) * (2.0 * y)) + x;
        grad = {gx, gy};
        return px * x2 + x * y + py * y2;
    }
    case Matyas: {
        grad = {0.26 * (2.0 * x) - 0.48 * y, 0.26 * (2.0 * y) - 0.48 * x};
        return 0.26 * (x * x + y * y) - 0.48 * x * y;
    }
    case GoldsteinPrice: {
        // f = A·B, A = 1 + s²P, B = 30 + d²Q with s = x + y + 1, d = 2x − 3y and the quadratics
        // P, Q of the formula. The partial derivatives are accumulated term by term in the order
        // autograd adds them (reverse creation order of the torch expression), because the sums
        // cancel heavily and another order differs from PyTorch by several ulp.
        const double x2 = x * x, y2 = y * y, x6 = 6.0 * x, x36 = 36.0 * x;
        const double s = (x + y) + 1.0, d = 2.0 * x - 3.0 * y;
        const double P = 19.0 - 14.0 * x + 3.0 * x2 - 14.0 * y + x6 * y + 3.0 * y2;
        const double Q = 18.0 - 32.0 * x + 12.0 * x2 + 48.0 * y - x36 * y + 27.0 * y2;
        const double A = 1.0 + s * s * P, B = 30.0 + d * d * Q;
        const double dQ = A * (d * d), dd = (A * Q) * (2.0 * d);
        const double dP = B * (s * s), ds = (B * P) * (2.0 * s);
        double gx = (-dQ * y) * 36.0;
        gx += (dQ * 12.0) * (2.0 * x);
        gx += -dQ * 32.0;
        gx += dd * 2.0;
        gx += (dP * y) * 6.0;
        gx += (dP * 3.0) * (2.0 * x);
        gx += -dP * 14.0;
        gx += ds;
        double gy = (dQ * 27.0) * (2.0 * y);
        gy += -dQ * x36;
        gy += dQ * 48.0;
        gy += -dd * 3.0;
        gy += (dP * 3.0) * (2.0 * y);
        gy += dP * x6;
        gy += -dP * 14.0;
        gy += ds;
        grad = {gx, gy};
        return A * B;
    }
    case StyblinskiTang: {
        const double x2 = x * x, y2 = y * y;
        // ½(4x³ − 32x + 5), summed in autograd's order.
        grad = {(2.5 + -8.0 * (2.0 * x)) + 0.5 * (4.0 * (x2 * x)),
                (2.5 + -8.0 * (2.0 * y)) + 0.5 * (4.0 * (y2 * y))};
        return 0.5 * ((std::pow(x, 4.0) - 16.0 * x2 + 5.0 * x) +
                      (std::pow(y, 4.0) - 16.0 * y2 + 5.0 * y));
    }
    case QuadraticBowl: {
        const double c1 = m_c[0], c2 = m_c[1];
        grad = {0.5 * c1 * (2.0 * x), 0.5 * c2 * (2.0 * y)};
        return 0.5 * (c1 * (x * x) + c2 * (y * y));
    }
    case Saddle: {
        grad = {2.0 * x, -(2.0 * y)};
        return x * x - y * y;
    }
    case McCormick: {
        const double cs = std::cos(x + y), d = x - y;
        grad = {cs + 2.0 * d - 1.5, cs - 2.0 * d + 2.5};
        return std::sin(x + y) + d * d - 1.5 * x + 2.5 * y + 1.0;
    }
    case Levi: {
        const double s3x = std::sin(3.0 * kPi * x), c3x = std::cos(3.0 * kPi * x);
        const double s3y = std::sin(3.0 * kPi * y), c3y = std::cos(3.0 * kPi * y);
        const double s2y = std::sin(2.0 * kPi * y), c2y = std::cos(2.0 * kPi * y);
        const double u = x - 1.0, v = y - 1.0;
        const double ky = 1.0 + s3y * s3y, ly = 1.0 + s2y * s2y;
        grad = {6.0 * kPi * s3x * c3x + 2.0 * u * ky,
                u * u * (6.0 * kPi * s3y * c3y) + 2.0 * v * ly + v * v * (4.0 * kPi * s2y * c2y)};
        return s3x * s3x + u * u * ky + v * v * ly;
    }
    case Easom: {
        const double u = x - kPi, v = y - kPi;
        const double cx = std::cos(x), cy = std::cos(y);
        const double E = std::exp(-(u * u + v * v));
        grad = {cy * E * (std::sin(x) + 2.0 * u * cx), cx * E * (std::sin(y) + 2.0 * v * cy)};
        return -cx * cy * E;
    }
    default:
        break;
    }
    throw std::logic_error("TestFunction: bad function id");
}

std::vector<Eigen::Vector2d> TestFunction::minima() const {
    switch (m_id) {
    case Custom:
        return m_custom->minima();
    case Rosenbrock:
        return {{m_c[0], m_c[0] * m_c[0]}};
    case Beale:
        return {{3.0, 0.5}};
    case Himmelblau:
        return {{3.0, 2.0},
                polishHimmelblau(-2.805118, 3.131312),
                polishHimmelblau(-3.779310, -3.283186),
                polishHimmelblau(3.584428, -1.848126)};
    case Booth:
        return {{1.0, 3.0}};
    case GoldsteinPrice:
        return {{0.0, -1.0}};
    case SixHumpCamel:
        return {polishSixHump(0.0898, -0.7126), polishSixHump(-0.0898, 0.7126)};
    case StyblinskiTang: {
        const double r = styblinskiRoot();
        return {{r, r}};
    }
    case Saddle:
        return {};
    case McCormick: {
        // ∇f = 0 ⇔ cos(x + y) = −½ and x − y = 1; the global one has x + y = −2π/3.
        const double x = 0.5 * (1.0 - 2.0 * kPi / 3.0);
        return {{x, x - 1.0}};
    }
    case Levi:
        return {{1.0, 1.0}};
    case Easom:
        return {{kPi, kPi}};
    default: // rastrigin, ackley (a, b > 0), three-hump camel, matyas, quadratic bowl
        return {{0.0, 0.0}};
    }
}

} // namespace optiscope
