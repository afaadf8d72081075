#include "ui/app/background_thread.h"

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace optiscope {

void lowerCurrentThreadPriority() {
#ifdef __linux__
    // On Linux, PRIO_PROCESS with a thread id sets that thread's nice value only. +10: about a
    // tenth of the GUI thread's share when both are runnable on one core (another program keeps
    // the other core busy). At +5, a third, the GUI thread's repaints took twice their CPU time
    // in wall time there. A worker alone on a core runs at full speed either way.
    constexpr int kNice = 10;
    const id_t tid = static_cast<id_t>(gettid());
    const int current = getpriority(PRIO_PROCESS, tid);
    if (current < kNice)
        setpriority(PRIO_PROCESS, tid, kNice);
#endif
}

} // namespace optiscope
