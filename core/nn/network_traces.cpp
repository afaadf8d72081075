#include "core/nn/network_traces.h"

#include "core/common/params.h"

#include <cmath>

namespace optiscope::nn {

namespace {

void appendNumber(std::string& out, double v) {
    out += ',';
    if (std::isfinite(v))
        out += formatDouble(v);
}

} // namespace

std::string stepTraceRow(const StepRecord& r) {
    std::string row = std::to_string(r.step) + "," + std::to_string(r.epoch);
    appendNumber(row, r.lr);
    appendNumber(row, r.loss);
    return row + "\n";
}

std::string epochTraceHeader(const std::vector<std::string>& tensors) {
    std::string header = "epoch,lr,train_loss,train_acc,val_loss,val_acc";
    for (const std::string& t : tensors)
        for (const char* q : {"p05", "p50", "p95"})
            header += ",eff_lr." + t + "." + q;
    return header + "\n";
}

std::string epochTraceRow(const EpochRecord& r, std::size_t tensorCount) {
    std::string row = std::to_string(r.epoch);
    for (double v : {r.lr, r.trainLoss, r.trainAccuracy, r.valLoss, r.valAccuracy})
        appendNumber(row, v);
    for (std::size_t i = 0; i < tensorCount; ++i) {
        const bool have = i < r.effLr.size();
        appendNumber(row, have ? r.effLr[i].p05 : NAN);
        appendNumber(row, have ? r.effLr[i].p50 : NAN);
        appendNumber(row, have ? r.effLr[i].p95 : NAN);
    }
    return row + "\n";
}

} // namespace optiscope::nn
