#include "ui/app/background_thread.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace optiscope {

void lowerCurrentThreadPriority() {
#ifdef __linux__
    // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value only. +5: about a
    // third of the GUI thread's share when both are runnable on one core.
    constexpr int kNice = 5;
    const id_t tid = static_cast<id_t>(gettid());
    const int current = getpriority(PRIO_PROCESS, tid);
    if (current < kNice)
        setpriority(PRIO_PROCESS, tid, kNice);
#endif
}

} // namespace optiscope
