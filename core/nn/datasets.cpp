// Dataset helpers, toy 2-D sets and the train/validation split.
#include "core/nn/datasets.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace optiscope::nn {

using Eigen::Index;

namespace {

/// Platform-stable random numbers: std::mt19937_64 (fully specified by the standard) with
/// hand-written transforms (the standard distributions are implementation-defined).
class StableRandom {
public:
    explicit StableRandom(std::uint64_t seed) : m_rng(seed) {}
    /// [0, 1)
    double uniform() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Standard normal by Box-Muller (one value per call).
    double normal() {
        const double u1 = (static_cast<double>(m_rng() >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    /// Integer in [0, bound); the modulo bias is below 2^-40 for any bound we use.
    std::uint64_t below(std::uint64_t bound) { return m_rng() % bound; }

private:
    std::mt19937_64 m_rng;
};

Dataset makeClassification(std::string name, Index n, int classes) {
    Dataset d;
    d.name = std::move(name);
    d.task = Task::Classification;
    d.inputs.resize(n, 2);
    d.labels.resize(static_cast<std::size_t>(n));
    for (int c = 0; c < classes; ++c)
        d.classNames.push_back(std::to_string(c));
    d.featureNames = {"x", "y"};
    d.shape = Shape{2, 1, 1};
    return d;
}

} // namespace

Dataset Dataset::subset(const std::vector<Index>& indices) const {
    Dataset out;
    out.name = name;
    out.task = task;
    out.classNames = classNames;
    out.featureNames = featureNames;
    out.shape = shape;
    out.isImage = isImage;
    const auto n = static_cast<Index>(indices.size());
    out.inputs.resize(n, inputs.cols());
    if (task == Task::Classification)
        out.labels.resize(indices.size());
    else
        out.targets.resize(n, targets.cols());
    for (Index i = 0; i < n; ++i) {
        const Index src = indices[static_cast<std::size_t>(i)];
        out.inputs.row(i) = inputs.row(src);
        if (task == Task::Classification)
            out.labels[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(src)];
        else
            out.targets.row(i) = targets.row(src);
    }
    return out;
}

Standardizer Standardizer::fit(const Dataset& data) {
    Standardizer s;
    const Index f = data.features();
    s.mean = Eigen::RowVectorXf::Zero(f);
    s.invStd = Eigen::RowVectorXf::Ones(f);
    const Index n = data.size();
    if (n == 0)
        return s;
    if (data.isImage) {
        const Index c = data.shape.channels;
        std::vector<double> sum(static_cast<std::size_t>(c), 0.0), sq(sum);
        for (Index i = 0; i < n; ++i)
            for (Index j = 0; j < f; ++j) {
                const double v = data.inputs(i, j);
                sum[static_cast<std::size_t>(j % c)] += v;
                sq[static_cast<std::size_t>(j % c)] += v * v;
            }
        const double count = static_cast<double>(n) * static_cast<double>(f / c);
        for (Index ch = 0; ch < c; ++ch) {
            const double m = sum[static_cast<std::size_t>(ch)] / count;
            const double var = std::max(0.0, sq[static_cast<std::size_t>(ch)] / count - m * m);
            const double inv = var > 1e-12 ? 1.0 / std::sqrt(var) : 1.0;
            for (Index j = ch; j < f; j += c) {
                s.mean[j] = static_cast<float>(m);
                s.invStd[j] = static_cast<float>(inv);
            }
        }
        return s;
    }
    for (Index j = 0; j < f; ++j) {
        double sum = 0, sq = 0;
        for (Index i = 0; i < n; ++i) {
            const double v = data.inputs(i, j);
            sum += v;
            sq += v * v;
        }
        const double m = sum / static_cast<double>(n);
        const double var = std::max(0.0, sq / static_cast<double>(n) - m * m);
        s.mean[j] = static_cast<float>(m);
        s.invStd[j] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
    }
    return s;
}

void Standardizer::apply(Dataset::Matrix& inputs) const {
    if (mean.size() != inputs.cols())
        return;
    inputs.rowwise() -= mean;
    inputs.array().rowwise() *= invStd.array();
}

const std::vector<std::string>& toyDatasetNames() {
    static const std::vector<std::string> names{"spirals",   "circles", "xor",
                                                "gaussians", "moons",   "sine"};
    return names;
}

bool isToyDataset(const std::string& name) {
    const auto& names = toyDatasetNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

Dataset makeToyDataset(const std::string& name, Index samples, double noise, std::uint64_t seed) {
    if (samples < 2)
        throw std::invalid_argument("a toy data set needs at least 2 samples");
    StableRandom rng(seed);
    const double pi = std::numbers::pi;
    if (name == "spirals") {
        Dataset d = makeClassification(name, samples, 2);
        const Index perClass = (samples + 1) / 2;
        for (Index i = 0; i < samples; ++i) {
            const int c = static_cast<int>(i % 2);
            const double t = static_cast<double>(i / 2) / static_cast<double>(perClass);
            const double angle = 1.75 * t * 2.0 * pi + c * pi;
            d.inputs(i, 0) = static_cast<float>(t * std::sin(angle) + noise * rng.normal());
            d.inputs(i, 1) = static_cast<float>(t * std::cos(angle) + noise * rng.normal());
            d.labels[static_cast<std::size_t>(i)] = c;
        }
        return d;
    }
    if (name == "circles") {
        Dataset d = makeClassification(name, samples, 2);
        for (Index i = 0; i < samples; ++i) {
            const int c = static_cast<int>(i % 2);
            const double r = c == 0 ? rng.uniform(0.0, 0.5) : rng.uniform(0.7, 1.0);
            const double a = rng.uniform(0.0, 2.0 * pi);
            d.inputs(i, 0) = static_cast<float>(r * std::cos(a) + noise * rng.normal());
            d.inputs(i, 1) = static_cast<float>(r * std::sin(a) + noise * rng.normal());
            d.labels[static_cast<std::size_t>(i)] = c;
        }
        return d;
    }
    if (name == "xor") {
        Dataset d = makeClassification(name, samples, 2);
        for (Index i = 0; i < samples; ++i) {
            const double x = rng.uniform(-1.0, 1.0), y = rng.uniform(-1.0, 1.0);
            d.inputs(i, 0) = static_cast<float>(x + noise * rng.normal());
            d.inputs(i, 1) = static_cast<float>(y + noise * rng.normal());
            d.labels[static_cast<std::size_t>(i)] = (x >= 0) == (y >= 0) ? 0 : 1;
        }
        return d;
    }
    if (name == "gaussians") {
        Dataset d = makeClassification(name, samples, 3);
        for (Index i = 0; i < samples; ++i) {
            const int c = static_cast<int>(i % 3);
            const double a = pi / 2.0 + c * 2.0 * pi / 3.0;
            d.inputs(i, 0) = static_cast<float>(std::cos(a) + (0.25 + noise) * rng.normal());
            d.inputs(i, 1) = static_cast<float>(std::sin(a) + (0.25 + noise) * rng.normal());
            d.labels[static_cast<std::size_t>(i)] = c;
        }
        return d;
    }
    if (name == "moons") {
        Dataset d = makeClassification(name, samples, 2);
        const Index outer = (samples + 1) / 2, inner = samples - outer;
        for (Index i = 0; i < samples; ++i) {
            const int c = static_cast<int>(i % 2);
            const Index k = i / 2;
            const Index count = c == 0 ? outer : inner;
            const double t =
                count > 1 ? pi * static_cast<double>(k) / static_cast<double>(count - 1) : 0.0;
            const double x = c == 0 ? std::cos(t) : 1.0 - std::cos(t);
            const double y = c == 0 ? std::sin(t) : 0.5 - std::sin(t);
            d.inputs(i, 0) = static_cast<float>(x + noise * rng.normal());
            d.inputs(i, 1) = static_cast<float>(y + noise * rng.normal());
            d.labels[static_cast<std::size_t>(i)] = c;
        }
        return d;
    }
    if (name == "sine") {
        Dataset d;
        d.name = name;
        d.task = Task::Regression;
        d.inputs.resize(samples, 1);
        d.targets.resize(samples, 1);
        d.featureNames = {"x"};
        d.shape = Shape{1, 1, 1};
        for (Index i = 0; i < samples; ++i) {
            const double x = rng.uniform(-pi, pi);
            d.inputs(i, 0) = static_cast<float>(x);
            d.targets(i, 0) = static_cast<float>(std::sin(x) + noise * rng.normal());
        }
        return d;
    }
    throw std::invalid_argument("unknown toy data set '" + name + "'");
}

const std::vector<std::string>& extraFeatureNames() {
    static const std::vector<std::string> names{"x2", "y2", "xy", "sinx", "siny"};
    return names;
}

void addExtraFeatures(Dataset& data, const std::vector<std::string>& extras) {
    if (extras.empty())
        return;
    const Index n = data.size(), f = data.features();
    if (f < 1)
        throw std::invalid_argument("extra features need at least one input column");
    for (const auto& e : extras) {
        const auto& names = extraFeatureNames();
        if (std::find(names.begin(), names.end(), e) == names.end())
            throw std::invalid_argument("unknown extra feature '" + e + "'");
        if ((e == "y2" || e == "xy" || e == "siny") && f < 2)
            throw std::invalid_argument("extra feature '" + e + "' needs a y column");
    }
    Dataset::Matrix in(n, f + static_cast<Index>(extras.size()));
    in.leftCols(f) = data.inputs;
    for (std::size_t k = 0; k < extras.size(); ++k) {
        const std::string& e = extras[k];
        auto col = in.col(f + static_cast<Index>(k));
        auto x = data.inputs.col(0).array();
        if (e == "x2")
            col = x.square().matrix();
        else if (e == "sinx")
            col = x.sin().matrix();
        else {
            auto y = data.inputs.col(1).array();
            if (e == "y2")
                col = y.square().matrix();
            else if (e == "xy")
                col = (x * y).matrix();
            else
                col = y.sin().matrix();
        }
        data.featureNames.push_back(e);
    }
    data.inputs = std::move(in);
    data.shape = Shape{data.inputs.cols(), 1, 1};
}

std::vector<Index> shuffledIndices(Index n, std::uint64_t seed) {
    std::vector<Index> p(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i)
        p[static_cast<std::size_t>(i)] = i;
    StableRandom rng(seed);
    for (Index i = n - 1; i > 0; --i) {
        const auto j = static_cast<Index>(rng.below(static_cast<std::uint64_t>(i + 1)));
        std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
    }
    return p;
}

DataSplit splitDataset(const Dataset& data, double validationFraction, std::uint64_t seed,
                       bool standardize, double testFraction) {
    const Index n = data.size();
    auto heldOut = [](double fraction, Index available) {
        if (!(fraction > 0) || available < 2)
            return Index(0);
        const auto k = static_cast<Index>(std::llround(fraction * static_cast<double>(available)));
        return std::clamp<Index>(k, 1, available - 1);
    };
    const Index nTest = heldOut(testFraction, n);
    const Index nVal = heldOut(validationFraction, n - nTest);
    const std::vector<Index> perm = shuffledIndices(n, seed);
    const auto first = perm.begin();
    std::vector<Index> testIdx(first, first + nTest);
    std::vector<Index> valIdx(first + nTest, first + nTest + nVal);
    std::vector<Index> trainIdx(first + nTest + nVal, perm.end());
    DataSplit split;
    split.train = data.subset(trainIdx);
    split.validation = data.subset(valIdx);
    split.test = data.subset(testIdx);
    if (standardize) {
        split.standardizer = Standardizer::fit(split.train);
        split.standardizer.apply(split.train.inputs);
        split.standardizer.apply(split.validation.inputs);
        split.standardizer.apply(split.test.inputs);
    } else {
        split.standardizer.mean = Eigen::RowVectorXf::Zero(data.features());
        split.standardizer.invStd = Eigen::RowVectorXf::Ones(data.features());
    }
    return split;
}

std::vector<std::string> knownClassNames(const std::vector<int>& labels, std::size_t count) {
    // Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): the first labels of its training and test
    // files, which differ from MNIST's (5 0 4 1 9 ... and 7 2 1 0 4 ...).
    static const std::vector<int> fashionTrain = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9};
    static const std::vector<int> fashionTest = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1};
    auto startsWith = [&](const std::vector<int>& head) {
        return labels.size() >= head.size() && std::equal(head.begin(), head.end(), labels.begin());
    };
    if ((count == 60000 && startsWith(fashionTrain)) || (count == 10000 && startsWith(fashionTest)))
        return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return {};
}

} // namespace optiscope::nn
