#include "app/cli/output_folder.h"

#include "core/io/atomic_file.h"

#include <filesystem>

namespace optiscope::cli {

namespace fs = std::filesystem;

bool OutputFolder::prepare(std::string* error) {
    std::error_code ec;
    std::vector<fs::path> missing;
    for (fs::path p = fs::absolute(m_path, ec).lexically_normal(); !p.empty();
         p = p.parent_path()) {
        if (fs::exists(fs::symlink_status(p, ec)) || p == p.parent_path())
            break;
        missing.push_back(p);
    }
    fs::create_directories(m_path, ec);
    if (ec || !fs::is_directory(m_path)) {
        if (error)
            *error = m_path + ": cannot create output folder: " +
                     (ec ? ec.message() : std::string("not a folder"));
        return false;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it)
        m_created.push_back(it->string());
    removeStaleTemporaries(m_path);
    return true;
}

void OutputFolder::removeIfCreatedAndEmpty() {
    for (auto it = m_created.rbegin(); it != m_created.rend(); ++it) {
        std::error_code ec;
        if (!fs::is_empty(*it, ec) || ec)
            break;
        fs::remove(*it, ec); // removes an empty folder only
    }
    m_created.clear();
}

} // namespace optiscope::cli
