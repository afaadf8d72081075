// Files written atomically: the data goes to a temporary file in the same folder, is flushed to
// disk, then renamed over the target, so a crash or a full disk never leaves a half-written file
// where a good one was.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace optiscope {

/// When a committed file reaches the disk.
enum class Durability {
    Synced,   ///< fsync() the file and its folder before commit() returns (survives a power cut)
    Deferred, ///< rename only; the kernel writes it back later, or syncFileSystem() forces it.
              ///< After a power cut the file may be empty or missing, never a mix of old and
              ///< new: for results that can be checked and recomputed (a study's jobs).
};

class AtomicFile {
public:
    explicit AtomicFile(std::string path, Durability durability = Durability::Synced);
    ~AtomicFile(); ///< discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Create the temporary file. False (with error()) if it cannot be created.
    bool open();
    /// Append bytes. Errors are remembered and reported by commit().
    void write(std::string_view data);
    /// Flush, sync (Synced) and rename over the target, then sync the folder (Synced). False (with
    /// error()) on any failure, in which case the target is untouched.
    bool commit();
    /// The first half of commit(): flush, sync (Synced) and close the temporary (kept until
    /// publish() or discard()). False (with error()) on failure, the temporary then removed.
    bool finish();
    /// The second half: rename the finished temporary over the target (the folder is not
    /// synced; see syncFolder()).
    bool publish();
    /// Remove the temporary file without touching the target.
    void discard();

    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] const std::string& error() const { return m_error; }
    [[nodiscard]] Durability durability() const { return m_durability; }
    /// Bytes written since open().
    [[nodiscard]] unsigned long long size() const { return m_size; }

private:
    std::string m_path;
    std::string m_tempPath;
    std::string m_error;
    std::FILE* m_file = nullptr;
    Durability m_durability = Durability::Synced;
    unsigned long long m_size = 0;
    bool m_failed = false;
    bool m_finished = false; ///< the temporary is complete and closed
};

/// Commits `files` as one unit: every temporary is written and synced first; only when all of
/// them succeeded are they renamed over their targets, in the given order (put the file that
/// marks completion, e.g. summary.json, last), and their folders synced (unless every file is
/// Durability::Deferred). On failure nothing is
/// renamed (the old files stay whole), every temporary is removed and `error` names the file.
bool commitTogether(const std::vector<AtomicFile*>& files, std::string* error);

/// commitTogether() of `files` followed, last, by `summary` written to `summaryPath` — the file
/// whose presence marks the result complete (a run's or a study job's summary.json). On failure
/// nothing is renamed, every temporary (the summary's too) is removed and `error` names the file.
/// `durability` is the summary's (give `files` the same).
bool commitWithSummary(std::vector<AtomicFile*> files, const std::string& summaryPath,
                       std::string_view summary, std::string* error,
                       Durability durability = Durability::Synced);

/// fsync() a folder, so that renames into it survive a power cut. False with `error` set.
bool syncFolder(const std::string& folder, std::string* error);

/// syncfs(): every file written under `folder`'s file system reaches the disk (the one sync a
/// batch of Durability::Deferred commits needs). False with `error` set.
bool syncFileSystem(const std::string& folder, std::string* error);

/// True for the name of one of AtomicFile's temporaries ("<name>.tmp-XXXXXX").
bool isAtomicTemporaryName(std::string_view fileName);

/// Removes the temporaries a killed process left in `folder` (AtomicFile's own pattern only,
/// regular files only, not recursive). Returns how many were removed.
int removeStaleTemporaries(const std::string& folder);

/// Write `data` to `path` atomically. False with `error` set on failure.
bool writeFileAtomically(const std::string& path, std::string_view data, std::string* error);

} // namespace optiscope
