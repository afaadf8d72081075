#include "core/nn/memory_budget.h"

#include "core/nn/datasets.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace optiscope::nn {

namespace {

constexpr double kFloat = 4.0;
constexpr std::uint64_t kMaxBudget = std::uint64_t(8) << 30; // 8 GiB

std::string count(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string s = buf, out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && (s.size() - i) % 3 == 0)
            out += ',';
        out += s[i];
    }
    return out;
}

std::string budgetText() {
    return "the memory budget of " + formatBytes(double(memoryBudgetBytes())) +
           " (half the RAM, at most 8 GiB; OPTISCOPE_MEMORY_BUDGET_MB changes it)";
}

} // namespace

std::uint64_t memoryBudgetBytes() {
    if (const char* env = std::getenv("OPTISCOPE_MEMORY_BUDGET_MB")) {
        char* end = nullptr;
        const unsigned long long mb = std::strtoull(env, &end, 10);
        if (end != env && *end == '\0' && mb > 0 && mb < (1ull << 40))
            return std::uint64_t(mb) << 20;
    }
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || pageSize <= 0)
        return kMaxBudget;
    return std::min<std::uint64_t>(std::uint64_t(pages) * std::uint64_t(pageSize) / 2, kMaxBudget);
}

std::string formatBytes(double bytes) {
    char buf[64];
    if (bytes >= double(1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
    else if (bytes >= double(1ull << 20))
        std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / double(1ull << 20));
    else
        std::snprintf(buf, sizeof buf, "%.0f KiB", std::max(1.0, bytes / 1024.0));
    return buf;
}

MemoryEstimate estimateNetworkMemory(const NetworkProblem& problem, long long samples,
                                     long long features, const Shape& shape, bool image,
                                     long long outputs, long long runs) {
    MemoryEstimate e;
    e.runs = std::max(1LL, runs);
    double params = 0, activations = 0; // activations: values per sample, all layers
    if (problem.model.architecture == "lenet5" && image) {
        const double c = double(shape.channels), h = double(shape.height);
        const double c1 = h - 4, p1 = c1 / 2, c2 = p1 - 4, p2 = c2 / 2;
        const double flat = 16 * std::max(1.0, p2 * p2);
        params = 6 * (c * 25 + 1) + 16 * (6 * 25 + 1) + (flat * 120 + 120) + (120 * 84 + 84) +
                 (84 * double(outputs) + double(outputs));
        // The layers' outputs, plus the im2col buffers of both convolutions.
        activations = 6 * c1 * c1 + 6 * p1 * p1 + 16 * c2 * c2 + flat + 120 + 84 + double(outputs) +
                      c * 25 * c1 * c1 + 6 * 25 * c2 * c2;
    } else {
        double in = double(features);
        for (long long width : problem.model.hidden) {
            params += in * double(width) + double(width);
            activations += double(width);
            in = double(width);
        }
        params += in * double(outputs) + double(outputs);
        activations += double(outputs) + double(features);
    }
    e.parameters = params;
    // Values, gradients, up to three optimizer state tensors, scratch and a spare copy.
    e.modelBytes = params * kFloat * 7;
    // The trainer sizes its batch buffers for max(batch, 256) rows; each layer keeps its output,
    // pre-activation and gradient; plus the shuffling and evaluation index tables.
    const double capacity = double(std::max<long long>(problem.batchSize, 256));
    e.bufferBytes = capacity * (double(features) + 2 * double(outputs) + 3 * activations) * kFloat;
    e.indexBytes = double(samples) * 16;
    // As loaded, and the standardised split (train/validation/test) kept for the runs.
    e.dataBytes = double(samples) * double(features + outputs) * kFloat * 2;
    return e;
}

void checkNetworkMemory(const MemoryEstimate& e) {
    const double budget = double(memoryBudgetBytes());
    if (e.total() <= budget)
        return;
    const double models = double(e.runs) * e.modelBytes;
    const double buffers = double(e.runs) * e.bufferBytes;
    const double data = e.dataBytes + double(e.runs) * e.indexBytes;
    std::string field = "problem.model.hidden";
    if (data >= models && data >= buffers)
        field = "problem.dataset";
    else if (buffers > models)
        field = "problem.batch_size";
    std::string reason = "needs about " + formatBytes(e.total()) + " of memory (" +
                         std::to_string(e.runs) + " run" + (e.runs == 1 ? "" : "s") + " × (" +
                         count(e.parameters) + " parameters: " + formatBytes(e.modelBytes) +
                         ", batch buffers: " + formatBytes(e.bufferBytes) +
                         ", index tables: " + formatBytes(e.indexBytes) +
                         "), data: " + formatBytes(e.dataBytes) + "), more than " + budgetText();
    if (e.runs > 1 && e.dataBytes + e.modelBytes + e.bufferBytes + e.indexBytes <= budget)
        reason += "; fewer runs at once would fit";
    throw MemoryBudgetError(field, reason);
}

void checkDataMemory(const std::string& file, double values) {
    const double bytes = values * kFloat * 2;
    if (bytes > double(memoryBudgetBytes()))
        throw DataError(file, "holds " + count(values) + " values, which need about " +
                                  formatBytes(bytes) + " of memory, more than " + budgetText());
}

} // namespace optiscope::nn
