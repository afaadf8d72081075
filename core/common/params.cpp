#include "core/common/params.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace optiscope {

std::string formatDouble(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, res.ptr);
}

namespace {

std::string bound(double v) {
    if (v >= kUnbounded)
        return "inf";
    if (v <= -kUnbounded)
        return "-inf";
    return formatDouble(v);
}

std::string valueText(const ParamValue& v) {
    if (const auto* b = std::get_if<bool>(&v))
        return *b ? "true" : "false";
    if (const auto* d = std::get_if<double>(&v))
        return formatDouble(*d);
    if (const auto* s = std::get_if<std::string>(&v))
        return "\"" + *s + "\"";
    const auto& l = std::get<std::vector<double>>(v);
    std::string out = "[";
    for (size_t i = 0; i < l.size(); ++i)
        out += (i ? ", " : "") + formatDouble(l[i]);
    return out + "]";
}

bool isWhole(double v) {
    return std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9.0e15;
}

} // namespace

namespace {
ParamSpec named(std::string name, ParamKind kind) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = kind;
    return s;
}
} // namespace

ParamSpec ParamSpec::real(std::string name, std::optional<double> def) {
    ParamSpec s = named(std::move(name), ParamKind::Real);
    if (def)
        s.defaultValue = *def;
    return s;
}

ParamSpec ParamSpec::integer(std::string name, std::optional<double> def) {
    ParamSpec s = real(std::move(name), def);
    s.kind = ParamKind::Integer;
    return s;
}

ParamSpec ParamSpec::flag(std::string name, bool def) {
    ParamSpec s = named(std::move(name), ParamKind::Bool);
    s.defaultValue = def;
    return s;
}

ParamSpec ParamSpec::choice(std::string name, std::string def, std::vector<std::string> choices) {
    ParamSpec s = named(std::move(name), ParamKind::Choice);
    s.defaultValue = std::move(def);
    s.choices = std::move(choices);
    return s;
}

ParamSpec ParamSpec::pair(std::string name, std::vector<double> def) {
    ParamSpec s = named(std::move(name), ParamKind::RealPair);
    s.defaultValue = std::move(def);
    return s;
}

ParamSpec ParamSpec::list(std::string name, ParamKind kind) {
    return named(std::move(name), kind);
}

ParamSpec& ParamSpec::atLeast(double bound) {
    min = bound;
    minOpen = false;
    return *this;
}

ParamSpec& ParamSpec::above(double bound) {
    min = bound;
    minOpen = true;
    return *this;
}

ParamSpec& ParamSpec::atMost(double bound) {
    max = bound;
    maxOpen = false;
    return *this;
}

ParamSpec& ParamSpec::below(double bound) {
    max = bound;
    maxOpen = true;
    return *this;
}

ParamSpec& ParamSpec::about(std::string text) {
    help = std::move(text);
    return *this;
}

ParamSpec& ParamSpec::orNone() {
    defaultValue.reset();
    optional = true;
    return *this;
}

std::string ParamSpec::rangeText() const {
    if (kind == ParamKind::Bool)
        return "true or false";
    if (kind == ParamKind::Choice) {
        std::string out = "one of ";
        for (size_t i = 0; i < choices.size(); ++i)
            out += (i ? ", " : "") + choices[i];
        return out;
    }
    const bool lo = min > -kUnbounded, hi = max < kUnbounded;
    if (lo && hi)
        return std::string(minOpen ? "(" : "[") + bound(min) + ", " + bound(max) +
               (maxOpen ? ")" : "]");
    if (lo)
        return std::string(minOpen ? "> " : ">= ") + bound(min);
    if (hi)
        return std::string(maxOpen ? "< " : "<= ") + bound(max);
    return "any finite number";
}

std::string ParamSpec::defaultText() const {
    if (!defaultValue)
        return optional ? "none" : "required";
    return valueText(*defaultValue);
}

std::optional<std::string> ParamSpec::check(const ParamValue& value) const {
    auto inRange = [this](double v) -> std::optional<std::string> {
        if (!std::isfinite(v))
            return "must be a finite number, got " + formatDouble(v);
        if ((kind == ParamKind::Integer || kind == ParamKind::IntList) && !isWhole(v))
            return "must be a whole number, got " + formatDouble(v);
        const bool below = minOpen ? !(v > min) : !(v >= min);
        const bool above = maxOpen ? !(v < max) : !(v <= max);
        if (below || above) {
            std::string r = rangeText();
            // A bound rangeText() leaves out as unbounded (|bound| >= kUnbounded) is the one the
            // value broke: state the full range, not "must be >= 0, got 1e+301".
            if ((above && max >= kUnbounded) || (below && min <= -kUnbounded))
                r = std::string(minOpen ? "(" : "[") + formatDouble(min) + ", " +
                    formatDouble(max) + (maxOpen ? ")" : "]");
            const bool interval = r.front() == '[' || r.front() == '(';
            return std::string("must be ") + (interval ? "in " : "") + r + ", got " +
                   formatDouble(v);
        }
        return std::nullopt;
    };
    switch (kind) {
    case ParamKind::Bool:
        if (!std::holds_alternative<bool>(value))
            return "must be true or false";
        return std::nullopt;
    case ParamKind::Choice: {
        const auto* s = std::get_if<std::string>(&value);
        if (!s)
            return "must be a string, " + rangeText();
        for (const auto& c : choices)
            if (c == *s)
                return std::nullopt;
        return "must be " + rangeText() + ", got \"" + *s + "\"";
    }
    case ParamKind::Real:
    case ParamKind::Integer: {
        const auto* d = std::get_if<double>(&value);
        if (!d)
            return kind == ParamKind::Integer ? "must be a whole number" : "must be a number";
        return inRange(*d);
    }
    case ParamKind::RealPair:
    case ParamKind::IntList:
    case ParamKind::RealList: {
        const auto* l = std::get_if<std::vector<double>>(&value);
        if (!l)
            return kind == ParamKind::RealPair ? "must be a list of two numbers"
                                               : "must be a list of numbers";
        if (kind == ParamKind::RealPair && l->size() != 2)
            return "must be a list of two numbers, got " + std::to_string(l->size());
        for (size_t i = 0; i < l->size(); ++i)
            if (auto why = inRange((*l)[i]))
                return "[" + std::to_string(i) + "] " + *why;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

const ParamValue& ParamSet::get(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end())
        throw std::out_of_range("parameter '" + name + "' is not set");
    return it->second;
}

double ParamSet::real(const std::string& name) const {
    return std::get<double>(get(name));
}
long long ParamSet::integer(const std::string& name) const {
    return static_cast<long long>(std::get<double>(get(name)));
}
bool ParamSet::flag(const std::string& name) const {
    return std::get<bool>(get(name));
}
const std::string& ParamSet::choice(const std::string& name) const {
    return std::get<std::string>(get(name));
}
const std::vector<double>& ParamSet::list(const std::string& name) const {
    return std::get<std::vector<double>>(get(name));
}

ParamSet ParamSet::defaults(const ParamTable& table) {
    ParamSet set;
    for (const auto& spec : table)
        if (spec.defaultValue)
            set.set(spec.name, *spec.defaultValue);
    return set;
}

const ParamSpec* findParam(const ParamTable& table, const std::string& name) {
    for (const auto& spec : table)
        if (spec.name == name)
            return &spec;
    return nullptr;
}

} // namespace optiscope
