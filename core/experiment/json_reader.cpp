#include "core/experiment/json_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

namespace optiscope::detail {

std::string describeJson(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return j.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
        std::string s = j.get<std::string>();
        if (s.size() > 40)
            s = s.substr(0, 40) + "...";
        return "the string \"" + s + "\"";
    }
    case Json::value_t::array:
        return "a list";
    case Json::value_t::object:
        return "an object";
    default:
        return formatDouble(j.get<double>());
    }
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += (i ? ", " : "") + names[i];
    return out;
}

namespace {

// Aborts parsing from inside nlohmann's callback (deep nesting, duplicate keys).
struct StructureError {
    std::string path;
    std::string reason;
};

// Tracks where the parser is, so that structural errors found while parsing name a JSON path.
class StructureGuard {
public:
    bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            if (depth >= ExperimentLimits::maxDepth)
                throw StructureError{path(), "nested deeper than " +
                                                 std::to_string(ExperimentLimits::maxDepth) +
                                                 " levels"};
            enterValue();
            m_frames.push_back({event == Json::parse_event_t::object_start, {}, -1, {}});
            break;
        case Json::parse_event_t::key: {
            auto& frame = m_frames.back();
            frame.key = parsed.get<std::string>();
            if (!frame.keys.insert(frame.key).second)
                throw StructureError{path(), "appears twice in the same object"};
            break;
        }
        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end:
            m_frames.pop_back();
            break;
        case Json::parse_event_t::value:
            enterValue();
            break;
        }
        return true;
    }

private:
    struct Frame {
        bool object;
        std::string key;
        long long index;
        std::set<std::string> keys;
    };
    void enterValue() {
        if (!m_frames.empty() && !m_frames.back().object)
            ++m_frames.back().index;
    }
    std::string path() const {
        std::string out;
        for (const auto& f : m_frames) {
            if (f.object) {
                if (!f.key.empty())
                    out += (out.empty() ? "" : ".") + f.key;
            } else if (f.index >= 0) {
                out += "[" + std::to_string(f.index) + "]";
            }
        }
        return out;
    }
    std::vector<Frame> m_frames;
};

std::string cleanParserMessage(const std::string& what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> "parse error at
    // ..."
    const auto pos = what.find("] ");
    std::string msg = pos == std::string::npos ? what : what.substr(pos + 2);
    if (msg.size() > 300)
        msg = msg.substr(0, 300) + "...";
    return "not valid JSON: " + msg;
}

// Walks a parsed document, converting it into an Experiment and collecting every issue.

ParamSet without(const ParamSet& set, const std::string& key) {
    ParamSet out;
    for (const auto& [k, v] : set.values())
        if (k != key)
            out.set(k, v);
    return out;
}

} // namespace

/// Size limit, nesting limit, duplicate keys and JSON syntax, shared by every document we read.
std::optional<Json> parseJsonDocument(std::string_view text, std::vector<ValidationIssue>& issues) {
    if (text.size() > size_t(ExperimentLimits::maxFileBytes)) {
        issues.push_back({"", "is larger than " +
                                  std::to_string(ExperimentLimits::maxFileBytes / (1024 * 1024)) +
                                  " MiB; an experiment file is a few kilobytes"});
        return std::nullopt;
    }
    try {
        StructureGuard guard;
        return Json::parse(text.begin(), text.end(),
                           [&guard](int depth, Json::parse_event_t event, Json& parsed) {
                               return guard(depth, event, parsed);
                           });
    } catch (const StructureError& e) {
        issues.push_back({e.path, e.reason});
    } catch (const Json::exception& e) {
        issues.push_back({"", cleanParserMessage(e.what())});
    }
    return std::nullopt;
}

std::optional<std::string> readTextFile(const std::string& filePath,
                                        std::vector<ValidationIssue>& issues) {
    std::ifstream in(filePath, std::ios::binary);
    if (!in) {
        issues.push_back({"", "cannot open file: " + std::string(std::strerror(errno))});
        return std::nullopt;
    }
    in.seekg(0, std::ios::end);
    const auto size = static_cast<long long>(in.tellg());
    if (size < 0) {
        issues.push_back({"", "cannot read file (is it a folder?)"});
        return std::nullopt;
    }
    if (size > ExperimentLimits::maxFileBytes) {
        issues.push_back({"", "is larger than " +
                                  std::to_string(ExperimentLimits::maxFileBytes / (1024 * 1024)) +
                                  " MiB; an experiment file is a few kilobytes"});
        return std::nullopt;
    }
    in.seekg(0);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in.read(text.data(), size)) {
        issues.push_back({"", "cannot read file"});
        return std::nullopt;
    }
    return text;
}

std::string JsonChecker::join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}
std::string JsonChecker::index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

bool JsonChecker::object(const Json& j, const std::string& path,
                         const std::vector<std::string>& allowed) {
    if (!j.is_object()) {
        error(path, "must be an object, got " + describeJson(j));
        return false;
    }
    for (const auto& [key, value] : j.items()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            error(join(path, key), "unknown key; expected one of " + joinNames(allowed));
    }
    return true;
}

std::optional<double> JsonChecker::number(const Json& j, const std::string& path, double lo,
                                          double hi, bool whole) {
    if (!j.is_number()) {
        error(path, std::string("must be ") + (whole ? "a whole number" : "a number") + ", got " +
                        describeJson(j));
        return std::nullopt;
    }
    const double v = j.get<double>();
    if (!std::isfinite(v)) {
        error(path, "must be a finite number");
        return std::nullopt;
    }
    if (whole && (std::floor(v) != v)) {
        error(path, "must be a whole number, got " + formatDouble(v));
        return std::nullopt;
    }
    if (v < lo || v > hi) {
        error(path, "must be in [" + formatDouble(lo) + ", " + formatDouble(hi) + "], got " +
                        formatDouble(v));
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> JsonChecker::string(const Json& j, const std::string& path,
                                               size_t maxLen) {
    if (!j.is_string()) {
        error(path, "must be a string, got " + describeJson(j));
        return std::nullopt;
    }
    auto s = j.get<std::string>();
    if (s.size() > maxLen) {
        error(path, "is longer than " + std::to_string(maxLen) + " characters");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> JsonChecker::boolean(const Json& j, const std::string& path) {
    if (!j.is_boolean()) {
        error(path, "must be true or false, got " + describeJson(j));
        return std::nullopt;
    }
    return j.get<bool>();
}

ParamSet JsonChecker::params(const Json& obj, const std::string& path, const ParamTable& table,
                             const std::set<std::string>& skip, const std::string& owner) {
    ParamSet set = ParamSet::defaults(table);
    std::vector<std::string> known;
    for (const auto& spec : table)
        known.push_back(spec.name);
    for (const auto& [key, value] : obj.items()) {
        if (skip.count(key))
            continue;
        const std::string p = join(path, key);
        const ParamSpec* spec = findParam(table, key);
        if (!spec) {
            error(p,
                  "unknown parameter of " + owner +
                      (known.empty() ? " (it has none)" : "; expected one of " + joinNames(known)));
            continue;
        }
        if (value.is_null() && spec->optional) {
            set = without(set, key);
            continue;
        }
        if (auto v = paramValue(value, p, *spec))
            set.set(key, *v);
    }
    for (const auto& spec : table)
        if (!spec.defaultValue && !spec.optional && !obj.contains(spec.name))
            error(join(path, spec.name), "is required by " + owner);
    return set;
}

std::optional<ParamValue> JsonChecker::paramValue(const Json& j, const std::string& path,
                                                  const ParamSpec& spec) {
    auto fail = [&](const std::string& why) {
        error(path, why);
        return std::optional<ParamValue>{};
    };
    switch (spec.kind) {
    case ParamKind::Bool:
        if (!j.is_boolean())
            return fail("must be true or false, got " + describeJson(j));
        return ParamValue{j.get<bool>()};
    case ParamKind::Choice: {
        if (!j.is_string())
            return fail("must be " + spec.rangeText() + ", got " + describeJson(j));
        ParamValue v{j.get<std::string>()};
        if (auto why = spec.check(v))
            return fail(*why);
        return v;
    }
    case ParamKind::Real:
    case ParamKind::Integer: {
        if (!j.is_number())
            return fail(std::string("must be ") +
                        (spec.kind == ParamKind::Integer ? "a whole number" : "a number") +
                        ", got " + describeJson(j));
        ParamValue v{j.get<double>()};
        if (auto why = spec.check(v))
            return fail(*why);
        return v;
    }
    case ParamKind::RealPair:
    case ParamKind::IntList:
    case ParamKind::RealList: {
        if (!j.is_array())
            return fail(spec.kind == ParamKind::RealPair
                            ? "must be a list of two numbers, got " + describeJson(j)
                            : "must be a list of numbers, got " + describeJson(j));
        if (spec.kind == ParamKind::RealPair && j.size() != 2)
            return fail("must be a list of two numbers, got " + std::to_string(j.size()));
        if (j.size() > 10000)
            return fail("has more than 10000 entries");
        ParamSpec element = spec;
        element.kind = spec.kind == ParamKind::IntList ? ParamKind::Integer : ParamKind::Real;
        std::vector<double> values;
        bool ok = true;
        for (size_t i = 0; i < j.size(); ++i) {
            const std::string p = index(path, i);
            if (!j[i].is_number()) {
                error(p, "must be a number, got " + describeJson(j[i]));
                ok = false;
                continue;
            }
            const double d = j[i].get<double>();
            if (auto why = element.check(ParamValue{d})) {
                error(p, *why);
                ok = false;
                continue;
            }
            values.push_back(d);
        }
        if (!ok)
            return std::nullopt;
        return ParamValue{values};
    }
    }
    return std::nullopt;
}

} // namespace optiscope::detail
