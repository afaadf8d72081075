#include "ui/app/export_controller.h"
#include "ui/app/recent_folders.h"

#include "ui/function/function_run_controller.h"
#include "ui/function/function_view.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QMenu>
#include <QMessageBox>
#include <QSpinBox>
#include <QStandardPaths>

namespace optiscope {

ExportController::ExportController(FunctionRunController* controller, FunctionView* map,
                                   QWidget* dialogParent)
    : QObject(dialogParent), m_controller(controller), m_map(map), m_parent(dialogParent) {}

bool ExportController::writeTraces(const QString& folder, QStringList* written,
                                   QString* error) const {
    for (const RunTrack& t : m_controller->tracks()) {
        const QString path =
            QDir(folder).filePath(QString::fromStdString(t.instance.slug) + QStringLiteral(".csv"));
        if (!saveFileAtomically(path, traceCsv(t), error))
            return false;
        if (written)
            *written << path;
    }
    return true;
}

void ExportController::exportPlot(PlotKind kind, ImageFormat format) {
    const Experiment& e = m_controller->experiment();
    const auto& tracks = m_controller->tracks();
    const QRectF view = m_map ? m_map->view() : QRectF();
    const QPalette palette = m_parent ? m_parent->palette() : QPalette();
    exportFigure(plotKindTitle(kind), plotKindName(kind), format,
                 [&](QPainter& p, const QRectF& target) {
                     renderPlot(kind, e, tracks, p, target, palette, view);
                 });
}

void ExportController::exportFigure(const QString& title, const QString& stem, ImageFormat format,
                                    const PaintFunction& paint) {
    ExportOptions options = m_pngOptions;
    if (format == ImageFormat::Png) {
        QDialog dialog(m_parent);
        dialog.setWindowTitle(tr("Export %1 as PNG").arg(title));
        auto* form = new QFormLayout(&dialog);
        auto* w = new QSpinBox(&dialog);
        auto* h = new QSpinBox(&dialog);
        auto* dpi = new QSpinBox(&dialog);
        w->setRange(200, 10000);
        h->setRange(200, 10000);
        dpi->setRange(48, 600);
        w->setSuffix(tr(" px"));
        h->setSuffix(tr(" px"));
        w->setValue(options.size.width());
        h->setValue(options.size.height());
        dpi->setValue(options.dpi);
        dpi->setToolTip(tr("96 draws text at screen size; 192 twice as large (for slides)"));
        form->addRow(tr("width"), w);
        form->addRow(tr("height"), h);
        form->addRow(tr("DPI"), dpi);
        auto* buttons =
            new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        form->addRow(buttons);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        if (dialog.exec() != QDialog::Accepted)
            return;
        options.size = QSize(w->value(), h->value());
        options.dpi = dpi->value();
        m_pngOptions = options;
    }
    const QString suffix = imageFormatSuffix(format);
    const QString suggested = QDir(RecentFolders::folder(QStringLiteral("exports"),
                                                         QStandardPaths::writableLocation(
                                                             QStandardPaths::PicturesLocation)))
                                  .filePath(stem + "." + suffix);
    QString path =
        QFileDialog::getSaveFileName(m_parent, tr("Export %1").arg(title), suggested,
                                     tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (path.isEmpty())
        return;
    if (!path.endsWith("." + suffix, Qt::CaseInsensitive))
        path += "." + suffix;
    RecentFolders::remember(QStringLiteral("exports"), path);
    options.title = title;
    QString error;
    if (!optiscope::exportPlot(paint, path, format, options, &error)) {
        QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    emit message(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
}

void ExportController::addFigureActions(QMenu* menu, const QString& title, const QString& stem,
                                        const std::function<PaintFunction()>& paint) {
    for (ImageFormat format : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf})
        menu->addAction(
            tr("Export %1 as %2…").arg(title, imageFormatSuffix(format).toUpper()), this,
            [this, title, stem, format, paint]() { exportFigure(title, stem, format, paint()); });
}

void ExportController::exportFiles(
    const QString& what, const std::function<bool(const QString&, QStringList*, QString*)>& write,
    const QString& note) {
    const QString folder = QFileDialog::getExistingDirectory(
        m_parent, tr("Folder for the %1").arg(what),
        RecentFolders::folder(QStringLiteral("exports"),
                              QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)));
    if (folder.isEmpty())
        return;
    RecentFolders::remember(QStringLiteral("exports"), folder, true);
    QStringList written;
    QString error;
    if (!write(folder, &written, &error)) {
        QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    emit message(tr("Wrote %n file(s) to %1%2", nullptr, int(written.size()))
                     .arg(QDir::toNativeSeparators(folder), note));
}

void ExportController::exportTraces() {
    QString note;
    if (m_controller->experiment().steps >= 4096)
        note = tr(" (the rows the app keeps for display: every step up to 4,096, then 1,024 per "
                  "doubling; optiscope-cli run writes every step)");
    exportFiles(
        tr("trace CSV files"),
        [this](const QString& folder, QStringList* written, QString* error) {
            return writeTraces(folder, written, error);
        },
        note);
}

void ExportController::addPlotActions(QMenu* menu, PlotKind kind) {
    for (ImageFormat format : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf})
        menu->addAction(
            tr("Export %1 as %2…").arg(plotKindTitle(kind), imageFormatSuffix(format).toUpper()),
            this, [this, kind, format]() { exportPlot(kind, format); });
}

void ExportController::showContextMenu(PlotKind kind, const QPoint& globalPos,
                                       const QList<QAction*>& viewActions) {
    QMenu menu(m_parent);
    if (!viewActions.isEmpty()) {
        menu.addActions(viewActions);
        menu.addSeparator();
    }
    addPlotActions(&menu, kind);
    menu.addSeparator();
    menu.addAction(tr("Export traces as CSV…"), this, &ExportController::exportTraces);
    if (kind == PlotKind::Trajectories && m_map) {
        menu.addSeparator();
        menu.addAction(tr("Reset view"), m_map,
                       [this]() { m_map->setView(defaultMapView(m_controller->experiment())); });
    }
    menu.exec(globalPos);
}

} // namespace optiscope
