// Draws the function map: a log-scaled viridis heatmap of f with contour lines (marching squares),
// a colour bar, the known minima, axes with ticks, every run's path and current point, the start
// point and a legend. Used by the interactive FunctionView and by offscreen export alike.
#pragma once

#include "ui/plots/plot_types.h"

#include <QImage>
#include <QLineF>
#include <QPalette>
#include <QString>
#include <QVector>

#include <vector>

class QPainter;

namespace optiscope {

class FunctionMapRenderer {
public:
    struct Layout {
        QRectF plot;     ///< where the heatmap goes
        QRectF colorBar; ///< the colour bar beside it
        QRectF title;
    };
    /// Margins for the title, axes and colour bar inside `target` (`compact`: axes only).
    static Layout layout(const QRectF& target, const QFont& font, bool compact = false);

    static QPointF toPixel(const QRectF& plot, const QRectF& view, const QPointF& world);
    static QPointF toWorld(const QRectF& plot, const QRectF& view, const QPointF& pixel);

    /// Draw everything into `target`. `palette` gives the background and text colours.
    void render(QPainter& painter, const QRectF& target, const MapScene& scene,
                const QPalette& palette);

    /// Keep the static layer (heatmap, contours, axes) in an image between frames (on screen).
    void setCacheStatic(bool on) { m_cacheStatic = on; }

    /// "nice" tick positions covering [lo, hi], about `count` of them.
    static QVector<double> ticks(double lo, double hi, int count);

private:
    struct Field {
        QString key;
        QImage image;
        QVector<QLineF> contours; ///< world coordinates
        double fMin = 0, fMax = 1, offset = 1e-12;
        QString error;
    };
    void ensureField(const MapScene& scene, const QSize& pixels);
    void drawStatic(QPainter& p, const QRectF& target, const Layout& l, const MapScene& scene,
                    const QPalette& pal);
    void drawAxes(QPainter& p, const Layout& l, const QRectF& view, const QPalette& pal);
    void drawColorBar(QPainter& p, const Layout& l, const QPalette& pal);
    /// Paths, then current points and the start marker.
    void drawTraces(QPainter& p, const Layout& l, const MapScene& scene);
    /// Stroke `trace` from its point `from` on (0: all of it).
    static void strokePath(QPainter& p, const Layout& l, const QRectF& view, const MapTrace& trace,
                           qsizetype from);
    static void drawMarkers(QPainter& p, const Layout& l, const MapScene& scene);
    /// Bring the cached image of the paths up to date: only what the runs added since the last
    /// frame is stroked, unless the view, the runs or their kept rows changed.
    void updatePathLayer(const QSizeF& size, qreal dpr, const QFont& font, const MapScene& scene);
    void drawLegend(QPainter& p, const Layout& l, const MapScene& scene, const QPalette& pal);

    Field m_field;
    bool m_cacheStatic = false;
    QImage m_static;
    QString m_staticKey;
    /// The paths drawn so far (screen only) and, per run, what of its path they hold.
    struct DrawnPath {
        QColor color;
        bool dashed = false;
        qsizetype points = 0; ///< path points stroked
        QPointF first, last;  ///< path[0] and path[points - 1] when stroked
    };
    QImage m_paths;
    QString m_pathsKey;
    std::vector<DrawnPath> m_drawn;
};

} // namespace optiscope
