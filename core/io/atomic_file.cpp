#include "core/io/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace optiscope {

namespace {
std::string systemError() {
    return std::strerror(errno);
}
std::string parentFolder(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}
} // namespace

AtomicFile::AtomicFile(std::string path, Durability durability)
    : m_path(std::move(path)), m_durability(durability) {}

AtomicFile::~AtomicFile() {
    discard();
}

bool AtomicFile::open() {
    discard();
    m_failed = false;
    m_size = 0;
    m_error.clear();
    // The temporary lives beside the target so that rename() stays within one file system.
    std::string pattern = m_path + ".tmp-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        m_error = m_path + ": cannot create file: " + systemError();
        m_failed = true;
        return false;
    }
    m_file = ::fdopen(fd, "wb");
    if (!m_file) {
        m_error = m_path + ": cannot open file: " + systemError();
        ::close(fd);
        ::unlink(pattern.c_str());
        m_failed = true;
        return false;
    }
    m_tempPath = pattern;
    return true;
}

void AtomicFile::write(std::string_view data) {
    if (!m_file || m_failed || data.empty())
        return;
    if (std::fwrite(data.data(), 1, data.size(), m_file) != data.size()) {
        m_error = m_path + ": write failed: " + systemError();
        m_failed = true;
        return;
    }
    m_size += data.size();
}

bool AtomicFile::finish() {
    if (m_finished)
        return true;
    if (!m_file) {
        if (m_error.empty())
            m_error = m_path + ": file was not opened";
        return false;
    }
    if (!m_failed && std::fflush(m_file) != 0) {
        m_error = m_path + ": write failed: " + systemError();
        m_failed = true;
    }
    if (!m_failed && m_durability == Durability::Synced && ::fsync(::fileno(m_file)) != 0) {
        m_error = m_path + ": cannot sync to disk: " + systemError();
        m_failed = true;
    }
    // Temporary files from mkstemp are 0600; give the result the usual permissions.
    if (!m_failed) {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(::fileno(m_file), 0666 & ~mask);
    }
    if (std::fclose(m_file) != 0 && !m_failed) {
        m_error = m_path + ": write failed: " + systemError();
        m_failed = true;
    }
    m_file = nullptr;
    if (m_failed) {
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
        return false;
    }
    m_finished = true;
    return true;
}

bool AtomicFile::publish() {
    if (!m_finished && !finish())
        return false;
    m_finished = false;
    if (std::rename(m_tempPath.c_str(), m_path.c_str()) != 0) {
        m_error = m_path + ": cannot replace file: " + systemError();
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
        return false;
    }
    m_tempPath.clear();
    return true;
}

bool AtomicFile::commit() {
    if (!finish() || !publish())
        return false;
    if (m_durability == Durability::Deferred)
        return true;
    std::string error;
    if (!syncFolder(parentFolder(m_path), &error)) {
        m_error = error;
        return false;
    }
    return true;
}

void AtomicFile::discard() {
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
    m_finished = false;
    if (!m_tempPath.empty()) {
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
    }
}

bool commitTogether(const std::vector<AtomicFile*>& files, std::string* error) {
    auto fail = [&](const std::string& why) {
        for (AtomicFile* f : files)
            f->discard();
        if (error)
            *error = why;
        return false;
    };
    // 1. Every temporary complete and on disk; a full disk shows up here, before any rename.
    for (AtomicFile* f : files)
        if (!f->finish())
            return fail(f->error());
    // 2. Renamed in order (the completion marker last).
    for (AtomicFile* f : files)
        if (!f->publish())
            return fail(f->error());
    // 3. The renames made durable.
    std::vector<std::string> folders;
    for (AtomicFile* f : files) {
        if (f->durability() == Durability::Deferred)
            continue;
        const std::string folder = parentFolder(f->path());
        if (std::find(folders.begin(), folders.end(), folder) == folders.end())
            folders.push_back(folder);
    }
    for (const auto& folder : folders)
        if (std::string why; !syncFolder(folder, &why))
            return fail(why);
    return true;
}

bool commitWithSummary(std::vector<AtomicFile*> files, const std::string& summaryPath,
                       std::string_view summary, std::string* error, Durability durability) {
    AtomicFile summaryFile(summaryPath, durability);
    if (!summaryFile.open()) {
        for (AtomicFile* f : files)
            f->discard();
        if (error)
            *error = summaryFile.error();
        return false;
    }
    summaryFile.write(summary);
    files.push_back(&summaryFile);
    return commitTogether(files, error);
}

bool syncFolder(const std::string& folder, std::string* error) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = folder + ": cannot open folder to sync it: " + systemError();
        return false;
    }
    // Some file systems cannot sync a folder (EINVAL); the rename itself has happened.
    const bool ok = ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS;
    if (!ok && error)
        *error = folder + ": cannot sync folder to disk: " + systemError();
    ::close(fd);
    return ok;
}

bool syncFileSystem(const std::string& folder, std::string* error) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = folder + ": cannot open folder to sync it: " + systemError();
        return false;
    }
    const bool ok = ::syncfs(fd) == 0;
    if (!ok && error)
        *error = folder + ": cannot sync to disk: " + systemError();
    ::close(fd);
    return ok;
}

bool isAtomicTemporaryName(std::string_view name) {
    constexpr std::string_view marker = ".tmp-";
    if (name.size() < marker.size() + 6 + 1)
        return false;
    const std::string_view tail = name.substr(name.size() - 6);
    if (name.substr(name.size() - 6 - marker.size(), marker.size()) != marker)
        return false;
    return std::all_of(tail.begin(), tail.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

int removeStaleTemporaries(const std::string& folder) {
    DIR* dir = ::opendir(folder.c_str());
    if (!dir)
        return 0;
    int removed = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (!isAtomicTemporaryName(entry->d_name))
            continue;
        const std::string path = folder + "/" + entry->d_name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::unlink(path.c_str()) == 0)
            ++removed;
    }
    ::closedir(dir);
    return removed;
}

bool writeFileAtomically(const std::string& path, std::string_view data, std::string* error) {
    AtomicFile file(path);
    if (!file.open() || (file.write(data), !file.commit())) {
        if (error)
            *error = file.error();
        return false;
    }
    return true;
}

} // namespace optiscope
