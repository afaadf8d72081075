#include "app/cli/interrupt.h"

#include "core/run/experiment_runner.h"

#include <atomic>
#include <csignal>

namespace optiscope::cli {

namespace {

std::atomic<int> g_signal{0};
std::atomic<RunControl*> g_control{nullptr};
struct sigaction g_oldInt {};
struct sigaction g_oldTerm {};

static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void onSignal(int sig) {
    int expected = 0;
    if (!g_signal.compare_exchange_strong(expected, sig)) {
        // Second signal: the user insists; die by it (temporaries may remain; the next run into
        // the folder sweeps them).
        ::signal(sig, SIG_DFL);
        ::raise(sig);
        return;
    }
    // Only atomics: RunControl::requestStop() takes a mutex, which a handler must not.
    if (RunControl* control = g_control.load())
        control->requestStopFromSignal();
}

} // namespace

InterruptGuard::InterruptGuard() {
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, &g_oldInt);
    ::sigaction(SIGTERM, &sa, &g_oldTerm);
}

InterruptGuard::~InterruptGuard() {
    ::sigaction(SIGINT, &g_oldInt, nullptr);
    ::sigaction(SIGTERM, &g_oldTerm, nullptr);
    g_control = nullptr;
}

void InterruptGuard::watch(RunControl* control) {
    g_control = control;
    if (control && g_signal.load() != 0)
        control->requestStopFromSignal();
}

int InterruptGuard::signal() {
    return g_signal.load();
}

int InterruptGuard::exitStatus() {
    return 128 + signal();
}

std::string InterruptGuard::describe() {
    return signal() == SIGTERM ? "interrupted (SIGTERM)" : "interrupted (SIGINT)";
}

} // namespace optiscope::cli
