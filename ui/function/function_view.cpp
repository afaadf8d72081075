#include "ui/function/function_view.h"

#include "ui/app/frame_pacer.h"

#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>

namespace optiscope {

FunctionView::FunctionView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Click or drag: set the start point · wheel: zoom · right/middle drag or "
                  "Shift+drag: pan · double-click: reset the view"));
    m_scene.view = QRectF(-2, -1, 4, 4);
    m_renderer.setCacheStatic(true);
    // A few milliseconds of strokes per frame, the rest in the next ones: a frame also holds the
    // window's other repaints, and a slower machine than the one this was measured on.
    m_renderer.setPathBudgetMs(4);
}

void FunctionView::setScene(const MapScene& scene) {
    const QRectF view = m_scene.view;
    m_scene = scene;
    m_scene.view = view; // the view is ours (zoom/pan)
    update();
}

void FunctionView::setView(const QRectF& view) {
    if (!view.isValid())
        return;
    m_scene.view = view;
    emit viewChanged(view);
    update();
}

void FunctionView::setHome(const QRectF& home, bool apply) {
    m_home = home;
    if (apply)
        setView(home);
}

QRectF FunctionView::plotRect() const {
    return FunctionMapRenderer::layout(QRectF(rect()), font()).plot;
}

QPointF FunctionView::worldAt(const QPointF& pixel) const {
    return FunctionMapRenderer::toWorld(plotRect(), m_scene.view, pixel);
}

void FunctionView::paintEvent(QPaintEvent*) {
    QElapsedTimer timer;
    timer.start();
    QPainter p(this);
    m_renderer.render(p, QRectF(rect()), m_scene, palette());
    if (m_hasHover && plotRect().contains(m_hover)) {
        const QPointF w = worldAt(m_hover);
        const QString s =
            QStringLiteral("x = %1   y = %2").arg(w.x(), 0, 'f', 3).arg(w.y(), 0, 'f', 3);
        const QRectF pr = plotRect();
        QFontMetricsF fm(font());
        QRectF box(pr.left() + 6, pr.bottom() - fm.height() - 10, fm.horizontalAdvance(s) + 12,
                   fm.height() + 6);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 170));
        p.drawRoundedRect(box, 4, 4);
        p.setPen(Qt::white);
        p.drawText(box, Qt::AlignCenter, s);
    }
    m_lastPaintMs = timer.elapsed();
    if (m_renderer.pathsPending()) {
        QTimer::singleShot(0, this, [this]() {
            FramePacer::run(m_pacer, this, [this]() {
                update();
                return true;
            });
        });
    }
}

void FunctionView::wheelEvent(QWheelEvent* event) {
    const QPointF anchor = worldAt(event->position());
    const double steps = event->angleDelta().y() / 120.0;
    const double factor = std::pow(0.85, steps);
    const QRectF v = m_scene.view;
    const double w = v.width() * factor, h = v.height() * factor;
    if (w < 1e-9 || w > 1e9 || h < 1e-9 || h > 1e9)
        return;
    const double fx = (anchor.x() - v.left()) / v.width();
    const double fy = (anchor.y() - v.top()) / v.height();
    setView(QRectF(anchor.x() - fx * w, anchor.y() - fy * h, w, h));
    event->accept();
}

void FunctionView::mousePressEvent(QMouseEvent* event) {
    const bool pan =
        event->button() == Qt::RightButton || event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
    if (pan) {
        m_drag = Drag::Pan;
        m_dragFrom = event->position();
        m_viewFrom = m_scene.view;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton && plotRect().contains(event->position())) {
        m_drag = Drag::Start;
        m_lastPick.invalidate();
        pickStart(event->position(), true);
    }
}

void FunctionView::mouseMoveEvent(QMouseEvent* event) {
    m_hover = event->position();
    m_hasHover = true;
    if (m_drag == Drag::Pan) {
        const QRectF pr = plotRect();
        const QPointF d = event->position() - m_dragFrom;
        const double dx = -d.x() / pr.width() * m_viewFrom.width();
        const double dy = d.y() / pr.height() * m_viewFrom.height();
        setView(m_viewFrom.translated(dx, dy));
        return;
    }
    if (m_drag == Drag::Start)
        pickStart(event->position(), false);
    update();
}

void FunctionView::mouseReleaseEvent(QMouseEvent* event) {
    if (m_drag == Drag::Pan && event->button() == Qt::RightButton &&
        (event->position() - m_dragFrom).manhattanLength() < 4) {
        m_drag = Drag::None;
        setCursor(Qt::CrossCursor);
        emit contextMenuAt(event->globalPosition().toPoint());
        return;
    }
    if (m_drag == Drag::Start)
        pickStart(event->position(), true);
    m_drag = Drag::None;
    setCursor(Qt::CrossCursor);
}

void FunctionView::mouseDoubleClickEvent(QMouseEvent*) {
    if (m_home.isValid())
        setView(m_home);
}

void FunctionView::pickStart(const QPointF& pixel, bool force) {
    if (!force && m_lastPick.isValid() && m_lastPick.elapsed() < 80)
        return;
    const QRectF pr = plotRect();
    const QPointF clamped(std::clamp(pixel.x(), pr.left(), pr.right()),
                          std::clamp(pixel.y(), pr.top(), pr.bottom()));
    const QPointF w = worldAt(clamped);
    // Round to a grid ~1/1000 of the view, so the start reads well in the file and editor.
    const double q = std::pow(10.0, std::floor(std::log10(m_scene.view.width())) - 2);
    Eigen::Vector2d start(std::round(w.x() / q) * q, std::round(w.y() / q) * q);
    if (start == m_scene.problem.start)
        return;
    m_lastPick.start();
    m_scene.problem.start = start;
    update();
    emit startPicked(start);
}

} // namespace optiscope
