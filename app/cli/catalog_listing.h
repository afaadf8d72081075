#pragma once

#include <string>

namespace optiscope::cli {

/// Functions, optimizers, schedules and datasets with every parameter, default and range.
std::string catalogText();
/// The same as JSON, for scripts.
std::string catalogJson();

} // namespace optiscope::cli
