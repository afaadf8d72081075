// SIGINT and SIGTERM for every command of optiscope-cli: the first signal only sets a flag (and
// asks the watched RunControl to stop); the command stops its work, removes its temporary files
// (AtomicFile discards them when it goes out of scope), prints a message and exits with 128 +
// the signal (130 for Ctrl-C, 143 for SIGTERM). A second signal of the same kind ends the process
// at once, as if no handler were installed.
#pragma once

#include <string>

namespace optiscope {
class RunControl;
}

namespace optiscope::cli {

class InterruptGuard {
public:
    InterruptGuard();  ///< installs the handlers (and clears an earlier signal)
    ~InterruptGuard(); ///< restores the previous handlers
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    /// The RunControl the handler stops (null: none). Async-signal-safe to read.
    static void watch(RunControl* control);
    /// The signal received (SIGINT or SIGTERM), 0 if none.
    [[nodiscard]] static int signal();
    [[nodiscard]] static bool requested() { return signal() != 0; }
    /// 128 + signal().
    [[nodiscard]] static int exitStatus();
    /// "interrupted (SIGINT)" / "interrupted (SIGTERM)".
    [[nodiscard]] static std::string describe();
};

} // namespace optiscope::cli
