#include "core/nn/dataset_catalog.h"

namespace optiscope::nn {

namespace {

std::vector<DatasetInfo> buildCatalog() {
    std::vector<DatasetInfo> c;
    auto toy = [&](const char* name, const char* description, bool regression = false) {
        DatasetInfo d;
        d.name = name;
        d.description = description;
        d.source = DatasetInfo::Source::Generated;
        d.regression = regression;
        d.load = [](const DatasetRequest& r) {
            return makeToyDataset(r.name, r.samples, r.noise, r.seed);
        };
        c.push_back(std::move(d));
    };
    toy("spirals", "two interleaved spirals (classification; samples, noise, seed)");
    toy("circles", "a circle inside a ring (classification; samples, noise, seed)");
    toy("xor", "four quadrants, XOR labels (classification; samples, noise, seed)");
    toy("gaussians", "three Gaussian blobs, 3 classes (classification; samples, noise, seed)");
    toy("moons", "two interleaved half moons (classification; samples, noise, seed)");
    toy("sine", "y = sin(x) plus noise (regression; samples, noise, seed)", true);

    DatasetInfo digits;
    digits.name = "digits";
    digits.description = "1,797 handwritten 8x8 digits, shipped with OptiScope (UCI, CC BY 4.0)";
    digits.source = DatasetInfo::Source::Shipped;
    digits.images = true;
    digits.load = [](const DatasetRequest& r) {
        return r.digitsFile.empty() ? loadShippedDigits(r.maxFileSamples)
                                    : loadDigits(r.digitsFile, r.maxFileSamples);
    };
    c.push_back(std::move(digits));

    DatasetInfo csv;
    csv.name = "csv";
    csv.description = "a CSV file of yours (path, target_column)";
    csv.source = DatasetInfo::Source::File;
    csv.pathWhat = "a CSV file";
    csv.load = [](const DatasetRequest& r) {
        return loadCsv(r.path, r.targetColumn, r.task, r.maxFileSamples);
    };
    c.push_back(std::move(csv));

    DatasetInfo mnist;
    mnist.name = "mnist";
    mnist.description = "MNIST (or Fashion-MNIST) IDX files in a folder of yours (path)";
    mnist.source = DatasetInfo::Source::File;
    mnist.images = true;
    mnist.pathWhat = "the folder with its files";
    mnist.testFiles = "the t10k-* files";
    mnist.load = [](const DatasetRequest& r) {
        return loadMnist(r.path, r.test, r.maxFileSamples);
    };
    c.push_back(std::move(mnist));

    DatasetInfo cifar;
    cifar.name = "cifar10";
    cifar.description = "CIFAR-10 binary batches in a folder of yours (path)";
    cifar.source = DatasetInfo::Source::File;
    cifar.images = true;
    cifar.pathWhat = "the folder with its files";
    cifar.testFiles = "test_batch.bin";
    cifar.load = [](const DatasetRequest& r) {
        return loadCifar10(r.path, r.test, r.maxFileSamples);
    };
    c.push_back(std::move(cifar));
    return c;
}

} // namespace

const std::vector<DatasetInfo>& datasetCatalog() {
    static const std::vector<DatasetInfo> catalog = buildCatalog();
    return catalog;
}

const DatasetInfo* findDataset(const std::string& name) {
    for (const auto& d : datasetCatalog())
        if (d.name == name)
            return &d;
    return nullptr;
}

std::vector<std::string> datasetNames() {
    std::vector<std::string> out;
    for (const auto& d : datasetCatalog())
        out.push_back(d.name);
    return out;
}

} // namespace optiscope::nn
