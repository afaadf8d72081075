// The experiment: what the JSON file of SPEC §2/§4 holds, as plain validated values.
#pragma once

#include "core/common/params.h"

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
    bool operator==(const FunctionProblem&) const = default;
};

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
    bool operator==(const ModelConfig&) const = default;
};

struct NetworkProblem {
    DatasetConfig dataset;
    double validationSplit = 0.2;
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

struct Experiment {
    enum class ProblemType { Function, Network };
    std::string title;
    ProblemType problemType = ProblemType::Function;
    FunctionProblem function;
    NetworkProblem network;
    long long steps = 500; ///< function problems
    std::vector<RunConfig> runs;
    bool operator==(const Experiment&) const = default;

    /// The experiment `optiscope` opens at first launch (SPEC §2).
    static Experiment defaultExperiment();
};

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
