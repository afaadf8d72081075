// Declarative hyper-parameter tables.
//
// Every optimizer, schedule and function describes its parameters with a ParamSpec table: name
// (PyTorch/Keras spelling), kind, default, valid range and a one-line help text. The same table
// drives experiment-file validation, `optiscope-cli list`, the GUI's editors and tooltips, and the
// help pages, so a parameter is declared once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace optiscope {

enum class ParamKind {
    Real,     ///< a finite double within [min, max] (bounds optionally open)
    Integer,  ///< a whole number within [min, max]
    Bool,     ///< true / false
    Choice,   ///< one of `choices` (a string)
    RealPair, ///< two reals, each within [min, max] (e.g. Adam's betas)
    IntList,  ///< a list of whole numbers, each within [min, max] (e.g. MultiStepLR milestones)
    RealList, ///< a list of reals, each within [min, max]
};

/// A bound that means "no limit" (ParamSpec's default min and max; rangeText() leaves it out).
inline constexpr double kUnbounded = 1e300;
/// The largest |value| a file may give a coordinate (start, bounds, minima), a noise level or a
/// typed function's constant: far beyond any plot, small enough that squares stay finite.
inline constexpr double kMaxMagnitude = 1e12;

/// A parameter value. Integers are stored as doubles holding whole numbers.
using ParamValue = std::variant<bool, double, std::string, std::vector<double>>;

struct ParamSpec {
    std::string name;
    ParamKind kind = ParamKind::Real;
    /// Default value; std::nullopt means the parameter is required (or "None" in PyTorch terms,
    /// when `optional` is set).
    std::optional<ParamValue> defaultValue;
    double min = -kUnbounded;
    double max = kUnbounded;
    bool minOpen = false; ///< true: value must be > min
    bool maxOpen = false; ///< true: value must be < max
    std::vector<std::string> choices;
    std::string help;
    /// true: the parameter may be absent without a default (PyTorch's `None`).
    bool optional = false;

    // One fluent way to declare a parameter, e.g.
    //   ParamSpec::real("lr", 0.001).atLeast(0).about("learning rate: ...")
    //   ParamSpec::real("decay_rate").above(0).about("...")       (no default: required)
    //   ParamSpec::pair("betas", {0.9, 0.999}).atLeast(0).below(1).about("...")
    static ParamSpec real(std::string name, std::optional<double> def = std::nullopt);
    static ParamSpec integer(std::string name, std::optional<double> def = std::nullopt);
    static ParamSpec flag(std::string name, bool def);
    static ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices);
    static ParamSpec pair(std::string name, std::vector<double> def);
    static ParamSpec list(std::string name, ParamKind kind);
    ParamSpec& atLeast(double bound);   ///< value >= bound
    ParamSpec& above(double bound);     ///< value > bound
    ParamSpec& atMost(double bound);    ///< value <= bound
    ParamSpec& below(double bound);     ///< value < bound
    ParamSpec& about(std::string text); ///< the one-line help
    ParamSpec& orNone();                ///< may be absent without a default (PyTorch's None)

    /// "[0, 1)", "> 0", "one of min, max" — the valid range as a user reads it.
    [[nodiscard]] std::string rangeText() const;
    /// The default as written in JSON ("0.9", "[0.9, 0.999]", "\"keras\"", "required").
    [[nodiscard]] std::string defaultText() const;
    /// Why `value` is not acceptable, or std::nullopt if it is.
    [[nodiscard]] std::optional<std::string> check(const ParamValue& value) const;
};

using ParamTable = std::vector<ParamSpec>;

/// Validated values of one parameter table, defaults filled in.
class ParamSet {
public:
    ParamSet() = default;

    void set(const std::string& name, ParamValue value) { m_values[name] = std::move(value); }
    [[nodiscard]] bool has(const std::string& name) const { return m_values.count(name) != 0; }
    [[nodiscard]] const ParamValue& get(const std::string& name) const;

    [[nodiscard]] double real(const std::string& name) const;
    [[nodiscard]] long long integer(const std::string& name) const;
    [[nodiscard]] bool flag(const std::string& name) const;
    [[nodiscard]] const std::string& choice(const std::string& name) const;
    [[nodiscard]] const std::vector<double>& list(const std::string& name) const;

    [[nodiscard]] const std::map<std::string, ParamValue>& values() const { return m_values; }
    bool operator==(const ParamSet&) const = default;

    /// A set holding every default of `table` (required parameters are left out).
    static ParamSet defaults(const ParamTable& table);

private:
    std::map<std::string, ParamValue> m_values;
};

/// The spec called `name` in `table`, or nullptr.
const ParamSpec* findParam(const ParamTable& table, const std::string& name);

/// Shortest text that reads back to the same double (like Python's repr).
std::string formatDouble(double value);

} // namespace optiscope
