#include "core/experiment/json_reader.h"

#include "core/io/input_file.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

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

// Builds the document from nlohmann's SAX events in one pass (linear time), enforcing the nesting
// limit and refusing duplicate keys, and keeps track of where it is so that a structural error
// names a JSON path. (nlohmann's callback parser re-scans the parent container after every value,
// which made a file of many small objects take minutes.)
class DocumentBuilder {
public:
    using number_integer_t = Json::number_integer_t;
    using number_unsigned_t = Json::number_unsigned_t;
    using number_float_t = Json::number_float_t;
    using string_t = Json::string_t;
    using binary_t = Json::binary_t;

    Json root;
    std::optional<ValidationIssue> issue;

    bool null() { return value(Json(nullptr)); }
    bool boolean(bool v) { return value(Json(v)); }
    bool number_integer(number_integer_t v) { return value(Json(v)); }
    bool number_unsigned(number_unsigned_t v) { return value(Json(v)); }
    bool number_float(number_float_t v, const string_t&) { return value(Json(v)); }
    bool string(string_t& v) { return value(Json(std::move(v))); }
    bool binary(binary_t&) { return fail("", "binary values are not JSON"); }

    bool start_object(std::size_t) { return open(Json::object()); }
    bool start_array(std::size_t) { return open(Json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }

    bool key(string_t& k) {
        Frame& frame = m_frames.back();
        frame.key = std::move(k);
        if (!frame.keys.insert(frame.key).second)
            return fail(path(), "appears twice in the same object");
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
        if (!issue)
            issue = ValidationIssue{"", cleanParserMessage(e.what())};
        return false;
    }

private:
    struct Frame {
        Json* container;
        std::string key;            ///< objects: the key of the value being read
        long long index = -1;       ///< arrays: the index of the value being read
        std::set<std::string> keys; ///< objects: keys seen, to refuse duplicates
    };

    bool fail(std::string where, std::string reason) {
        if (!issue)
            issue = ValidationIssue{std::move(where), std::move(reason)};
        return false;
    }

    /// Places `v` where the parser is (root, next array element, or under the current key) and
    /// returns it.
    Json* place(Json&& v) {
        if (m_frames.empty()) {
            root = std::move(v);
            return &root;
        }
        Frame& frame = m_frames.back();
        if (frame.container->is_array()) {
            ++frame.index;
            auto& array = frame.container->get_ref<Json::array_t&>();
            array.push_back(std::move(v));
            return &array.back();
        }
        // The key is known to be new (key() refused duplicates), so append without the linear
        // search ordered_map::emplace would do.
        auto& object = frame.container->get_ref<Json::object_t&>();
        using Pairs = std::vector<std::pair<const std::string, Json>,
                                  typename Json::object_t::allocator_type>;
        static_cast<Pairs&>(object).emplace_back(frame.key, std::move(v));
        return &object.back().second;
    }

    bool value(Json&& v) {
        place(std::move(v));
        return true;
    }

    bool open(Json&& empty) {
        if (m_frames.size() >= std::size_t(ExperimentLimits::maxDepth))
            return fail(path(), "nested deeper than " + std::to_string(ExperimentLimits::maxDepth) +
                                    " levels");
        // Pointers stay valid: a container only grows after its last child is complete.
        Json* container = place(std::move(empty));
        m_frames.push_back({container, {}, -1, {}});
        return true;
    }

    bool close() {
        m_frames.pop_back();
        return true;
    }

    std::string path() const {
        std::string out;
        for (const auto& f : m_frames) {
            if (f.container->is_object()) {
                if (!f.key.empty())
                    out += (out.empty() ? "" : ".") + f.key;
            } else if (f.index >= 0) {
                out += "[" + std::to_string(f.index) + "]";
            }
        }
        return out;
    }

    static std::string cleanParserMessage(const std::string& what);

    std::vector<Frame> m_frames;
};

std::string DocumentBuilder::cleanParserMessage(const std::string& what) {
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
    DocumentBuilder builder;
    const bool ok = Json::sax_parse(text.begin(), text.end(), &builder);
    if (ok && !builder.issue)
        return std::move(builder.root);
    issues.push_back(builder.issue.value_or(ValidationIssue{"", "not valid JSON"}));
    return std::nullopt;
}

std::optional<std::string> readTextFile(const std::string& filePath,
                                        std::vector<ValidationIssue>& issues) {
    // Only a regular file is read (a FIFO with no writer would block forever, a folder is not
    // "too large"); the size limit is checked before reading.
    std::string why;
    const auto bytes =
        readRegularFile(filePath, std::uint64_t(ExperimentLimits::maxFileBytes), &why);
    if (!bytes) {
        if (why == "does not exist")
            why = "cannot open file: No such file or directory";
        else if (why.rfind("is larger than", 0) == 0)
            why = "is larger than " +
                  std::to_string(ExperimentLimits::maxFileBytes / (1024 * 1024)) +
                  " MiB; an experiment file is a few kilobytes";
        issues.push_back({"", why});
        return std::nullopt;
    }
    return std::string(bytes->begin(), bytes->end());
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
