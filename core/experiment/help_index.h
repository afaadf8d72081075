// The help index's catalog tables, made from the optimizer and schedule catalogs: an optimizer or
// schedule that is registered shows up in the help index without editing resources/help/index.md.
#pragma once

#include <string>

namespace optiscope {

/// `markdown` (resources/help/index.md) with its catalog markers replaced by tables: a line
/// starting with "<!-- optimizers" becomes the optimizer table (page link, one line), one
/// starting with "<!-- schedules" the schedule table (page link, origin, formula).
std::string expandHelpIndex(const std::string& markdown);

} // namespace optiscope
