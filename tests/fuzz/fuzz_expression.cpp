// libFuzzer: typed function expressions (problem.expression). Nothing may crash or hang; an
// accepted expression evaluates the same with and without derivatives, and its canonical text
// and symbolic derivatives parse back (unless they outgrow the length or nesting limits).
#include "core/functions/expression.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace optiscope;

namespace {

bool same(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

// A text the printer produced may exceed the limits the parser enforces; nothing else.
void mustParse(const std::string& text, const std::vector<std::string>& params) {
    ExpressionError err;
    if (Expression::parse(text, params, &err))
        return;
    const bool limit = err.reason.find("longer than") != std::string::npos ||
                       err.reason.find("nests deeper") != std::string::npos;
    if (!limit)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::vector<std::string> params = {"a", "b"};
    ExpressionError err;
    const auto f = Expression::parse(text, params, &err);
    if (!f) {
        if (err.reason.empty() || err.column < 1)
            std::abort();
        return 0;
    }
    const double constants[] = {1.0, 100.0};
    const double points[][2] = {{0.0, 0.0}, {1.5, -2.0}, {-0.3, 0.7}, {1e3, -1e-3}};
    for (const auto& p : points) {
        double gx = 0, gy = 0;
        const double v = f->evaluate(p[0], p[1], constants, gx, gy);
        if (!same(v, f->value(p[0], p[1], constants)))
            std::abort();
    }
    mustParse(f->canonicalText(), params);
    for (int var = 0; var < 2; ++var) {
        const std::string d = f->derivativeText(var);
        if (!d.empty())
            mustParse(d, params);
    }
    return 0;
}
