// Reading input files safely: only regular files are accepted (a FIFO with no writer, a folder
// or a device is refused with the true reason instead of hanging or being misreported), and a
// size limit is checked before anything is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace optiscope {

/// The whole content of the regular file `path`, or nullopt with `why` set to the reason (no
/// file name in it): "does not exist", "is a folder, not a file", "is a FIFO (named pipe), not a
/// regular file", "is larger than ..." (when it has more than `maxBytes` bytes), ...
std::optional<std::vector<std::uint8_t>> readRegularFile(const std::string& path,
                                                         std::uint64_t maxBytes, std::string* why);

} // namespace optiscope
