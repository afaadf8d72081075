#include "core/run/trace_writer.h"

#include <cmath>

namespace optiscope {

namespace {
void append(std::string& out, double v) {
    if (!std::isnan(v))
        out += formatDouble(v);
}
} // namespace

FunctionTraceWriter::FunctionTraceWriter(std::string path) : m_file(std::move(path)) {}

bool FunctionTraceWriter::open() {
    if (!m_file.open())
        return false;
    m_buffer = header;
    return true;
}

std::string FunctionTraceWriter::formatRow(const FunctionStep& r) {
    std::string out = std::to_string(r.step);
    for (double v : {r.point.x(), r.point.y(), r.loss, r.grad.x(), r.grad.y(), r.lr, r.effLr.x(),
                     r.effLr.y()}) {
        out += ',';
        append(out, v);
    }
    out += '\n';
    return out;
}

void FunctionTraceWriter::write(const FunctionStep& row) {
    m_buffer += formatRow(row);
    if (m_buffer.size() > (1u << 16)) {
        m_file.write(m_buffer);
        m_buffer.clear();
    }
}

AtomicFile& FunctionTraceWriter::finishRows() {
    m_file.write(m_buffer);
    m_buffer.clear();
    return m_file;
}

bool FunctionTraceWriter::commit() {
    m_file.write(m_buffer);
    m_buffer.clear();
    return m_file.commit();
}

} // namespace optiscope
