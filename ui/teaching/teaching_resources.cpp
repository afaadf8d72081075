#include "ui/teaching/teaching_resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initResources() {
    Q_INIT_RESOURCE(resources);
}

namespace optiscope {

void ensureTeachingResources() {
    static const bool done = (initResources(), true);
    (void)done;
}

} // namespace optiscope
