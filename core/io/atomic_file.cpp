#include "core/io/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace optiscope {

namespace {
std::string systemError() {
    return std::strerror(errno);
}
} // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {}

AtomicFile::~AtomicFile() {
    discard();
}

bool AtomicFile::open() {
    discard();
    m_failed = false;
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
    }
}

bool AtomicFile::commit() {
    if (!m_file) {
        if (m_error.empty())
            m_error = m_path + ": file was not opened";
        return false;
    }
    if (!m_failed && std::fflush(m_file) != 0) {
        m_error = m_path + ": write failed: " + systemError();
        m_failed = true;
    }
    if (!m_failed && ::fsync(::fileno(m_file)) != 0) {
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
    if (std::rename(m_tempPath.c_str(), m_path.c_str()) != 0) {
        m_error = m_path + ": cannot replace file: " + systemError();
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
        return false;
    }
    m_tempPath.clear();
    return true;
}

void AtomicFile::discard() {
    if (m_file) {
        std::fclose(m_file);
        m_file = nullptr;
    }
    if (!m_tempPath.empty()) {
        ::unlink(m_tempPath.c_str());
        m_tempPath.clear();
    }
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
