// The "3D surface" tab beside the map: the SurfacePlot (ui/plots/) with Reset view and Export PNG
// buttons. The graph is made the first time the tab is shown, so a window that never shows it
// never touches OpenGL.
#pragma once

#include "ui/plots/plot_types.h"

#include <QWidget>

class QToolButton;

namespace optiscope {

class SurfacePlot;

class SurfaceView : public QWidget {
    Q_OBJECT
public:
    explicit SurfaceView(QWidget* parent = nullptr);

    /// The scene the map shows (function, view, paths). Drawn now when visible, else on show.
    void setScene(const MapScene& scene);
    [[nodiscard]] SurfacePlot* plot() const { return m_plot; }
    /// Writes the view as a PNG of `size`; false with `error` when it cannot.
    bool exportPng(const QString& path, const QSize& size, QString* error);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void exportDialog();

    SurfacePlot* m_plot;
    QToolButton* m_reset;
    QToolButton* m_export;
    MapScene m_scene;
    bool m_dirty = false;
};

} // namespace optiscope
