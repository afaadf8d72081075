#include "ui/teaching/presets_menu.h"

#include "ui/teaching/teaching_resources.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace optiscope {

namespace {

QByteArray readResource(const QString& path, QString* error) {
    ensureTeachingResources();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return {};
    }
    return f.readAll();
}

} // namespace

std::vector<PresetEntry> loadPresetIndex(QString* error) {
    std::vector<PresetEntry> out;
    const QByteArray data = readResource(QStringLiteral(":/presets/index.json"), error);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (!doc.isArray()) {
        if (error && error->isEmpty())
            *error = QStringLiteral("presets/index.json: %1").arg(parseError.errorString());
        return out;
    }
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject o = v.toObject();
        PresetEntry e{o.value("file").toString(), o.value("title").toString(),
                      o.value("point").toString()};
        if (!e.file.isEmpty() && !e.title.isEmpty())
            out.push_back(e);
    }
    return out;
}

ExperimentParseResult loadPreset(const PresetEntry& entry) {
    QString error;
    const QByteArray data = readResource(QStringLiteral(":/presets/") + entry.file, &error);
    if (data.isEmpty()) {
        // Let the experiment reader report the problem in its usual form.
        return parseExperiment(std::string_view());
    }
    return parseExperiment(std::string_view(data.constData(), size_t(data.size())));
}

PresetsMenu::PresetsMenu(QWidget* parent) : QMenu(tr("&Presets"), parent) {
    setToolTipsVisible(true);
    m_entries = loadPresetIndex();
    for (const PresetEntry& e : m_entries) {
        QAction* a = addAction(e.title);
        a->setToolTip(e.point);
        a->setStatusTip(e.point);
        connect(a, &QAction::triggered, this, [this, e]() { emit presetChosen(e); });
    }
    if (m_entries.empty())
        addAction(tr("(no presets found)"))->setEnabled(false);
}

} // namespace optiscope
