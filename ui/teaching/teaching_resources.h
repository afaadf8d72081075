// The compiled-in resources (resources/resources.qrc: help pages, presets) of the static UI
// library. Call before reading ":/help/..." or ":/presets/..."; cheap after the first call.
#pragma once

namespace optiscope {

void ensureTeachingResources();

} // namespace optiscope
