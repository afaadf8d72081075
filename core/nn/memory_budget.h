// A memory budget checked before anything large is allocated, so that an accepted but absurd
// input (16 hidden layers of 4096 units × 64 runs, a CSV of 10⁶ columns, a gzip bomb) is refused
// with the field to change and the estimate, instead of ending in std::bad_alloc or the OOM
// killer.
//
// The budget is min(physical RAM / 2, 8 GiB); the environment variable
// OPTISCOPE_MEMORY_BUDGET_MB (a whole number of MiB) overrides it. Estimates count float32
// values (4 bytes) and are deliberately generous (they include the copies and scratch buffers
// the trainer keeps), so a refusal means "this would not fit", not "this is close".
#pragma once

#include "core/experiment/experiment.h"
#include "core/nn/layers.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace optiscope::nn {

/// Thrown when an estimate exceeds the budget. what() is the reason; field() is the JSON path
/// to change ("problem.model.hidden", "problem.batch_size", "runs", "problem.dataset").
class MemoryBudgetError : public std::invalid_argument {
public:
    MemoryBudgetError(std::string field, const std::string& reason)
        : std::invalid_argument(reason), m_field(std::move(field)) {}
    [[nodiscard]] const std::string& field() const { return m_field; }

private:
    std::string m_field;
};

/// The budget in bytes (see above).
std::uint64_t memoryBudgetBytes();
/// "1.5 GiB", "300 MiB", "12 KiB".
std::string formatBytes(double bytes);

/// What a network experiment needs, in bytes.
struct MemoryEstimate {
    double parameters = 0;  ///< trainable values of one model
    double modelBytes = 0;  ///< one run: parameters, gradients, optimizer state, scratch
    double bufferBytes = 0; ///< one run: batch and activation buffers
    double indexBytes = 0;  ///< one run: shuffling and evaluation index tables (per sample)
    double dataBytes = 0;   ///< the data set, shared by the runs (as loaded and split)
    long long runs = 1;     ///< runs that exist at once
    [[nodiscard]] double total() const {
        return dataBytes + double(runs) * (modelBytes + bufferBytes + indexBytes);
    }
};

/// The estimate for `runs` concurrent runs of `problem` on a data set of `samples` rows of
/// `features` values (`shape` for images) with `outputs` outputs.
MemoryEstimate estimateNetworkMemory(const NetworkProblem& problem, long long samples,
                                     long long features, const Shape& shape, bool image,
                                     long long outputs, long long runs);

/// Throws MemoryBudgetError naming the field that dominates the estimate when it exceeds the
/// budget.
void checkNetworkMemory(const MemoryEstimate& estimate);

/// For loaders, before allocating `values` floats for the data read from `file`: throws
/// DataError if they alone exceed the budget.
void checkDataMemory(const std::string& file, double values);

} // namespace optiscope::nn
