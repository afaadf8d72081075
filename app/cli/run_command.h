#pragma once

#include <string>
#include <vector>

namespace optiscope::cli {

/// `optiscope-cli run FILE.json --out DIR ...`; returns the exit status.
int runCommand(const std::vector<std::string>& args);

} // namespace optiscope::cli
