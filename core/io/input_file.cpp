#include "core/io/input_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace optiscope {

namespace {

std::string kindOf(mode_t mode) {
    if (S_ISDIR(mode))
        return "is a folder, not a file";
    if (S_ISFIFO(mode))
        return "is a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "is a device, not a regular file";
    if (S_ISSOCK(mode))
        return "is a socket, not a regular file";
    return "is not a regular file";
}

std::string sizeText(std::uint64_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

} // namespace

std::optional<std::vector<std::uint8_t>> readRegularFile(const std::string& path,
                                                         std::uint64_t maxBytes, std::string* why) {
    auto fail = [&](std::string reason) {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    // O_NONBLOCK: opening a FIFO that has no writer must not block; the type is checked on the
    // opened descriptor, so the file cannot be swapped between the check and the read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return fail("does not exist");
        return fail(std::string("cannot be opened for reading: ") + std::strerror(errno));
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(std::string("cannot be read: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(kindOf(st.st_mode));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > maxBytes)
        return fail("is larger than " + sizeText(maxBytes) + " (" + std::to_string(size) +
                    " bytes)");
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(std::string("read error: ") + std::strerror(errno));
        if (n == 0)
            break; // truncated while reading
        got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    // A file that grew while being read is cut at its size when opened (the limit holds).
    return bytes;
}

} // namespace optiscope
