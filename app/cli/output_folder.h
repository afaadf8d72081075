// The --out folder of `run`: created with its missing parents, swept of the temporaries a killed
// run left there, and removed again (only the folders this run created, only while empty) when
// the run writes nothing — an interrupted or failed first run leaves no empty folder behind.
#pragma once

#include <string>
#include <vector>

namespace optiscope::cli {

class OutputFolder {
public:
    explicit OutputFolder(std::string path) : m_path(std::move(path)) {}

    /// Creates the folder (and missing parents) and removes stale temporaries in it. False with
    /// `error` ("DIR: cannot create output folder: ...") on failure.
    bool prepare(std::string* error);
    /// Removes the folders prepare() created, innermost first, if they are empty.
    void removeIfCreatedAndEmpty();
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path;
    std::vector<std::string> m_created; ///< outermost first
};

} // namespace optiscope::cli
