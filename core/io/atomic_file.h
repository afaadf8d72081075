// Files written atomically: the data goes to a temporary file in the same folder, is flushed to
// disk, then renamed over the target, so a crash or a full disk never leaves a half-written file
// where a good one was.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace optiscope {

class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile(); ///< discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Create the temporary file. False (with error()) if it cannot be created.
    bool open();
    /// Append bytes. Errors are remembered and reported by commit().
    void write(std::string_view data);
    /// Flush, sync and rename over the target. False (with error()) on any failure, in which
    /// case the target is untouched.
    bool commit();
    /// Remove the temporary file without touching the target.
    void discard();

    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    std::string m_path;
    std::string m_tempPath;
    std::string m_error;
    std::FILE* m_file = nullptr;
    bool m_failed = false;
};

/// Write `data` to `path` atomically. False with `error` set on failure.
bool writeFileAtomically(const std::string& path, std::string_view data, std::string* error);

} // namespace optiscope
