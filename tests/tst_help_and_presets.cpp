// The teaching material under resources/: every optimizer and schedule has a help page that names
// each of its hyper-parameters, the help index links only pages that exist (and every page), the
// Qt resource file lists every page and preset, and every preset loads and validates.
#include "core/experiment/experiment_io.h"
#include "core/experiment/help_index.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QXmlStreamReader>
#include <QtTest>

using namespace optiscope;

namespace {

const QString kResources = QStringLiteral(OPTISCOPE_SOURCE_DIR "/resources");
const QString kHelp = kResources + QStringLiteral("/help");
const QString kPresets = kResources + QStringLiteral("/presets");

QString readText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

/// Targets of Markdown links `[text](target)` that point to local files (no scheme, no anchor).
QStringList localLinks(const QString& markdown) {
    QStringList out;
    static const QRegularExpression link(QStringLiteral(R"(\]\(([^)\s]+)\))"));
    for (auto it = link.globalMatch(markdown); it.hasNext();) {
        QString target = it.next().captured(1);
        if (target.contains(QLatin1String("://")) || target.startsWith(QLatin1Char('#')))
            continue;
        target = target.section(QLatin1Char('#'), 0, 0);
        out << target;
    }
    return out;
}

/// The files a .qrc lists, as paths relative to the .qrc.
QStringList qrcFiles(const QString& path) {
    QStringList out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    QXmlStreamReader xml(&f);
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == QLatin1String("file"))
            out << xml.readElementText();
    }
    if (xml.hasError())
        out << QStringLiteral("<XML error: %1>").arg(xml.errorString());
    return out;
}

/// The entries of presets/index.json (an empty array if it does not parse).
QJsonArray presetIndex() {
    const QJsonDocument doc = QJsonDocument::fromJson(readText(kPresets + "/index.json").toUtf8());
    return doc.array();
}

/// Whether `page` names parameter `name` in code font, as the parameter tables do.
bool namesParam(const QString& page, const std::string& name) {
    return page.contains(QLatin1Char('`') + QString::fromStdString(name) + QLatin1Char('`'));
}

} // namespace

class TestHelpAndPresets : public QObject {
    Q_OBJECT
private slots:
    void catalogsAreNotEmpty() {
        // Guards the data-driven tests below: an empty catalog would make them vacuous.
        QVERIFY(optimizerCatalog().size() >= 9);
        QVERIFY(scheduleCatalog().size() >= 19);
    }

    void optimizerPage_data() {
        QTest::addColumn<QString>("type");
        for (const auto& info : optimizerCatalog())
            QTest::newRow(info.type.c_str()) << QString::fromStdString(info.type);
    }
    void optimizerPage() {
        QFETCH(QString, type);
        const QString path = kHelp + "/optimizer-" + type + ".md";
        QVERIFY2(QFileInfo::exists(path), qPrintable("missing help page " + path));
        const QString page = readText(path);
        QVERIFY2(page.startsWith(QLatin1String("# ")), "a page starts with its title");
        const OptimizerInfo* info = findOptimizer(type.toStdString());
        QVERIFY(info);
        for (const auto& spec : info->params)
            QVERIFY2(namesParam(page, spec.name),
                     qPrintable(QStringLiteral("optimizer-%1.md does not document `%2`")
                                    .arg(type, QString::fromStdString(spec.name))));
        // Every optimizer page gives its update formula, the effective lr and something to try.
        QVERIFY(page.contains(QString::fromUtf8("θ")));
        QVERIFY(page.contains(QLatin1String("ffective")));
        QVERIFY(page.contains(QLatin1String("What to try in OptiScope")));
    }

    void schedulePage_data() {
        QTest::addColumn<QString>("type");
        for (const auto& info : scheduleCatalog())
            QTest::newRow(info.type.c_str()) << QString::fromStdString(info.type);
    }
    void schedulePage() {
        QFETCH(QString, type);
        const QString path = kHelp + "/schedule-" + type + ".md";
        QVERIFY2(QFileInfo::exists(path), qPrintable("missing help page " + path));
        const QString page = readText(path);
        QVERIFY2(page.startsWith(QLatin1String("# ")), "a page starts with its title");
        const ScheduleInfo* info = findSchedule(type.toStdString());
        QVERIFY(info);
        for (const auto& spec : info->params)
            QVERIFY2(namesParam(page, spec.name),
                     qPrintable(QStringLiteral("schedule-%1.md does not document `%2`")
                                    .arg(type, QString::fromStdString(spec.name))));
        QVERIFY(page.contains(QLatin1String("What to try in OptiScope")));
    }

    void adamPageCoversTheArticle() {
        const QString page = readText(kHelp + "/optimizer-adam.md");
        for (const char* needle : {"m̂", "v̂", "1 − β1^t", "1 − β2^t", "10 steps", "1000 steps",
                                   "η_t / (√v̂_t + ε)", "ReduceLROnPlateau", "LeNet-5", "CIFAR-10"})
            QVERIFY2(page.contains(QString::fromUtf8(needle)),
                     qPrintable(QStringLiteral("optimizer-adam.md lacks \"%1\"")
                                    .arg(QString::fromUtf8(needle))));
    }

    void plateauPageExplainsBothFlavors() {
        const QString page = readText(kHelp + "/schedule-reduce_on_plateau.md");
        for (const char* needle :
             {"Keras", "PyTorch", "patience + 1", "cooldown = 1", "threshold_mode", "min_delta"})
            QVERIFY2(page.contains(QString::fromUtf8(needle)),
                     qPrintable(QStringLiteral("schedule-reduce_on_plateau.md lacks \"%1\"")
                                    .arg(QString::fromUtf8(needle))));
    }

    void indexLinksEveryPageAndOnlyExistingOnes() {
        // As the help pane shows it: the catalog tables filled in from the catalogs.
        const QString index =
            QString::fromStdString(expandHelpIndex(readText(kHelp + "/index.md").toStdString()));
        QVERIFY2(!index.isEmpty(), "help/index.md is missing or empty");
        const QStringList links = localLinks(index);
        QVERIFY(!links.isEmpty());
        for (const QString& link : links)
            QVERIFY2(QFileInfo::exists(kHelp + "/" + link),
                     qPrintable("index.md links to a missing page: " + link));
        const QSet<QString> linked(links.cbegin(), links.cend());
        const QStringList pages = QDir(kHelp).entryList({QStringLiteral("*.md")}, QDir::Files);
        for (const QString& page : pages)
            if (page != QLatin1String("index.md"))
                QVERIFY2(linked.contains(page), qPrintable("index.md does not link " + page));
    }

    void pagesLinkOnlyExistingPages() {
        const QStringList pages = QDir(kHelp).entryList({QStringLiteral("*.md")}, QDir::Files);
        for (const QString& page : pages)
            for (const QString& link : localLinks(readText(kHelp + "/" + page)))
                QVERIFY2(QFileInfo::exists(kHelp + "/" + link),
                         qPrintable(page + " links to a missing page: " + link));
    }

    void resourceFileListsEverything() {
        const QStringList listed = qrcFiles(kResources + "/resources.qrc");
        QVERIFY2(!listed.isEmpty(), "resources.qrc is missing or lists nothing");
        for (const QString& file : listed)
            QVERIFY2(QFileInfo::exists(kResources + "/" + file),
                     qPrintable("resources.qrc lists a missing file: " + file));
        const QSet<QString> set(listed.cbegin(), listed.cend());
        for (const QString& page : QDir(kHelp).entryList({QStringLiteral("*.md")}, QDir::Files))
            QVERIFY2(set.contains("help/" + page), qPrintable("resources.qrc lacks help/" + page));
        for (const QString& preset :
             QDir(kPresets).entryList({QStringLiteral("*.json")}, QDir::Files))
            QVERIFY2(set.contains("presets/" + preset),
                     qPrintable("resources.qrc lacks presets/" + preset));
    }

    void presetIndexIsComplete() {
        const QJsonArray entries = presetIndex();
        QVERIFY2(entries.size() >= 12, "presets/index.json is missing, invalid or too short");
        QSet<QString> indexed;
        for (const auto& value : entries) {
            const QJsonObject e = value.toObject();
            const QStringList keys = e.keys();
            QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()),
                     (QSet<QString>{"file", "title", "point"}));
            QVERIFY(!e["title"].toString().isEmpty());
            QVERIFY2(e["point"].toString().size() > 40, "each preset says what to look at");
            const QString file = e["file"].toString();
            QVERIFY2(!indexed.contains(file), qPrintable("listed twice: " + file));
            indexed.insert(file);
        }
        for (const QString& preset :
             QDir(kPresets).entryList({QStringLiteral("*.json")}, QDir::Files))
            if (preset != QLatin1String("index.json"))
                QVERIFY2(indexed.contains(preset),
                         qPrintable("presets/index.json does not list " + preset));
    }

    void presetValidates_data() {
        QTest::addColumn<QString>("file");
        for (const auto& value : presetIndex()) {
            const QString file = value.toObject()["file"].toString();
            QTest::newRow(qPrintable(file)) << file;
        }
    }
    void presetValidates() {
        QFETCH(QString, file);
        const QString path = kPresets + "/" + file;
        QVERIFY2(QFileInfo::exists(path), qPrintable("missing preset " + path));
        const ExperimentParseResult r = loadExperiment(path.toStdString());
        QVERIFY2(r.ok(), r.messages(file.toStdString()).c_str());
        QVERIFY(!r.experiment->title.empty());
        // The cifar10 presets point at a folder relative to the preset, never at an absolute
        // machine path; the one absolute path allowed is where Debian's dataset packages install
        // (dataset-fashion-mnist: /usr/share/datasets/fashion-mnist).
        if (r.experiment->problemType == Experiment::ProblemType::Network) {
            const QString path = QString::fromStdString(r.experiment->network.dataset.path);
            QVERIFY2(!QDir::isAbsolutePath(path) || path.startsWith("/usr/share/datasets/"),
                     qPrintable(path));
        }
    }
};

QTEST_GUILESS_MAIN(TestHelpAndPresets)
#include "tst_help_and_presets.moc"
