// libFuzzer: the CIFAR-10 binary batch loader (the input is data_batch_1.bin). Only DataError
// may come out; an accepted batch has one label 0..9 per 3073-byte record.
#include "core/nn/datasets.h"
#include "fuzz_common.h"

#include <cstdlib>

using namespace optiscope;
using namespace optiscope::nn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string dir = fuzz::scratchFolder();
    fuzz::writeBytes(dir + "/data_batch_1.bin", data, size);
    try {
        const Dataset d = loadCifar10(dir, false);
        if (d.size() * 3073 != Eigen::Index(size))
            std::abort();
        for (int label : d.labels)
            if (label < 0 || label > 9)
                std::abort();
    } catch (const DataError&) {
    }
    return 0;
}
