// optiscope-cli: run experiments headless, print schedules, list what is available (SPEC §1).
#pragma once

namespace optiscope::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1; ///< I/O or runtime failure
inline constexpr int kExitInvalid = 2; ///< invalid input; nothing was written
inline constexpr const char* kVersion = "0.1.0";

int runCli(int argc, char** argv);

} // namespace optiscope::cli
