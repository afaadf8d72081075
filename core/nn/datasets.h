// Datasets for the small networks: the 2-D toy sets, the shipped 8×8 digits, user CSV files,
// MNIST IDX files and CIFAR-10 binary batches from a folder on the user's disk (never downloaded).
//
// A Dataset holds float inputs, one row per sample (images in HWC order, pixels scaled to [0, 1];
// toy sets in their own plane coordinates; CSV features as read), and either class labels or
// regression targets. Standardisation is fitted on the training part only (splitDataset()), and
// the fitted Standardizer is kept so that a GUI can map its plane onto the network's inputs.
//
// Every loader reports a broken file by throwing DataError, whose message names the file and what
// is wrong ("train-images-idx3-ubyte: wrong magic number 0x00000801, expected 0x00000803").
#pragma once

#include "core/nn/layers.h"

#include <Eigen/Core>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace optiscope::nn {

/// A data file that is missing, unreadable, truncated or not in the expected format.
class DataError : public std::runtime_error {
public:
    DataError(std::string file, std::string reason)
        : std::runtime_error(file + ": " + reason), m_file(std::move(file)),
          m_reason(std::move(reason)) {}
    [[nodiscard]] const std::string& file() const { return m_file; }
    [[nodiscard]] const std::string& reason() const { return m_reason; }

private:
    std::string m_file;
    std::string m_reason;
};

enum class Task { Classification, Regression };

struct Dataset {
    using Matrix = Types<float>::Matrix;

    std::string name;
    Task task = Task::Classification;
    Matrix inputs;           ///< n × features
    std::vector<int> labels; ///< classification: n labels in [0, classNames.size())
    Matrix targets;          ///< regression: n × outputs
    std::vector<std::string> classNames;
    std::vector<std::string> featureNames; ///< tabular and toy sets ("x", "y", ...)
    /// Images: the shape of one sample (HWC order in each row); {features, 1, 1} otherwise.
    Shape shape;
    bool isImage = false;

    [[nodiscard]] Eigen::Index size() const { return inputs.rows(); }
    [[nodiscard]] Eigen::Index features() const { return inputs.cols(); }
    [[nodiscard]] Eigen::Index classes() const {
        return static_cast<Eigen::Index>(classNames.size());
    }
    /// Outputs a network needs: classes, or target columns.
    [[nodiscard]] Eigen::Index outputs() const {
        return task == Task::Classification ? classes() : targets.cols();
    }
    /// The samples at `indices`, in that order.
    [[nodiscard]] Dataset subset(const std::vector<Eigen::Index>& indices) const;
};

/// Per-feature affine map x ↦ (x − mean)·invStd fitted on training data.
struct Standardizer {
    Eigen::RowVectorXf mean;
    Eigen::RowVectorXf invStd;
    /// Feature standardisation (tabular, toy sets): each column to mean 0, std 1 (constant
    /// columns keep std 1). Images: one mean/std per channel, shared by all its pixels.
    static Standardizer fit(const Dataset& data);
    void apply(Dataset::Matrix& inputs) const;
};

// --- toy 2-D sets -----------------------------------------------------------------------------

/// Names of the toy sets: spirals, circles, xor, gaussians, moons (classification), sine
/// (regression).
const std::vector<std::string>& toyDatasetNames();
bool isToyDataset(const std::string& name);

/// A toy set of `samples` points with Gaussian `noise` (in plane units), the same for a seed on
/// every platform (std::mt19937_64 with hand-written transforms):
/// - spirals: two interleaved arms, r ∈ [0, 1], 1.75 turns each (2 classes);
/// - circles: an inner disc (r < 0.5) and an outer ring (0.7 < r < 1) (2 classes);
/// - xor: uniform in [−1, 1]², class = sign(x)·sign(y) (2 classes);
/// - gaussians: three blobs of std 0.25 + noise around points on the unit circle (3 classes);
/// - moons: scikit-learn's two interleaving half circles (2 classes);
/// - sine: x uniform in [−π, π], target sin(x) + noise (regression, one input feature).
/// Throws std::invalid_argument for an unknown name or samples < 2.
Dataset makeToyDataset(const std::string& name, Eigen::Index samples, double noise,
                       std::uint64_t seed);

/// Extra input features for 2-D sets, computed from the first two columns (x, y): "x2", "y2",
/// "xy", "sinx", "siny" (TensorFlow Playground's). Appended in the given order. Throws
/// std::invalid_argument on an unknown name.
void addExtraFeatures(Dataset& data, const std::vector<std::string>& extras);
const std::vector<std::string>& extraFeatureNames();

// --- files ------------------------------------------------------------------------------------

/// The 8×8 digits CSV (64 pixel values 0..16, then the label; no header; may be gzip-compressed).
/// Pixels are scaled to [0, 1]. `maxSamples` > 0 keeps the first ones.
Dataset loadDigits(const std::string& path, Eigen::Index maxSamples = 0);

/// The digits shipped with OptiScope (resources/digits.csv.gz, compiled into the library): 1,797
/// samples of the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin & Kaynak,
/// 1998, CC BY 4.0).
Dataset loadShippedDigits(Eigen::Index maxSamples = 0);

/// Where a digits file is on disk (for users who replace it): the first existing
/// `resources/digits.csv.gz` or `share/optiscope/digits.csv.gz` in `executableDir` or up to three
/// folders above it. Empty if none.
std::string findDigitsFile(const std::string& executableDir = {});

/// A user CSV file: a header row, comma-separated numeric cells (quotes allowed), one column the
/// target named `targetColumn` (or given as a 0-based index). Classification: the target's
/// distinct values are the classes (numbers in numeric order, otherwise text in text order);
/// regression: the target must be numeric. Empty lines are skipped.
Dataset loadCsv(const std::string& path, const std::string& targetColumn, Task task,
                Eigen::Index maxSamples = 0);

/// MNIST (or Fashion-MNIST) IDX files in `folder`: train-images-idx3-ubyte and
/// train-labels-idx1-ubyte (`test`: t10k-...), optionally gzip-compressed (.gz), also with a '.'
/// instead of the last '-'. Pixels scaled to [0, 1], shape 1×28×28 (or the file's).
Dataset loadMnist(const std::string& folder, bool test = false, Eigen::Index maxSamples = 0);

/// CIFAR-10 binary batches in `folder` (or its `cifar-10-batches-bin` sub-folder):
/// data_batch_1.bin … data_batch_5.bin (`test`: test_batch.bin); each record is a label byte and
/// 3×32×32 channel-planar pixels. Those present of batches 1-5 are read (at least one is needed).
/// Class names come from batches.meta.txt when present. Stored HWC, scaled to [0, 1].
Dataset loadCifar10(const std::string& folder, bool test = false, Eigen::Index maxSamples = 0);

/// Reads a whole file, transparently gunzipping when it starts with the gzip magic. Throws
/// DataError (missing, unreadable, corrupt or truncated gzip stream).
std::vector<std::uint8_t> readFileBytes(const std::string& path);
/// Gunzips `bytes` if they start with the gzip magic; `name` is used in error messages.
std::vector<std::uint8_t> decodeBytes(const std::string& name, std::vector<std::uint8_t> bytes);

// --- splitting --------------------------------------------------------------------------------

struct DataSplit {
    Dataset train;
    Dataset validation;        ///< empty (0 rows) when the fraction is 0
    Dataset test;              ///< held out, evaluated once after training; may be empty
    Standardizer standardizer; ///< fitted on `train`, already applied to all three
};

/// Shuffle with `seed`; hold out round(testFraction·n) samples as the test set first, then
/// round(validationFraction·(n − test)) of the rest for validation (each at least 1 when its
/// fraction is > 0 and samples remain), keeping the rest, in shuffled order, for training. Fit
/// standardisation on the training part and apply it to all three. With testFraction 0 the
/// validation and training parts are those of earlier versions for the same seed.
DataSplit splitDataset(const Dataset& data, double validationFraction, std::uint64_t seed,
                       bool standardize = true, double testFraction = 0.0);

/// A recognised public data set's class names for a labels file's first labels and size, e.g.
/// Fashion-MNIST's "T-shirt/top", "Trouser", ... (IDX files carry no names); empty if unknown.
std::vector<std::string> knownClassNames(const std::vector<int>& labels, std::size_t count);

/// A seeded Fisher-Yates permutation of 0..n-1 (platform-stable).
std::vector<Eigen::Index> shuffledIndices(Eigen::Index n, std::uint64_t seed);

} // namespace optiscope::nn
