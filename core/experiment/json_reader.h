// Reading JSON documents for OptiScope: size and nesting limits, duplicate keys, and a checker
// that records every problem with its JSON path ("runs[0].optimizer.betas[1]") and a reason.
// Internal to core (the public face is experiment_io.h).
#pragma once

#include "core/common/params.h"
#include "core/experiment/experiment_io.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace optiscope::detail {

// Ordered: a study's grid keys keep the order the file gives them (the last one varies fastest).
using Json = nlohmann::ordered_json;

/// "a list", "the string \"x\"", "1.5": how a wrong value is named in a message.
std::string describeJson(const Json& j);
std::string joinNames(const std::vector<std::string>& names);

/// Parses `text`; on failure appends an issue (syntax, size, nesting, duplicate key).
std::optional<Json> parseJsonDocument(std::string_view text, std::vector<ValidationIssue>& issues);
/// Reads a whole (small) file; on failure appends an issue.
std::optional<std::string> readTextFile(const std::string& filePath,
                                        std::vector<ValidationIssue>& issues);

/// Checks values, collecting every issue rather than stopping at the first.
class JsonChecker {
public:
    std::vector<ValidationIssue> issues;

    void error(const std::string& path, const std::string& reason) {
        issues.push_back({path, reason});
    }
    static std::string join(const std::string& path, const std::string& key);
    static std::string index(const std::string& path, size_t i);

    /// `j` is an object whose keys are all in `allowed`.
    bool object(const Json& j, const std::string& path, const std::vector<std::string>& allowed);
    std::optional<double> number(const Json& j, const std::string& path, double lo, double hi,
                                 bool whole);
    std::optional<std::string> string(const Json& j, const std::string& path, size_t maxLen = 4096);
    std::optional<bool> boolean(const Json& j, const std::string& path);
    /// `obj`'s keys (except `skip`) as parameters of `table`, defaults filled in.
    ParamSet params(const Json& obj, const std::string& path, const ParamTable& table,
                    const std::set<std::string>& skip, const std::string& owner);
    std::optional<ParamValue> paramValue(const Json& j, const std::string& path,
                                         const ParamSpec& spec);
};

/// Reads a parsed experiment document (as parseExperiment() does after parsing): the experiment,
/// or nullopt with the issues appended.
std::optional<Experiment> readExperimentDocument(const Json& doc,
                                                 std::vector<ValidationIssue>& issues);

/// Reads `j`, the document's "study" object, into e.study (core/experiment/study_grid.cpp);
/// `e` is the experiment read so far (its problem decides the metrics).
void readStudySection(JsonChecker& checker, const Json& j, Experiment& e);

} // namespace optiscope::detail
