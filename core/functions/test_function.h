// The 2D test functions of SPEC §2, with analytic gradients in double precision, their known
// minima (which may depend on the constants) and plot bounds that show the interesting part.
//
// Catalog (functionCatalog(), in this order): rosenbrock (a, b), beale, himmelblau, booth,
// rastrigin (A), ackley (a, b, c), three_hump_camel, six_hump_camel, matyas, goldstein_price,
// styblinski_tang (with the ½), quadratic_bowl (c1, c2), saddle, and the extras mccormick,
// levi (Lévi N.13) and easom — see Surjanovic & Bingham, "Virtual Library of Simulation
// Experiments" (sfu.ca/~ssurjano) for each. Values and gradients follow the PyTorch reference
// expressions term by term (bit-identical for the purely arithmetic functions).
// Ackley's gradient is undefined at the origin (a cone); gradient() returns 0 there.
#pragma once

#include "core/common/params.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace optiscope {

class CustomFunction;

struct PlotBounds {
    double xMin, xMax, yMin, yMax;
};

struct FunctionInfo {
    std::string name;    ///< "rosenbrock"
    std::string title;   ///< "Rosenbrock"
    std::string formula; ///< "(a − x)² + b(y − x²)²"
    ParamTable params;   ///< constants, e.g. a (1), b (100)
    PlotBounds bounds;   ///< a view that shows the valley/minima and a usual start
    Eigen::Vector2d defaultStart;
    bool bounded = true; ///< false for the saddle (no minimum)
    /// Set on the info of a typed function (core/functions/custom_function.h), null otherwise.
    const CustomFunction* custom = nullptr;
};

class TestFunction {
public:
    /// `params` must be validated against info.params (missing constants take defaults). `info`
    /// is a catalog entry or a CustomFunction's info (which the TestFunction then shares).
    TestFunction(const FunctionInfo& info, const ParamSet& params);

    [[nodiscard]] const FunctionInfo& info() const { return *m_info; }
    [[nodiscard]] double value(const Eigen::Vector2d& p) const;
    [[nodiscard]] Eigen::Vector2d gradient(const Eigen::Vector2d& p) const;
    /// Value and gradient in one call (cheaper where they share terms).
    double evaluate(const Eigen::Vector2d& p, Eigen::Vector2d& grad) const;
    /// Global minima for these constants (empty when unbounded).
    [[nodiscard]] std::vector<Eigen::Vector2d> minima() const;
    [[nodiscard]] double constant(const std::string& name) const;

private:
    const FunctionInfo* m_info;
    int m_id;
    double m_c[4] = {0, 0, 0, 0};
    std::shared_ptr<const CustomFunction> m_custom; ///< set for a typed function
    std::vector<double> m_customParams;             ///< its constants, in paramNames() order
};

const std::vector<FunctionInfo>& functionCatalog();
const FunctionInfo* findFunction(const std::string& name);

/// Gaussian gradient noise whose sequence depends only on the seed: std::mt19937_64 (its output
/// is fixed by the C++ standard) and a Box–Muller transform written here, because
/// std::normal_distribution differs between standard libraries.
class GradientNoise {
public:
    GradientNoise(double stddev, std::uint64_t seed);
    /// The next standard-normal value times stddev.
    double next();
    void reset();

private:
    double m_std;
    std::uint64_t m_seed;
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

} // namespace optiscope
