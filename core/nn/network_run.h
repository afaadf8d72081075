// From an experiment's network problem (SPEC §4) to data and trainers: the glue the CLI and the
// GUI worker share.
#pragma once

#include "core/experiment/experiment.h"
#include "core/nn/datasets.h"
#include "core/nn/trainer.h"

#include <memory>
#include <string>

namespace optiscope::nn {

/// Where data files are found.
struct DataLocations {
    /// A digits file to use instead of the built-in copy (loadShippedDigits()); empty: built-in.
    std::string digitsFile;
    /// Relative `path`s of csv/mnist/cifar10 data sets are resolved against this folder (the
    /// experiment file's folder); empty: the current directory.
    std::string baseDir;
    /// csv/digits/mnist/cifar10: use at most this many samples (the first ones); 0: all. (The
    /// experiment's `samples` sizes the toy sets only.)
    Eigen::Index maxFileSamples = 0;
};

/// The data set of `problem` as loaded, before splitting: toy sets generated (with the model's
/// extra features), files read. Throws DataError for a missing or broken file and
/// std::invalid_argument for a combination that cannot work (cross-entropy on `sine`).
Dataset loadNetworkDataset(const NetworkProblem& problem, const DataLocations& where);

/// A data set as loaded, with the test set its files provide (MNIST's t10k-* files, CIFAR-10's
/// test_batch.bin; empty for the other sets, which hold theirs out with `test_split`).
struct NetworkData {
    Dataset data;
    Dataset test;
};

/// loadNetworkDataset() and, for mnist and cifar10, their test files (a missing or broken test
/// file throws DataError naming it).
NetworkData loadNetworkData(const NetworkProblem& problem, const DataLocations& where);

/// `loaded` split with problem.seed (test_split, then validation_split) and standardised (fitted
/// on the training part).
std::shared_ptr<const DataSplit> splitNetworkData(const NetworkData& loaded,
                                                  const NetworkProblem& problem);

/// Loaded and split. Shared, read-only, by every run of the experiment.
std::shared_ptr<const DataSplit> prepareNetworkData(const NetworkProblem& problem,
                                                    const DataLocations& where);

/// Throws MemoryBudgetError (core/nn/memory_budget.h) when `runs` runs of `problem` existing at
/// once on `data` would exceed the memory budget — to be called before building the trainers.
void checkNetworkMemory(const NetworkProblem& problem, const DataSplit& data, long long runs);

/// The model of `problem` for `data`, initialised as problem.model.init says with problem.seed
/// (the same for every run and its twin). Throws std::invalid_argument (e.g. LeNet-5 on tabular
/// data).
std::unique_ptr<Network<float>> buildNetworkModel(const NetworkProblem& problem,
                                                  const Dataset& data);

/// The trainer of one run instance: its optimizer, its schedule (none for the no-decay twin),
/// `"per": "epoch"` and plateau schedules stepped per epoch, shuffling seeded by problem.seed.
/// Throws std::invalid_argument for an unknown optimizer/schedule or an impossible model.
/// `recordInitialEpoch` false: no evaluation pass before the first update (a timing probe).
std::unique_ptr<NetworkTrainer> makeNetworkTrainer(const Experiment& experiment,
                                                   const RunInstance& instance,
                                                   std::shared_ptr<const DataSplit> data,
                                                   bool recordInitialEpoch = true);

} // namespace optiscope::nn
