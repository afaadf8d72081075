// Draws the function map: a log-scaled viridis heatmap of f with contour lines (marching squares),
// a colour bar, the known minima, axes with ticks, every run's path and current point, the start
// point and a legend. Used by the interactive FunctionView and by offscreen export alike.
#pragma once

#include "ui/plots/plot_types.h"

#include <QImage>
#include <QLineF>
#include <QPalette>
#include <QPolygonF>
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
    /// On screen (with the cache): stroke paths for at most this long per frame, so that a frame
    /// stays short however many rows came since the last one (the first frames of 8 fast runs, a
    /// zoom over long runs); the rest is stroked in the next frames. 0: no limit.
    void setPathBudgetMs(double ms) { m_pathBudgetNs = qint64(ms * 1e6); }
    /// True when the last render() left path points to stroke: render again soon.
    [[nodiscard]] bool pathsPending() const { return m_pathsPending; }

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
    /// A stretch of a run's path in pixels: the polyline of its halo, and of its colour (which
    /// starts a little earlier when the stretch continues one stroked before).
    struct PathPiece {
        QPolygonF halo, colour;
        QColor color;
        bool dashed = false;
    };
    static constexpr qreal kHaloWidth = 4.5; ///< times plotLineScale()
    /// `trace`'s points [from, to) (to < 0: to its end).
    static PathPiece pathPiece(const Layout& l, const QRectF& view, const MapTrace& trace,
                               qsizetype from, qsizetype to = -1);
    static void strokeHalo(QPainter& p, const PathPiece& piece);
    static void strokeColour(QPainter& p, const PathPiece& piece);
    static void drawMarkers(QPainter& p, const Layout& l, const MapScene& scene);
    /// Bring the cached image of the paths up to date: only what the runs added since the last
    /// frame is stroked, unless the view, the runs or their kept rows changed; within the path
    /// budget. Returns false if points are left to stroke.
    bool updatePathLayer(const QSizeF& size, qreal dpr, const QFont& font, const MapScene& scene);
    void drawLegend(QPainter& p, const Layout& l, const MapScene& scene, const QPalette& pal);

    Field m_field;
    bool m_cacheStatic = false;
    qint64 m_pathBudgetNs = 0;
    bool m_pathsPending = false;
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
