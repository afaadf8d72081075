// The function as a 3D surface with every run's path on it: Qt Data Visualization's Q3DSurface
// behind a small adapter (the only file that includes it, so a move to Qt Graphs stays here).
// Height and colour are f on the map's log scale (0 at the lowest value in view, 1 at the
// highest), so a ravine reads as one. Drag with the right button to rotate, wheel to zoom.
// Where OpenGL is missing (no display, no GL driver) the widget shows a message instead.
#pragma once

#include "ui/plots/plot_types.h"

#include <QImage>
#include <QWidget>

class QLabel;
class Q3DSurface;
class QSurface3DSeries;

namespace optiscope {

class SurfacePlot : public QWidget {
    Q_OBJECT
public:
    explicit SurfacePlot(QWidget* parent = nullptr);
    ~SurfacePlot() override;

    /// Whether an OpenGL context can be made here; `why` says what is missing when not.
    static bool openGlAvailable(QString* why = nullptr);

    /// The function (sampled again only when it, its constants or the view change) and the runs'
    /// paths. Cheap to call as runs play.
    void setScene(const MapScene& scene);
    /// Back to the first camera angle and zoom.
    void resetView();
    /// The view as an image (the graph rendered offscreen at `size`); null without OpenGL or
    /// before the graph was first shown.
    QImage renderImage(const QSize& size);
    [[nodiscard]] bool available() const { return m_graph != nullptr; }
    [[nodiscard]] QString message() const;

    /// Renders `scene` offscreen to a PNG of `size` (the CLI's `--plots surface`).
    static bool renderToFile(const MapScene& scene, const QSize& size, const QString& path,
                             QString* error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void ensureGraph();
    void updateSurface(const MapScene& scene);
    void updatePaths(const MapScene& scene);
    double heightOf(double f) const;

    Q3DSurface* m_graph = nullptr;
    QWidget* m_container = nullptr;
    QLabel* m_message = nullptr;
    QSurface3DSeries* m_surface = nullptr;
    /// Q3DSurface sets up its renderer on its first expose; renderToImage() before that crashes.
    bool m_exposed = false;
    std::vector<QSurface3DSeries*> m_paths;
    QString m_fieldKey;
    MapScene m_pending;
    bool m_hasPending = false;
    double m_lo = 0.0, m_offset = 1.0, m_zLo = 0.0, m_zHi = 1.0;
    std::vector<double> m_heightGrid; ///< sampled heights, for lifting paths onto the surface
    int m_gridW = 0, m_gridH = 0;
    QRectF m_gridView;
};

} // namespace optiscope
