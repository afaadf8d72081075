#include "core/nn/network_run.h"

#include "core/nn/dataset_catalog.h"
#include "core/nn/memory_budget.h"
#include "core/optim/update_rule.h"
#include "core/run/run_parts.h"
#include "core/schedule/lr_schedule.h"

#include <filesystem>
#include <stdexcept>

namespace optiscope::nn {

namespace {

std::string resolve(const std::string& path, const DataLocations& where) {
    if (path.empty())
        return path;
    std::filesystem::path p(path);
    if (p.is_relative() && !where.baseDir.empty())
        p = std::filesystem::path(where.baseDir) / p;
    return p.string();
}

/// The loader's view of `problem` (`loss` decides whether a csv target is a class or a number).
DatasetRequest request(const NetworkProblem& problem, const DataLocations& where, LossKind loss,
                       bool test) {
    const DatasetConfig& cfg = problem.dataset;
    DatasetRequest r;
    r.name = cfg.name;
    r.samples = cfg.samples;
    r.noise = cfg.noise;
    r.seed = cfg.seed;
    if (!cfg.path.empty())
        r.path = resolve(cfg.path, where);
    r.targetColumn = cfg.targetColumn;
    r.task = loss == LossKind::Mse ? Task::Regression : Task::Classification;
    r.test = test;
    r.maxFileSamples = where.maxFileSamples;
    r.digitsFile = where.digitsFile;
    return r;
}

} // namespace

Dataset loadNetworkDataset(const NetworkProblem& problem, const DataLocations& where) {
    const DatasetConfig& cfg = problem.dataset;
    LossKind loss{};
    if (!parseLoss(problem.loss, &loss))
        throw std::invalid_argument("unknown loss '" + problem.loss + "'");
    const DatasetInfo* info = findDataset(cfg.name);
    if (!info)
        throw std::invalid_argument("unknown data set '" + cfg.name + "'");
    Dataset data = info->load(request(problem, where, loss, false));
    if (info->source == DatasetInfo::Source::Generated)
        addExtraFeatures(data, problem.model.extraFeatures);
    else if (!problem.model.extraFeatures.empty())
        throw std::invalid_argument("extra features apply to the 2-D toy data sets only");
    if (data.task == Task::Regression && loss == LossKind::CrossEntropy)
        throw std::invalid_argument("'" + cfg.name +
                                    "' is a regression data set: use the mse loss");
    return data;
}

NetworkData loadNetworkData(const NetworkProblem& problem, const DataLocations& where) {
    NetworkData out;
    out.data = loadNetworkDataset(problem, where);
    const DatasetConfig& cfg = problem.dataset;
    LossKind loss{};
    parseLoss(problem.loss, &loss); // checked by loadNetworkDataset()
    if (const DatasetInfo* info = findDataset(cfg.name); info && !info->testFiles.empty())
        out.test = info->load(request(problem, where, loss, true));
    if (out.test.size() > 0 && out.test.features() != out.data.features())
        throw DataError(resolve(cfg.path, where), "the test images have " +
                                                      std::to_string(out.test.features()) +
                                                      " values each, the training images " +
                                                      std::to_string(out.data.features()));
    return out;
}

std::shared_ptr<const DataSplit> splitNetworkData(const NetworkData& loaded,
                                                  const NetworkProblem& problem) {
    auto split = std::make_shared<DataSplit>(
        splitDataset(loaded.data, problem.validationSplit, problem.seed, true, problem.testSplit));
    if (loaded.test.size() > 0) {
        split->test = loaded.test;
        split->standardizer.apply(split->test.inputs);
    }
    return split;
}

std::shared_ptr<const DataSplit> prepareNetworkData(const NetworkProblem& problem,
                                                    const DataLocations& where) {
    return splitNetworkData(loadNetworkData(problem, where), problem);
}

void checkNetworkMemory(const NetworkProblem& problem, const DataSplit& data, long long runs) {
    const Dataset& train = data.train;
    const long long samples = train.size() + data.validation.size() + data.test.size();
    checkNetworkMemory(estimateNetworkMemory(problem, samples, train.features(), train.shape,
                                             train.isImage, train.outputs(), runs));
}

std::unique_ptr<Network<float>> buildNetworkModel(const NetworkProblem& problem,
                                                  const Dataset& data) {
    ModelSpec spec;
    if (problem.model.architecture == "lenet5") {
        if (!data.isImage)
            throw std::invalid_argument("LeNet-5 needs image data (digits, mnist, cifar10), not '" +
                                        data.name + "'");
        spec.architecture = ModelSpec::Architecture::LeNet5;
    } else if (problem.model.architecture != "mlp") {
        throw std::invalid_argument("unknown architecture '" + problem.model.architecture + "'");
    }
    if (!parseActivation(problem.model.activation, &spec.activation))
        throw std::invalid_argument("unknown activation '" + problem.model.activation + "'");
    spec.hidden.assign(problem.model.hidden.begin(), problem.model.hidden.end());
    auto net = buildModel<float>(spec, data.isImage ? data.shape : Shape{data.features(), 1, 1},
                                 data.outputs());
    InitScheme init{};
    if (!parseInitScheme(problem.model.init, &init))
        throw std::invalid_argument("unknown initialisation '" + problem.model.init + "'");
    net->initialize(problem.seed, init);
    return net;
}

std::unique_ptr<NetworkTrainer> makeNetworkTrainer(const Experiment& experiment,
                                                   const RunInstance& instance,
                                                   std::shared_ptr<const DataSplit> data,
                                                   bool recordInitialEpoch) {
    const NetworkProblem& problem = experiment.network;
    const RunConfig& run = experiment.runs.at(static_cast<std::size_t>(instance.configIndex));
    const double lr0 = initialLr(run.optimizer);

    TrainerOptions options;
    if (!parseLoss(problem.loss, &options.loss))
        throw std::invalid_argument("unknown loss '" + problem.loss + "'");
    options.batchSize = problem.batchSize;
    options.epochs = problem.epochs;
    options.seed = problem.seed;
    options.recordInitialEpoch = recordInitialEpoch;

    std::unique_ptr<LrSchedule> schedule = makeRunSchedule(run, instance.twin);
    if (schedule) {
        const bool watches = findSchedule(run.schedule->type)->watchesMetric;
        options.scheduleWatchesMetric = watches;
        options.schedulePerEpoch = watches || run.schedule->per == "epoch";
    }
    auto rule = makeRunRule<float>(run);
    auto net = buildNetworkModel(problem, data->train);
    return std::make_unique<NetworkTrainer>(std::move(net), std::move(data), std::move(rule),
                                            std::move(schedule), lr0, options);
}

} // namespace optiscope::nn
