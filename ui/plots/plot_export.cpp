#include "ui/plots/plot_export.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace optiscope {

bool imageFormatFromPath(const QString& path, ImageFormat* format) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        *format = ImageFormat::Png;
    else if (suffix == QLatin1String("svg"))
        *format = ImageFormat::Svg;
    else if (suffix == QLatin1String("pdf"))
        *format = ImageFormat::Pdf;
    else
        return false;
    return true;
}

QString imageFormatSuffix(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

bool saveFileAtomically(const QString& path, const QByteArray& data, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.write(data) != data.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    return true;
}

bool exportPlot(const PaintFunction& paint, const QString& path, ImageFormat format,
                const ExportOptions& options, QString* error) {
    const QSize size = options.size.expandedTo(QSize(64, 64));
    QByteArray bytes;
    if (format == ImageFormat::Png) {
        // The plot is laid out at size/scale logical pixels and drawn scaled: a higher DPI gives
        // larger text and lines on the same number of pixels, as a print would.
        const double scale = std::clamp(options.dpi / 96.0, 0.25, 8.0);
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.setDotsPerMeterX(int(std::lround(options.dpi / 0.0254)));
        image.setDotsPerMeterY(int(std::lround(options.dpi / 0.0254)));
        image.fill(Qt::white);
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::Antialiasing);
            p.scale(scale, scale);
            paint(p, QRectF(0, 0, size.width() / scale, size.height() / scale));
        }
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QImageWriter writer(&buffer, "png");
        if (!writer.write(image)) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(path, writer.errorString());
            return false;
        }
    } else if (format == ImageFormat::Svg) {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setResolution(96);
        svg.setTitle(options.title);
        svg.setDescription(QStringLiteral("OptiScope plot"));
        QPainter p;
        if (!p.begin(&svg)) {
            if (error)
                *error = QStringLiteral("%1: cannot start the SVG writer").arg(path);
            return false;
        }
        paint(p, QRectF(QPointF(0, 0), size));
        p.end();
    } else {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QPdfWriter pdf(&buffer);
        pdf.setResolution(96);
        pdf.setTitle(options.title);
        pdf.setCreator(QStringLiteral("OptiScope"));
        pdf.setPageSize(QPageSize(QSizeF(size.width() * 72.0 / 96.0, size.height() * 72.0 / 96.0),
                                  QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter p;
        if (!p.begin(&pdf)) {
            if (error)
                *error = QStringLiteral("%1: cannot start the PDF writer").arg(path);
            return false;
        }
        const QRect page = p.viewport();
        const double s =
            std::min(page.width() / double(size.width()), page.height() / double(size.height()));
        p.scale(s, s);
        paint(p, QRectF(QPointF(0, 0), size));
        p.end();
    }
    return saveFileAtomically(path, bytes, error);
}

} // namespace optiscope
