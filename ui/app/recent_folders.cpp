#include "ui/app/recent_folders.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace optiscope::RecentFolders {

namespace {

QString key(const QString& kind) {
    return QStringLiteral("folders/") + kind;
}

} // namespace

QString folder(const QString& kind, const QString& fallback) {
    const QString saved = QSettings().value(key(kind)).toString();
    if (!saved.isEmpty() && QFileInfo(saved).isDir())
        return saved;
    if (!fallback.isEmpty() && QFileInfo(fallback).isDir())
        return fallback;
    return QDir::homePath();
}

void remember(const QString& kind, const QString& path, bool isFolder) {
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    QSettings().setValue(key(kind), isFolder ? info.absoluteFilePath() : info.absolutePath());
}

} // namespace optiscope::RecentFolders
