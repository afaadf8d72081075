// Files written atomically: the data goes to a temporary file in the same folder, is flushed to
// disk, then renamed over the target, so a crash or a full disk never leaves a half-written file
// where a good one was.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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
    /// Flush, sync and rename over the target, then sync the folder. False (with error()) on any
    /// failure, in which case the target is untouched.
    bool commit();
    /// The first half of commit(): flush, sync and close the temporary (kept until publish() or
    /// discard()). False (with error()) on failure, the temporary then removed.
    bool finish();
    /// The second half: rename the finished temporary over the target (the folder is not
    /// synced; see syncFolder()).
    bool publish();
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
    bool m_finished = false; ///< the temporary is complete and closed
};

/// Commits `files` as one unit: every temporary is written and synced first; only when all of
/// them succeeded are they renamed over their targets, in the given order (put the file that
/// marks completion, e.g. summary.json, last), and their folders synced. On failure nothing is
/// renamed (the old files stay whole), every temporary is removed and `error` names the file.
bool commitTogether(const std::vector<AtomicFile*>& files, std::string* error);

/// commitTogether() of `files` followed, last, by `summary` written to `summaryPath` — the file
/// whose presence marks the result complete (a run's or a study job's summary.json). On failure
/// nothing is renamed, every temporary (the summary's too) is removed and `error` names the file.
bool commitWithSummary(std::vector<AtomicFile*> files, const std::string& summaryPath,
                       std::string_view summary, std::string* error);

/// fsync() a folder, so that renames into it survive a power cut. False with `error` set.
bool syncFolder(const std::string& folder, std::string* error);

/// True for the name of one of AtomicFile's temporaries ("<name>.tmp-XXXXXX").
bool isAtomicTemporaryName(std::string_view fileName);

/// Removes the temporaries a killed process left in `folder` (AtomicFile's own pattern only,
/// regular files only, not recursive). Returns how many were removed.
int removeStaleTemporaries(const std::string& folder);

/// Write `data` to `path` atomically. False with `error` set on failure.
bool writeFileAtomically(const std::string& path, std::string_view data, std::string* error);

} // namespace optiscope
