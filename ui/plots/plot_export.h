// Writing a plot to PNG (size and DPI chosen), SVG or PDF, atomically (QSaveFile): the painting
// itself is a callback, so the function map, the charts and any future plot export the same way.
#pragma once

#include <QRectF>
#include <QSize>
#include <QString>

#include <functional>

class QPainter;

namespace optiscope {

enum class ImageFormat { Png, Svg, Pdf };

struct ExportOptions {
    QSize size{1600, 1000}; ///< pixels (PNG) or 1/96 in (SVG, PDF)
    int dpi = 144;          ///< PNG: 96 is 1:1, 192 draws everything twice as large
    QString title;          ///< SVG/PDF document title
};

/// Paints a plot into `target` (logical pixels, 96 per inch).
using PaintFunction = std::function<void(QPainter&, const QRectF& target)>;

/// A figure a view shows, ready to export: its title, a file stem and how to draw it.
struct Figure {
    QString title;
    QString stem;
    PaintFunction paint;
};

/// The format a path's suffix names (png, svg, pdf); false if none.
bool imageFormatFromPath(const QString& path, ImageFormat* format);
QString imageFormatSuffix(ImageFormat format);

/// Render and write atomically. False with `error` set on failure (the target is untouched).
bool exportPlot(const PaintFunction& paint, const QString& path, ImageFormat format,
                const ExportOptions& options, QString* error);

/// Write bytes atomically.
bool saveFileAtomically(const QString& path, const QByteArray& data, QString* error);

} // namespace optiscope
