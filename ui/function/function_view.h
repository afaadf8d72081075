// The function map as an interactive widget: wheel to zoom around the cursor, drag with the right
// or middle button (or Shift + left) to pan, click or drag with the left button to set the start
// point, double-click to go back to the function's default view.
#pragma once

#include "ui/plots/function_map_renderer.h"
#include "ui/plots/plot_types.h"

#include <QElapsedTimer>
#include <QWidget>

#include <Eigen/Core>

namespace optiscope {

class FramePacer;

class FunctionView : public QWidget {
    Q_OBJECT
public:
    explicit FunctionView(QWidget* parent = nullptr);

    void setScene(const MapScene& scene);
    [[nodiscard]] const MapScene& scene() const { return m_scene; }
    [[nodiscard]] QRectF view() const { return m_scene.view; }
    void setView(const QRectF& view);
    /// Back to the bounds of the function (`home`), e.g. after the function changed.
    void setHome(const QRectF& home, bool apply);
    /// Paths left to stroke after a frame (see FunctionMapRenderer::setPathBudgetMs) are stroked
    /// in frames given by `pacer`, so that they do not share a chart's; without one, at once.
    void setPacer(FramePacer* pacer) { m_pacer = pacer; }
    /// How long the last repaint took (the owner paces repaints by it).
    [[nodiscard]] qint64 lastPaintMs() const { return m_lastPaintMs; }

    QSize sizeHint() const override { return {640, 560}; }
    QSize minimumSizeHint() const override { return {320, 280}; }

signals:
    /// The user picked a start point (while dragging, at most every ~80 ms, and on release).
    void startPicked(const Eigen::Vector2d& start);
    void viewChanged(const QRectF& view);
    /// A right click without a drag: the export menu.
    void contextMenuAt(const QPoint& globalPos);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    QRectF plotRect() const;
    QPointF worldAt(const QPointF& pixel) const;
    void pickStart(const QPointF& pixel, bool force);

    MapScene m_scene;
    QRectF m_home;
    FunctionMapRenderer m_renderer;
    FramePacer* m_pacer = nullptr;
    enum class Drag { None, Pan, Start } m_drag = Drag::None;
    QPointF m_dragFrom;
    QRectF m_viewFrom;
    QElapsedTimer m_lastPick;
    QPointF m_hover;
    bool m_hasHover = false;
    qint64 m_lastPaintMs = 0;
};

} // namespace optiscope
