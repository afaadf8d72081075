// libFuzzer: the CSV loader (user CSV files: classification and regression) and the digits
// format, on arbitrary bytes (gzip included: a gzip header is decoded first). Only DataError
// (a refusal naming the file) may come out; an accepted data set holds finite floats.
#include "core/nn/datasets.h"
#include "fuzz_common.h"

#include <cmath>
#include <cstdlib>

using namespace optiscope;
using namespace optiscope::nn;

namespace {
void checkFinite(const Dataset& d) {
    for (Eigen::Index i = 0; i < d.inputs.size(); ++i)
        if (!std::isfinite(d.inputs.data()[i]))
            std::abort();
    for (Eigen::Index i = 0; i < d.targets.size(); ++i)
        if (!std::isfinite(d.targets.data()[i]))
            std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = fuzz::scratchFolder() + "/input.csv";
    fuzz::writeBytes(path, data, size);
    for (const char* target : {"t", "0"}) {
        for (Task task : {Task::Classification, Task::Regression}) {
            try {
                checkFinite(loadCsv(path, target, task));
            } catch (const DataError&) {
            }
        }
    }
    try {
        checkFinite(loadDigits(path));
    } catch (const DataError&) {
    }
    return 0;
}
