#include "ui/export_controller.h"

#include "ui/function_view.h"
#include "ui/run_controller.h"

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

ExportController::ExportController(RunController* controller, FunctionView* map,
                                   QWidget* dialogParent)
    : QObject(dialogParent), m_controller(controller), m_map(map), m_parent(dialogParent) {
    m_lastFolder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (m_lastFolder.isEmpty())
        m_lastFolder = QDir::homePath();
}

bool ExportController::writePlot(PlotKind kind, const QString& path, ImageFormat format,
                                 const ExportOptions& options, QString* error) const {
    const Experiment& e = m_controller->experiment();
    const auto& tracks = m_controller->tracks();
    const QRectF view = m_map ? m_map->view() : QRectF();
    const QPalette palette = m_parent ? m_parent->palette() : QPalette();
    ExportOptions o = options;
    if (o.title.isEmpty())
        o.title = plotKindTitle(kind);
    return optiscope::exportPlot(
        [&](QPainter& p, const QRectF& target) {
            renderPlot(kind, e, tracks, p, target, palette, view);
        },
        path, format, o, error);
}

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
    ExportOptions options = m_pngOptions;
    if (format == ImageFormat::Png) {
        QDialog dialog(m_parent);
        dialog.setWindowTitle(tr("Export %1 as PNG").arg(plotKindTitle(kind)));
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
    const QString suggested = QDir(m_lastFolder).filePath(plotKindName(kind) + "." + suffix);
    QString path =
        QFileDialog::getSaveFileName(m_parent, tr("Export %1").arg(plotKindTitle(kind)), suggested,
                                     tr("%1 files (*.%2)").arg(suffix.toUpper(), suffix));
    if (path.isEmpty())
        return;
    if (!path.endsWith("." + suffix, Qt::CaseInsensitive))
        path += "." + suffix;
    m_lastFolder = QFileInfo(path).absolutePath();
    QString error;
    if (!writePlot(kind, path, format, options, &error)) {
        QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    emit message(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
}

void ExportController::exportTraces() {
    const QString folder = QFileDialog::getExistingDirectory(
        m_parent, tr("Folder for the trace CSV files"), m_lastFolder);
    if (folder.isEmpty())
        return;
    m_lastFolder = folder;
    QStringList written;
    QString error;
    if (!writeTraces(folder, &written, &error)) {
        QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    QString note;
    if (m_controller->stride() > 1)
        note = tr(" (every %1th step: the rows the app keeps for display)")
                   .arg(m_controller->stride());
    emit message(tr("Wrote %n trace file(s)%1", nullptr, int(written.size())).arg(note));
}

void ExportController::addPlotActions(QMenu* menu, PlotKind kind) {
    menu->addAction(tr("Export %1 as PNG…").arg(plotKindTitle(kind)), this,
                    [this, kind]() { exportPlot(kind, ImageFormat::Png); });
    menu->addAction(tr("Export %1 as SVG…").arg(plotKindTitle(kind)), this,
                    [this, kind]() { exportPlot(kind, ImageFormat::Svg); });
    menu->addAction(tr("Export %1 as PDF…").arg(plotKindTitle(kind)), this,
                    [this, kind]() { exportPlot(kind, ImageFormat::Pdf); });
}

void ExportController::showContextMenu(PlotKind kind, const QPoint& globalPos) {
    QMenu menu(m_parent);
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
