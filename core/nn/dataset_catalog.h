// The data sets a network problem can name, each declared once: what it is, where its samples come
// from, whether it holds its own test set, and how it is loaded. The experiment reader, the study
// planner, the network editor, `optiscope-cli list` and the loader all read this table, so a new
// data set is one entry here (and its loader).
#pragma once

#include "core/nn/datasets.h"

#include <functional>
#include <string>
#include <vector>

namespace optiscope::nn {

/// What a loader gets: the experiment's dataset fields, with a file path already resolved.
struct DatasetRequest {
    std::string name;
    Eigen::Index samples = 500;       ///< toy sets
    double noise = 0.1;               ///< toy sets
    std::uint64_t seed = 1;           ///< toy sets
    std::string path;                 ///< file sets: the file or folder, resolved
    std::string targetColumn;         ///< csv
    Task task = Task::Classification; ///< csv: what the loss asks for
    bool test = false;                ///< the data set's own test files (testFiles non-empty)
    Eigen::Index maxFileSamples = 0;
    std::string digitsFile; ///< digits: a file instead of the shipped copy
};

struct DatasetInfo {
    enum class Source {
        Generated, ///< made from samples, noise and seed (the 2-D toy sets, sine)
        Shipped,   ///< compiled into OptiScope (digits)
        File,      ///< the user's file or folder: `path` required
    };
    std::string name;        ///< "mnist"
    std::string description; ///< for `list` and the editor's tooltip
    Source source = Source::Generated;
    bool images = false;     ///< image samples LeNet-5 can take
    bool regression = false; ///< its target is a number (sine); csv: decided by the loss
    std::string pathWhat;    ///< File: what `path` names ("a CSV file", "the folder ...")
    std::string testFiles;   ///< non-empty: it holds its own test set, these files
    std::function<Dataset(const DatasetRequest&)> load;
};

const std::vector<DatasetInfo>& datasetCatalog();
/// The entry of `name`, or null.
const DatasetInfo* findDataset(const std::string& name);
/// Every name, in catalog order.
std::vector<std::string> datasetNames();

} // namespace optiscope::nn
