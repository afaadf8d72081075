#pragma once

#include <string>
#include <vector>

namespace optiscope::cli {

/// `optiscope-cli study FILE.json --out DIR [--jobs N] [--shard K/N] [--traces thin|full|none]
/// [--plots png,svg,pdf] [--size WxH] [--dpi N] [--quiet]` (SPEC §6); returns the exit status.
int studyCommand(const std::vector<std::string>& args);

} // namespace optiscope::cli
