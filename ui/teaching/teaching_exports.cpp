#include "ui/teaching/teaching_exports.h"
#include "ui/app/recent_folders.h"

#include "ui/function/function_run_controller.h"
#include "ui/function/function_view.h"
#include "ui/teaching/figure_sheet.h"

#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSpinBox>
#include <QStandardPaths>

#include <cmath>

namespace optiscope {

TeachingExports::TeachingExports(FunctionRunController* controller, FunctionView* map,
                                 QWidget* dialogParent)
    : QObject(dialogParent), m_controller(controller), m_map(map), m_parent(dialogParent) {}

bool TeachingExports::writeAnimation(const QString& path, const AnimationOptions& options,
                                     QString* error) const {
    return exportTrajectoryGif(m_controller->experiment(), m_controller->tracks(), path, options,
                               m_parent ? m_parent->palette() : QPalette(), error);
}

bool TeachingExports::writeFigureSheet(const QString& path, ImageFormat format,
                                       const ExportOptions& options, QString* error) const {
    const Experiment& e = m_controller->experiment();
    const auto& tracks = m_controller->tracks();
    const QRectF view = m_map ? m_map->view() : QRectF();
    const QPalette palette = m_parent ? m_parent->palette() : QPalette();
    ExportOptions o = options;
    if (o.title.isEmpty())
        o.title = QString::fromStdString(e.title);
    return exportPlot(
        [&](QPainter& p, const QRectF& target) {
            renderFigureSheet(e, tracks, p, target, palette, view);
        },
        path, format, o, error);
}

void TeachingExports::exportAnimation() {
    if (m_controller->experiment().problemType != Experiment::ProblemType::Function) {
        emit message(tr("Animations show trajectories on a function map."));
        return;
    }
    QDialog dialog(m_parent);
    dialog.setWindowTitle(tr("Export animation"));
    auto* form = new QFormLayout(&dialog);
    auto* fps = new QSpinBox;
    fps->setRange(1, 50);
    fps->setValue(m_animation.fps);
    fps->setSuffix(tr(" frames/s"));
    auto* seconds = new QDoubleSpinBox;
    seconds->setRange(0.5, 120);
    seconds->setDecimals(1);
    seconds->setValue(double(m_animation.frames) / m_animation.fps);
    seconds->setSuffix(tr(" s"));
    auto* width = new QSpinBox;
    width->setRange(200, 4000);
    width->setValue(m_animation.size.width());
    width->setSuffix(tr(" px"));
    auto* height = new QSpinBox;
    height->setRange(150, 4000);
    height->setValue(m_animation.size.height());
    height->setSuffix(tr(" px"));
    form->addRow(tr("Frame rate:"), fps);
    form->addRow(tr("Length:"), seconds);
    form->addRow(tr("Width:"), width);
    form->addRow(tr("Height:"), height);
    form->addRow(new QLabel(tr("Every run grows from its start to the step it has reached now;\n"
                               "each frame shows a step counter.")));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_animation.fps = fps->value();
    m_animation.frames = std::max(2, int(std::lround(seconds->value() * fps->value())));
    m_animation.size = QSize(width->value(), height->value());

    const QString path = QFileDialog::getSaveFileName(
        m_parent, tr("Export animation"),
        QDir(RecentFolders::folder(
                 QStringLiteral("exports"),
                 QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)))
            .filePath("trajectories.gif"),
        tr("GIF animation (*.gif)"));
    if (path.isEmpty())
        return;
    RecentFolders::remember(QStringLiteral("exports"), path);
    QProgressDialog progress(tr("Rendering frames…"), tr("Cancel"), 0, m_animation.frames,
                             m_parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QString error;
    const bool ok = exportTrajectoryGif(m_controller->experiment(), m_controller->tracks(), path,
                                        m_animation, m_parent ? m_parent->palette() : QPalette(),
                                        &error, [&](int done, int total) {
                                            progress.setMaximum(total);
                                            progress.setValue(done);
                                            QApplication::processEvents();
                                            return !progress.wasCanceled();
                                        });
    progress.reset();
    if (!ok) {
        if (!progress.wasCanceled())
            QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    emit message(
        tr("Wrote %1 (%2 frames)").arg(QDir::toNativeSeparators(path)).arg(m_animation.frames));
}

void TeachingExports::exportFigureSheet() {
    QString filter;
    const QString path = QFileDialog::getSaveFileName(
        m_parent, tr("Export figure sheet"),
        QDir(RecentFolders::folder(
                 QStringLiteral("exports"),
                 QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)))
            .filePath("figure_sheet.png"),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty())
        return;
    RecentFolders::remember(QStringLiteral("exports"), path);
    ImageFormat format = ImageFormat::Png;
    QString target = path;
    if (!imageFormatFromPath(path, &format)) {
        format = filter.contains("svg")   ? ImageFormat::Svg
                 : filter.contains("pdf") ? ImageFormat::Pdf
                                          : ImageFormat::Png;
        target += QLatin1Char('.') + imageFormatSuffix(format);
    }
    ExportOptions options;
    options.size = QSize(1920, 1080); // a 16:9 slide
    options.dpi = 120;
    QString error;
    if (!writeFigureSheet(target, format, options, &error)) {
        QMessageBox::warning(m_parent, tr("Export failed"), error);
        return;
    }
    emit message(tr("Wrote %1").arg(QDir::toNativeSeparators(target)));
}

} // namespace optiscope
