// Reading, validating and writing experiment files (SPEC §2, §4).
//
// Validation happens entirely before anything runs. Each problem is reported with the JSON path
// of the offending field and the reason, e.g. `runs[0].optimizer.betas[1]: must be in [0, 1),
// got 1.2`; unknown keys are errors, so a typo is never silently ignored.
#pragma once

#include "core/experiment/experiment.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace optiscope {

/// The "format" and "version" an experiment file declares.
inline constexpr const char* kExperimentFormat = "optiscope-experiment";
inline constexpr int kExperimentVersion = 1;

struct ValidationIssue {
    std::string path;   ///< JSON path, "runs[0].optimizer.betas[1]" ("" for the whole document)
    std::string reason; ///< "must be in [0, 1), got 1.2"
    /// "exp.json: runs[0].optimizer.betas[1]: must be in [0, 1), got 1.2"
    [[nodiscard]] std::string message(const std::string& file) const;
};

struct ExperimentParseResult {
    std::optional<Experiment> experiment; ///< set only when there are no issues
    std::vector<ValidationIssue> issues;
    [[nodiscard]] bool ok() const { return experiment.has_value(); }
    /// Every issue on its own line, each prefixed with `file`.
    [[nodiscard]] std::string messages(const std::string& file) const;
};

/// Limits that keep hostile files from exhausting memory or time.
struct ExperimentLimits {
    static constexpr long long maxFileBytes = 16 * 1024 * 1024;
    static constexpr int maxDepth = 32;
    static constexpr long long maxSteps = 100'000'000; ///< function problems (traces stream)
    static constexpr int maxRuns = 64;
    static constexpr long long maxEpochs = 100'000;
    static constexpr long long maxSamples = 10'000'000;
    static constexpr long long maxHiddenUnits = 4096;
    static constexpr int maxHiddenLayers = 16;
    static constexpr long long maxBatchSize = 65536;
    static constexpr double maxDatasetNoise = 100.0; ///< toy sets' noise
    static constexpr double maxSplit = 0.9;          ///< validation_split, test_split
    /// Seeds are whole numbers a double holds exactly: 0 .. 2^53 − 1.
    static constexpr double maxSeed = 9007199254740991.0;
};

/// Parse and validate an experiment from JSON text.
ExperimentParseResult parseExperiment(std::string_view json);

/// Read and validate a file; I/O problems are reported as an issue with an empty path.
ExperimentParseResult loadExperiment(const std::string& filePath);

/// The input of `optiscope-cli schedule` (SPEC §2): {"lr", "steps", "schedule", "metrics"}.
struct ScheduleRequest {
    double lr = 0.0;
    long long steps = 0;
    std::optional<ScheduleConfig> schedule; ///< absent: constant
    std::vector<double> metrics;            ///< metric i is observed after update i
};

struct ScheduleRequestParseResult {
    std::optional<ScheduleRequest> request;
    std::vector<ValidationIssue> issues;
    [[nodiscard]] std::string messages(const std::string& file) const;
};

ScheduleRequestParseResult parseScheduleRequest(std::string_view json);
ScheduleRequestParseResult loadScheduleRequest(const std::string& filePath);

/// The experiment as JSON text (pretty-printed, every hyper-parameter written out, numbers
/// written so that they read back bit-exact).
std::string experimentToJson(const Experiment& experiment);

/// Write atomically; on failure returns false and sets `error` (naming the file and reason).
bool saveExperiment(const Experiment& experiment, const std::string& filePath, std::string* error);

} // namespace optiscope
