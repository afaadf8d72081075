#include "ui/network/network_preview.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace optiscope {

NetworkPreview::NetworkPreview(QWidget* parent) : QWidget(parent) {
    setMinimumSize(260, 260);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void NetworkPreview::setPreview(const NetworkDataPreview& preview) {
    m_preview = preview;
    m_boundary = QImage();
    m_boundaryEpoch = -1;
    m_message.clear();
    update();
}

void NetworkPreview::setBoundary(const QImage& image, long long epoch) {
    m_boundary = image;
    m_boundaryEpoch = epoch;
    update();
}

void NetworkPreview::setMessage(const QString& text) {
    m_preview = NetworkDataPreview();
    m_boundary = QImage();
    m_boundaryEpoch = -1;
    m_message = text;
    update();
}

void NetworkPreview::setBoundaryRun(const QString& name) {
    m_boundaryRun = name;
    update();
}

QString NetworkPreview::boundaryCaption() const {
    if (!m_preview.is2d || m_boundaryEpoch < 0)
        return {};
    return m_boundaryRun.isEmpty() ? tr("decision boundary after epoch %1").arg(m_boundaryEpoch)
                                   : tr("decision boundary of %1 after epoch %2")
                                         .arg(m_boundaryRun)
                                         .arg(m_boundaryEpoch);
}

void NetworkPreview::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setFont(font());
    paint(p, QRectF(rect()), palette());
}

void NetworkPreview::paint(QPainter& p, const QRectF& target, const QPalette& pal) const {
    p.save();
    p.fillRect(target, pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    const QRect area = target.toRect().adjusted(8, 8, -8, -8);
    if (!m_message.isEmpty() || (m_preview.points.isEmpty() && m_preview.images.isEmpty())) {
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   m_message.isEmpty() ? m_preview.description : m_message);
        p.restore();
        return;
    }
    // A caption of one or two lines (what the data is; whose boundary after which epoch), each
    // elided rather than cut off when the pane is narrow.
    const QFontMetrics fm = p.fontMetrics();
    QStringList lines{m_preview.description};
    if (const QString b = boundaryCaption(); !b.isEmpty())
        lines << b;
    int y = area.top();
    for (const QString& line : lines) {
        p.drawText(QRect(area.left(), y, area.width(), fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(line, Qt::ElideRight, area.width()));
        y += fm.height();
    }
    const QRect body = area.adjusted(0, y - area.top() + 6, 0, 0);
    p.setRenderHint(QPainter::Antialiasing);

    if (m_preview.is2d) {
        const int side = std::min(body.width(), body.height());
        const QRect sq(body.left() + (body.width() - side) / 2, body.top(), side, side);
        if (!m_boundary.isNull()) {
            p.setRenderHint(QPainter::SmoothPixmapTransform);
            p.drawImage(sq, m_boundary);
        } else {
            p.fillRect(sq, QColor(245, 245, 245));
        }
        const QRectF plane = m_preview.plane;
        const double r = std::clamp(side / 150.0, 2.0, 4.5);
        for (int i = 0; i < m_preview.points.size(); ++i) {
            const QPointF w = m_preview.points[i];
            const QPointF s(sq.left() + (w.x() - plane.left()) / plane.width() * sq.width(),
                            sq.bottom() - (w.y() - plane.top()) / plane.height() * sq.height());
            p.setBrush(networkClassColor(m_preview.labels.value(i)));
            p.setPen(QPen(QColor(255, 255, 255, 200), 0.8));
            p.drawEllipse(s, r, r);
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(pal.color(QPalette::Mid));
        p.drawRect(sq);
        p.restore();
        return;
    }

    // Image grid: as many columns as make the cells roughly square.
    const int n = int(m_preview.images.size());
    const int cols = std::max(
        1, int(std::ceil(std::sqrt(n * double(body.width()) / std::max(1, body.height())))));
    const int rows = (n + cols - 1) / cols;
    const int label = fm.height();
    const int cell = std::max(8, std::min(body.width() / cols, body.height() / std::max(1, rows)));
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int i = 0; i < n; ++i) {
        const QRect c(body.left() + (i % cols) * cell, body.top() + (i / cols) * cell, cell, cell);
        const QRect img = c.adjusted(2, 2, -2, -2 - label);
        const int s = std::min(img.width(), img.height());
        p.drawImage(QRect(img.left() + (img.width() - s) / 2, img.top(), s, s),
                    m_preview.images[i]);
        const int k = m_preview.imageLabels.value(i, -1);
        const QString name = k >= 0 && k < m_preview.classNames.size() ? m_preview.classNames[k]
                                                                       : QString::number(k);
        p.drawText(QRect(c.left(), c.bottom() - label, c.width(), label), Qt::AlignCenter, name);
    }
    p.restore();
}

} // namespace optiscope
