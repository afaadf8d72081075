// libFuzzer: MNIST's IDX loader. The input is the images file (optionally gzipped); the labels
// file is made to match the count the header announces (at most 60,000), so that the fuzzer
// reaches past the header checks. Only DataError may come out.
#include "core/nn/datasets.h"
#include "fuzz_common.h"

#include <cstdlib>
#include <vector>

using namespace optiscope;
using namespace optiscope::nn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string dir = fuzz::scratchFolder();
    fuzz::writeBytes(dir + "/train-images-idx3-ubyte", data, size);
    std::uint32_t count = 1;
    if (size >= 8)
        count = (std::uint32_t(data[4]) << 24) | (std::uint32_t(data[5]) << 16) |
                (std::uint32_t(data[6]) << 8) | std::uint32_t(data[7]);
    if (count > 60000)
        count = 1;
    std::vector<std::uint8_t> labels = {0,
                                        0,
                                        8,
                                        1,
                                        std::uint8_t(count >> 24),
                                        std::uint8_t(count >> 16),
                                        std::uint8_t(count >> 8),
                                        std::uint8_t(count)};
    for (std::uint32_t i = 0; i < count; ++i)
        labels.push_back(std::uint8_t(i % 10));
    fuzz::writeBytes(dir + "/train-labels-idx1-ubyte", labels.data(), labels.size());
    try {
        const Dataset d = loadMnist(dir, false);
        if (d.size() != Eigen::Index(count))
            std::abort();
    } catch (const DataError&) {
    }
    return 0;
}
