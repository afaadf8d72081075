// Teaching in the window: every preset loads (and shows its point), every optimizer and schedule
// has a help page that opens non-empty from the catalog type (also from the "?" buttons), the
// figure sheet and the animation export, presentation mode.
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/inspector_panel.h"
#include "ui/network/network_run_controller.h"
#include "ui/plots/plot_style.h"
#include "ui/teaching/help_dock.h"
#include "ui/teaching/presentation_mode.h"
#include "ui/teaching/presets_menu.h"
#include "ui/teaching/teaching_exports.h"

#include <gif_lib.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QXmlStreamReader>

using namespace optiscope;

class TestTeachingWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
        QApplication::setOrganizationName("OptiScopeTest");
        QApplication::setApplicationName("tst_teaching_window");
    }

    void presetIndexIsComplete() {
        QString error;
        const auto presets = loadPresetIndex(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(presets.size() >= 8); // the issue's eight function presets at least
        for (const PresetEntry& p : presets) {
            QVERIFY2(!p.point.isEmpty(), qPrintable(p.file));
            const ExperimentParseResult parsed = loadPreset(p);
            QVERIFY2(parsed.ok(),
                     qPrintable(QString::fromStdString(parsed.messages(p.file.toStdString()))));
        }
        MainWindow window;
        QCOMPARE(window.presetsMenu()->actions().size(), qsizetype(presets.size()));
        QCOMPARE(window.presetsMenu()->actions().front()->text(), presets.front().title);
    }

    void everyPresetLoadsInTheWindow_data() {
        QTest::addColumn<int>("index");
        const auto presets = loadPresetIndex();
        for (size_t i = 0; i < presets.size(); ++i)
            QTest::newRow(qPrintable(presets[i].file)) << int(i);
    }
    void everyPresetLoadsInTheWindow() {
        QFETCH(int, index);
        const PresetEntry preset = loadPresetIndex()[size_t(index)];
        const Experiment expected = *loadPreset(preset).experiment;
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QString error;
        const bool opened = window.openPreset(preset, &error);
        // Network presets open the network view (the CIFAR-10 one reports its missing folder
        // there, by name, without refusing the experiment).
        QVERIFY2(opened, qPrintable(error));
        QCOMPARE(window.controller()->experiment().title, expected.title);
        QCOMPARE(window.controller()->experiment().runs.size(), expected.runs.size());
        QCOMPARE(window.presetPoint(), preset.point);
        // The point stays until another experiment is opened.
        window.setExperiment(Experiment::defaultExperiment(), QString());
        QVERIFY(window.presetPoint().isEmpty());
    }

    void everyHelpPageOpensFromItsType_data() {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("heading"); // words the page must show
        for (const OptimizerInfo& o : optimizerCatalog())
            QTest::newRow(o.type.c_str())
                << HelpDock::optimizerPage(o.type) << QString::fromStdString(o.title);
        for (const ScheduleInfo& s : scheduleCatalog())
            QTest::newRow(s.type.c_str()) << HelpDock::schedulePage(s.type) << QString();
    }
    void everyHelpPageOpensFromItsType() {
        QFETCH(QString, page);
        HelpDock dock;
        QVERIFY2(QFile::exists(":/help/" + page), qPrintable(page + " missing from the resources"));
        dock.showPage(page);
        const QString text = dock.browser()->toPlainText();
        QVERIFY2(text.size() > 300, qPrintable(page + " is (nearly) empty"));
        QCOMPARE(dock.browser()->source(), HelpDock::pageUrl(page));
        // Rendered, not shown as source: no Markdown heading marks remain.
        QVERIFY2(!text.startsWith("#"), qPrintable(page));
    }

    void helpLinksResolve() {
        HelpDock dock;
        dock.showPage("index.md");
        // The index as shown (its catalog tables filled in), and what the browser rendered.
        const QString md = HelpDock::indexMarkdown();
        QVERIFY(dock.browser()->toPlainText().contains(QStringLiteral("AdaBelief")));
        const QRegularExpression link(R"(\]\(([a-z0-9_\-]+\.md)\))");
        int links = 0;
        for (auto it = link.globalMatch(md); it.hasNext(); ++links) {
            const QString target = it.next().captured(1);
            QVERIFY2(QFile::exists(":/help/" + target), qPrintable(target));
        }
        QVERIFY(links >= 10);
        // A clicked link is resolved against the page shown (as QTextBrowser does) and loads.
        dock.browser()->setSource(dock.browser()->source().resolved(QUrl("optimizer-adam.md")));
        QCOMPARE(dock.browser()->source(), HelpDock::pageUrl("optimizer-adam.md"));
        QVERIFY(dock.browser()->toPlainText().contains("1/(1−β2)") ||
                dock.browser()->toPlainText().contains("1000"));
    }

    void questionButtonsOpenThePage() {
        MainWindow window;
        window.resize(1400, 900);
        window.setExperiment(Experiment::defaultExperiment(), QString());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* optHelp = window.findChild<QToolButton*>("optimizerHelp");
        auto* schedHelp = window.findChild<QToolButton*>("scheduleHelp");
        QVERIFY(optHelp && schedHelp);
        const RunConfig& run = window.controller()->experiment().runs.front();
        window.helpDock()->hide();
        optHelp->click();
        QVERIFY(window.helpDock()->isVisible());
        QCOMPARE(window.helpDock()->browser()->source(),
                 HelpDock::pageUrl(HelpDock::optimizerPage(run.optimizer.type)));
        schedHelp->click();
        QCOMPARE(window.helpDock()->browser()->source(),
                 HelpDock::pageUrl(HelpDock::schedulePage(run.schedule ? run.schedule->type
                                                                       : std::string("constant"))));
        // The inspector's "?" opens the inspected run's optimizer.
        QTRY_VERIFY(!window.inspector()->helpPage().isEmpty());
        auto* inspHelp = window.findChild<QToolButton*>("inspectorHelp");
        QVERIFY(inspHelp);
        window.helpDock()->browser()->clear();
        inspHelp->click();
        QCOMPARE(window.helpDock()->browser()->source(),
                 HelpDock::pageUrl(HelpDock::optimizerPage(run.optimizer.type)));
        // Help → Contents (F1).
        QAction* contents = nullptr;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(QKeySequence::HelpContents))
                contents = a;
        QVERIFY(contents);
        contents->trigger();
        QCOMPARE(window.helpDock()->browser()->source(), HelpDock::pageUrl("index.md"));
    }

    void figureSheetAndAnimationExport() {
        MainWindow window;
        window.resize(1400, 900);
        const auto presets = loadPresetIndex();
        QString error;
        QVERIFY2(window.openPreset(presets.front(), &error), qPrintable(error));
        window.controller()->setSpeed(0);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 60000);

        TeachingExports* ex = window.teachingExports();
        ExportOptions o;
        o.size = QSize(1600, 1000);
        o.dpi = 96;
        QVERIFY2(ex->writeFigureSheet(m_dir.filePath("sheet.png"), ImageFormat::Png, o, &error),
                 qPrintable(error));
        QImage png(m_dir.filePath("sheet.png"));
        QCOMPARE(png.size(), QSize(1600, 1000));
        // The map (left) and the charts (right) are both drawn: many colours in each half.
        for (const QRect half : {QRect(0, 100, 700, 800), QRect(900, 100, 700, 800)}) {
            QSet<QRgb> colors;
            const QImage part = png.copy(half);
            for (int y = 0; y < part.height(); y += 3)
                for (int x = 0; x < part.width(); x += 3)
                    colors.insert(part.pixel(x, y));
            QVERIFY2(colors.size() > 50, qPrintable(QString::number(colors.size())));
        }
        QVERIFY2(ex->writeFigureSheet(m_dir.filePath("sheet.svg"), ImageFormat::Svg, o, &error),
                 qPrintable(error));
        QFile svg(m_dir.filePath("sheet.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(svg.readAll());
        while (!xml.atEnd() && !xml.isStartElement())
            xml.readNext();
        QCOMPARE(xml.name().toString(), QStringLiteral("svg"));
        QVERIFY2(ex->writeFigureSheet(m_dir.filePath("sheet.pdf"), ImageFormat::Pdf, o, &error),
                 qPrintable(error));
        QFile pdf(m_dir.filePath("sheet.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");

        AnimationOptions a;
        a.size = QSize(300, 200);
        a.fps = 10;
        a.frames = 8;
        const QString gifPath = m_dir.filePath("anim.gif");
        QVERIFY2(ex->writeAnimation(gifPath, a, &error), qPrintable(error));
        int code = 0;
        GifFileType* gif = DGifOpenFileName(QFile::encodeName(gifPath).constData(), &code);
        QVERIFY(gif);
        QCOMPARE(DGifSlurp(gif), GIF_OK);
        QCOMPARE(gif->ImageCount, 8);
        QCOMPARE(gif->SWidth, 300);
        QCOMPARE(gif->SHeight, 200);
        DGifCloseFile(gif, &code);
    }

    void presentationModeIsPersisted() {
        const QFont before = QApplication::font();
        {
            MainWindow window;
            PresentationMode* mode = window.presentationMode();
            QVERIFY(!mode->isOn());
            mode->action()->trigger();
            QVERIFY(mode->isOn());
            QCOMPARE(plotLineScale(), PresentationMode::kLineScale);
            QVERIFY(QApplication::font().pointSizeF() > before.pointSizeF() * 1.4);
            QCOMPARE(QSettings().value("view/presentation").toBool(), true);
        }
        {
            MainWindow window; // restored from the settings
            QVERIFY(window.presentationMode()->isOn());
            window.presentationMode()->setOn(false);
            QCOMPARE(plotLineScale(), 1.0);
            QCOMPARE(QApplication::font().pointSizeF(), before.pointSizeF());
            QCOMPARE(QSettings().value("view/presentation").toBool(), false);
        }
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestTeachingWindow)
#include "tst_teaching_window.moc"
