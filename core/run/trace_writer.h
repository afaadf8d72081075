// Streaming CSV traces (SPEC §3). Rows go straight to an atomically committed file, so a run of
// millions of steps needs constant memory and a crash never leaves a half-written trace.
#pragma once

#include "core/io/atomic_file.h"
#include "core/run/function_run.h"

#include <string>

namespace optiscope {

class FunctionTraceWriter {
public:
    static constexpr const char* header = "step,x,y,loss,grad_x,grad_y,lr,eff_lr_x,eff_lr_y\n";

    explicit FunctionTraceWriter(std::string path);
    bool open();
    void write(const FunctionStep& row);
    bool commit();
    /// Writes the buffered rows and hands over the file, to be committed with others
    /// (commitTogether()).
    AtomicFile& finishRows();
    [[nodiscard]] const std::string& error() const { return m_file.error(); }

    /// One CSV row, numbers in their shortest form that reads back bit-exact.
    static std::string formatRow(const FunctionStep& row);

private:
    AtomicFile m_file;
    std::string m_buffer;
};

} // namespace optiscope
