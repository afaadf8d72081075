// The experiment: what the JSON file of SPEC §2/§4 holds, as plain validated values.
#pragma once

#include "core/common/params.h"
#include "core/functions/custom_function.h"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

struct NoiseConfig {
    double stddev = 0.0;
    std::uint64_t seed = 0;
    bool operator==(const NoiseConfig&) const = default;
};

struct FunctionProblem {
    std::string function = "rosenbrock";
    ParamSet params; ///< the function's constants, defaults filled in
    Eigen::Vector2d start{-1.5, 2.0};
    std::optional<NoiseConfig> noise;
    /// function == "custom": the typed function (expression, constants, bounds, minima).
    CustomFunctionRef custom;
    bool operator==(const FunctionProblem&) const = default;
};

/// The function's description: the custom function's own, or the catalog entry (null if unknown).
const FunctionInfo* functionInfo(const FunctionProblem& problem);

struct DatasetConfig {
    std::string name =
        "spirals"; ///< spirals, circles, xor, gaussians, moons, sine, digits, csv, mnist, cifar10
    long long samples = 500;
    double noise = 0.1;
    std::uint64_t seed = 1;
    std::string path;         ///< csv file, or mnist/cifar10 folder
    std::string targetColumn; ///< csv
    bool operator==(const DatasetConfig&) const = default;
};

struct ModelConfig {
    std::string architecture = "mlp"; ///< "mlp" or "lenet5"
    std::vector<long long> hidden{16, 16};
    std::string activation = "tanh";
    std::vector<std::string> extraFeatures; ///< toy 2D sets: x2, y2, xy, sinx, siny
    /// "torch": PyTorch 1.13's default init of nn.Linear/nn.Conv2d (weights and biases uniform in
    /// ±1/√fan_in); "keras": glorot_uniform weights, zero biases.
    std::string init = "torch";
    bool operator==(const ModelConfig&) const = default;
};

struct NetworkProblem {
    DatasetConfig dataset;
    double validationSplit = 0.2;
    /// Fraction held out as a test set before the validation split (sets without test files).
    double testSplit = 0.0;
    ModelConfig model;
    std::string loss = "cross_entropy"; ///< or "mse"
    long long batchSize = 32;
    long long epochs = 30;
    std::uint64_t seed = 1;
    bool operator==(const NetworkProblem&) const = default;
};

struct OptimizerConfig {
    std::string type = "adam";
    ParamSet params; ///< defaults filled in
    bool operator==(const OptimizerConfig&) const = default;
};

struct ScheduleConfig {
    std::string type = "constant";
    ParamSet params;          ///< defaults filled in
    std::string per = "step"; ///< network problems: "step" or "epoch"
    bool operator==(const ScheduleConfig&) const = default;
};

struct RunConfig {
    std::string name = "Run";
    OptimizerConfig optimizer;
    std::optional<ScheduleConfig> schedule; ///< absent: constant lr
    bool compareWithoutSchedule = false;
    std::string color;   ///< "#rrggbb", optional (app only)
    bool visible = true; ///< app only
    bool operator==(const RunConfig&) const = default;
};

/// `{"from", "to", "num", "scale"}`: how a grid axis's values were given (kept to write them back).
struct GridRange {
    double from = 0.0;
    double to = 0.0;
    int num = 0;
    bool log = false;
    bool operator==(const GridRange&) const = default;
};

/// One key of a study's grid (SPEC §6): a path into every run (`optimizer.lr`,
/// `schedule.decay_rate`, `optimizer.betas[1]`) or into the problem (`problem.start[0]`,
/// `problem.noise.std`, `problem.batch_size`), or `steps`, and the values it takes.
struct GridAxis {
    std::string key;
    std::vector<ParamValue> values; ///< numbers, booleans, strings or lists of numbers
    std::optional<GridRange> range; ///< set when the values were given as a range
    bool operator==(const GridAxis&) const = default;

    /// Every value is a number.
    [[nodiscard]] bool numeric() const;
    /// Given as a log range, or positive numbers whose ratios are (nearly) constant.
    [[nodiscard]] bool logSpaced() const;
};

/// A study: the experiment repeated with paired seeds, over a grid of configurations (SPEC §6).
struct StudySpec {
    int repeats = 1;            ///< repeat r adds r to every seed of the problem
    std::vector<GridAxis> grid; ///< cells are the cross product, the last key varying fastest
    std::string metric;         ///< the metric tables and plots lead with; "" = the default
    bool operator==(const StudySpec&) const = default;
};

/// The text of a grid value as tables show it: 0.001, true, adam, [16, 16].
std::string gridValueText(const ParamValue& value);

struct Experiment {
    enum class ProblemType { Function, Network };
    std::string title;
    ProblemType problemType = ProblemType::Function;
    FunctionProblem function;
    NetworkProblem network;
    long long steps = 500; ///< function problems
    std::vector<RunConfig> runs;
    std::optional<StudySpec> study; ///< set: `optiscope-cli study` runs it (SPEC §6)
    bool operator==(const Experiment&) const = default;

    /// The experiment `optiscope` opens at first launch (SPEC §2).
    static Experiment defaultExperiment();
};

/// What a twin's name adds to its run's: "Adam" → "Adam (no decay)".
inline constexpr const char* kTwinNameSuffix = " (no decay)";

/// A run as executed: a configured run or its no-decay twin.
struct RunInstance {
    int configIndex = 0; ///< index in Experiment::runs
    bool twin = false;   ///< the "(no decay)" copy: same everything, constant lr
    std::string name;    ///< "Adam" or "Adam (no decay)"
    std::string slug;    ///< "adam" or "adam-no-decay"
};

/// The runs to execute, twins right after their original, with unique slugs.
std::vector<RunInstance> expandRuns(const Experiment& experiment);

/// "Adam (lr=0.1)" -> "adam-lr-0-1": lower case, runs of non-alphanumerics as one '-'.
std::string slugify(const std::string& name);

} // namespace optiscope
