// The function lab in the window: "Custom…" opens the editor; a bad expression shows its column
// under the field while the last good function stays in the experiment (and on the map); a good
// one replaces it as it is typed, with its symbolic derivatives; constants become fields.
#include "core/functions/custom_function.h"
#include "ui/app/experiment_document.h"
#include "ui/app/main_window.h"
#include "ui/app/param_form.h"
#include "ui/function/custom_function_editor.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/surface_view.h"
#include "ui/plots/surface_plot.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace optiscope;

namespace {

void type(QLineEdit* edit, const QString& text) {
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

std::string shownExpression(const MainWindow& window) {
    const FunctionProblem& p = window.document()->experiment().function;
    return p.custom ? p.custom->expression().text() : std::string();
}

} // namespace

class TestFunctionLab : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
        QApplication::setOrganizationName("OptiScopeTest");
        QApplication::setApplicationName("tst_function_lab");
    }

    void customEditorFollowsTyping() {
        MainWindow window;
        window.resize(1366, 768);
        window.setExperiment(Experiment::defaultExperiment(), QString());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto* chooser = window.findChild<QComboBox*>(QStringLiteral("functionChooser"));
        QVERIFY(chooser);
        const int custom = chooser->findData(QStringLiteral("custom"));
        QCOMPARE(custom, chooser->count() - 1);
        auto* editor = window.findChild<CustomFunctionEditor*>();
        QVERIFY(editor);
        QVERIFY(editor->isHidden());
        chooser->setCurrentIndex(custom);
        emit chooser->activated(custom);
        QVERIFY(editor->isVisible());
        QCOMPARE(window.document()->experiment().function.function, std::string("custom"));
        QCOMPARE(shownExpression(window), CustomFunction::example()->expression().text());

        auto* expression = editor->findChild<QLineEdit*>(QStringLiteral("customExpression"));
        auto* error = editor->findChild<QLabel*>(QStringLiteral("customExpressionError"));
        auto* derivatives = editor->findChild<QLabel*>(QStringLiteral("customDerivatives"));
        QVERIFY(expression && error && derivatives);
        QVERIFY(derivatives->text().contains(QStringLiteral("∂f/∂y = b*2*(y - x^2)")));

        // A typo: the error names the column, the last good function stays.
        type(expression, QStringLiteral("x^2 + 10*q^2"));
        QTRY_VERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QStringLiteral("problem.expression: column 10: unknown "
                                                       "name 'q'")),
                 qPrintable(error->text()));
        QCOMPARE(shownExpression(window), CustomFunction::example()->expression().text());

        // Fixed: the experiment follows without pressing Enter, and the derivatives are shown.
        QTest::keyClick(expression, Qt::Key_End);
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(expression, Qt::Key_Backspace);
        QTest::keyClicks(expression, QStringLiteral("y^2"));
        QTRY_COMPARE(shownExpression(window), std::string("x^2 + 10*y^2"));
        QVERIFY(error->isHidden());
        QVERIFY2(derivatives->text().contains(QStringLiteral("∂f/∂x = 2*x")),
                 qPrintable(derivatives->text()));
        QVERIFY(derivatives->text().contains(QStringLiteral("∂f/∂y = 10*2*y")));

        // A constant becomes a field in the constants form and a value in problem.params.
        auto* params = editor->findChild<QLineEdit*>(QStringLiteral("customParams"));
        QVERIFY(params);
        type(params, QStringLiteral("k = 3"));
        type(expression, QStringLiteral("x^2 + k*y^2"));
        QTRY_COMPARE(shownExpression(window), std::string("x^2 + k*y^2"));
        const FunctionProblem& p = window.document()->experiment().function;
        QCOMPARE(p.params.real("k"), 3.0);
        bool formHasK = false;
        for (auto* form : window.findChildren<ParamForm*>())
            formHasK = formHasK || form->values().has("k");
        QVERIFY(formHasK);

        // A constant that shadows x is refused with its field.
        type(params, QStringLiteral("x = 1"));
        QTRY_VERIFY(!editor->errorText().isEmpty());
        QVERIFY2(editor->errorText().contains(QStringLiteral("params.x: shadows")),
                 qPrintable(editor->errorText()));
        QCOMPARE(shownExpression(window), std::string("x^2 + k*y^2"));

        // The runs run on the typed function.
        type(params, QStringLiteral("k = 3"));
        QTRY_VERIFY(editor->errorText().isEmpty());
        window.controller()->setSpeed(0);
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
        QVERIFY(!window.controller()->tracks().empty());
        QCOMPARE(window.controller()->tracks().front().latest.step, 1500LL);

        // Back to a built-in: the editor goes away.
        chooser->setCurrentIndex(0);
        emit chooser->activated(0);
        QCOMPARE(window.document()->experiment().function.function, std::string("rosenbrock"));
        QVERIFY(editor->isHidden());
        QVERIFY(!window.document()->experiment().function.custom);
        // ... and Custom… again brings back what was typed.
        chooser->setCurrentIndex(custom);
        emit chooser->activated(custom);
        QCOMPARE(shownExpression(window), std::string("x^2 + k*y^2"));
        QCOMPARE(expression->text(), QStringLiteral("x^2 + k*y^2"));
    }

    // The 3D tab renders where OpenGL exists (Xvfb + Mesa: run with DISPLAY set and
    // QT_QPA_PLATFORM=xcb) and says why not, without crashing, where it does not (offscreen).
    void surfaceTabRendersOrExplains() {
        MainWindow window;
        window.resize(1366, 768);
        Experiment e = Experiment::defaultExperiment();
        e.function.noise.reset();
        e.steps = 300;
        window.setExperiment(e, QString());
        window.controller()->setSpeed(0);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
        auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("mapTabs"));
        QVERIFY(tabs);
        tabs->setCurrentIndex(1);
        QTest::qWait(300);
        SurfacePlot* plot = window.surfaceView()->plot();
        const bool gl = SurfacePlot::openGlAvailable();
        qInfo("platform %s, OpenGL %s", qPrintable(QGuiApplication::platformName()),
              gl ? "available" : "missing");
        QCOMPARE(plot->available(), gl);
        if (!gl) {
            QVERIFY2(plot->message().contains(QStringLiteral("OpenGL")),
                     qPrintable(plot->message()));
            QVERIFY(plot->renderImage(QSize(400, 300)).isNull());
            QString error;
            QVERIFY(
                !window.surfaceView()->exportPng(m_dir.filePath("s.png"), QSize(400, 300), &error));
            QVERIFY(!error.isEmpty());
            return;
        }
        QVERIFY(plot->message().isEmpty());
        const QString path = m_dir.filePath(QStringLiteral("surface.png"));
        QString error;
        QVERIFY2(window.surfaceView()->exportPng(path, QSize(800, 600), &error), qPrintable(error));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(800, 600));
        QSet<QRgb> colors;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                colors.insert(image.pixel(x, y));
        QVERIFY2(colors.size() > 200, qPrintable(QString::number(colors.size())));
        // Reset view after a turn brings the same picture back.
        const QImage before = plot->renderImage(QSize(400, 300));
        plot->resetView();
        QCOMPARE(plot->renderImage(QSize(400, 300)), before);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestFunctionLab)
#include "tst_function_lab.moc"
