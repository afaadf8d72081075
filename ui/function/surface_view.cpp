#include "ui/function/surface_view.h"

#include "ui/app/recent_folders.h"
#include "ui/plots/surface_plot.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

namespace optiscope {

SurfaceView::SurfaceView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* hint = new QLabel(tr("right-drag to turn · wheel to zoom"), this);
    hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_reset = new QToolButton(this);
    m_reset->setObjectName(QStringLiteral("surfaceReset"));
    m_reset->setText(tr("Reset view"));
    m_export = new QToolButton(this);
    m_export->setObjectName(QStringLiteral("surfaceExport"));
    m_export->setText(tr("Export PNG…"));
    bar->addWidget(hint, 1);
    bar->addWidget(m_reset);
    bar->addWidget(m_export);
    layout->addLayout(bar);
    m_plot = new SurfacePlot(this);
    layout->addWidget(m_plot, 1);
    connect(m_reset, &QToolButton::clicked, m_plot, &SurfacePlot::resetView);
    connect(m_export, &QToolButton::clicked, this, &SurfaceView::exportDialog);
}

void SurfaceView::setScene(const MapScene& scene) {
    m_scene = scene;
    m_dirty = true;
    if (isVisible()) {
        m_plot->setScene(m_scene);
        m_dirty = false;
    }
}

void SurfaceView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_dirty) {
        m_plot->setScene(m_scene);
        m_dirty = false;
    }
    const bool ok = m_plot->available();
    m_reset->setEnabled(ok);
    m_export->setEnabled(ok);
}

bool SurfaceView::exportPng(const QString& path, const QSize& size, QString* error) {
    const QImage image = m_plot->renderImage(size);
    if (image.isNull()) {
        if (error)
            *error = m_plot->message().isEmpty() ? tr("the 3D view could not be rendered")
                                                 : m_plot->message();
        return false;
    }
    if (!image.save(path, "PNG")) {
        if (error)
            *error = tr("cannot write %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

void SurfaceView::exportDialog() {
    const QString suggested = QDir(RecentFolders::folder(QStringLiteral("exports"),
                                                         QStandardPaths::writableLocation(
                                                             QStandardPaths::PicturesLocation)))
                                  .filePath(QStringLiteral("surface.png"));
    QString path = QFileDialog::getSaveFileName(this, tr("Export the 3D view"), suggested,
                                                tr("PNG files (*.png)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        path += QLatin1String(".png");
    RecentFolders::remember(QStringLiteral("exports"), path);
    QString error;
    if (!exportPng(path, QSize(1600, 1200), &error))
        QMessageBox::warning(this, tr("Export the 3D view"), error);
}

} // namespace optiscope
