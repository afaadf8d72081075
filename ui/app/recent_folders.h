// The folder each kind of file dialog starts in: the one last used for that kind (experiments,
// exports, data, studies), kept in QSettings across sessions, so a teacher who saved a plot into
// ~/slides is taken back there — not to the working folder or ~/Pictures every time.
#pragma once

#include <QString>

namespace optiscope::RecentFolders {

/// The last folder used for `kind` ("experiments", "exports", "data", "studies"), if it still
/// exists; otherwise `fallback`, or the home folder.
[[nodiscard]] QString folder(const QString& kind, const QString& fallback = {});
/// Remember the folder of `path` (a file, or a folder itself when `isFolder`) for `kind`.
void remember(const QString& kind, const QString& path, bool isFolder = false);

} // namespace optiscope::RecentFolders
