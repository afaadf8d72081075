// optiscope [FILE.json]: the desktop explorer. Opens FILE.json, or the default experiment of
// SPEC §2, and plays it at once.
#include "core/experiment/experiment.h"
#include "ui/app/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("OptiScope"));
    QApplication::setApplicationName(QStringLiteral("OptiScope"));
    QApplication::setApplicationVersion(QStringLiteral(OPTISCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Watch gradient-descent optimizers move over 2D functions."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("An experiment file (JSON) to open."),
                                 QStringLiteral("[FILE.json]"));
    parser.process(app);

    optiscope::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    QString error;
    if (files.isEmpty() || !window.openFile(files.first(), &error)) {
        window.setExperiment(optiscope::Experiment::defaultExperiment(), QString());
        if (!error.isEmpty())
            QMessageBox::warning(&window, QStringLiteral("Cannot open the experiment"), error);
    }
    return app.exec();
}
