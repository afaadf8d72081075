#include "ui/network/network_diagram.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace optiscope {

NetworkDiagram::NetworkDiagram(QWidget* parent) : QWidget(parent) {
    setMinimumSize(240, 200);
}

void NetworkDiagram::setDiagram(const NetworkDiagramData& diagram) {
    m_diagram = diagram;
    update();
}

void NetworkDiagram::setRunName(const QString& name) {
    m_runName = name;
    update();
}

void NetworkDiagram::clear() {
    m_diagram = NetworkDiagramData();
    update();
}

void NetworkDiagram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setFont(font());
    paint(p, QRectF(rect()), palette());
}

void NetworkDiagram::paint(QPainter& p, const QRectF& target, const QPalette& pal) const {
    p.save();
    const QRect bounds = target.toRect();
    p.fillRect(bounds, pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    const auto& units = m_diagram.units;
    if (units.empty()) {
        p.drawText(bounds, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("The network diagram is drawn for MLPs on the 2-D data sets."));
        p.restore();
        return;
    }
    const int header = p.fontMetrics().height() + 4;
    const QRect area = bounds.adjusted(6, header + 4, -6, -6 - header);
    p.drawText(QRect(bounds.left() + 6, bounds.bottom() - header, bounds.width() - 12, header),
               Qt::AlignLeft | Qt::AlignVCenter,
               (m_runName.isEmpty() ? tr("after epoch %1").arg(m_diagram.epoch)
                                    : tr("%1 after epoch %2").arg(m_runName).arg(m_diagram.epoch)) +
                   tr(" · links: blue positive, orange negative weights, wider when larger"));
    const int layers = int(units.size());
    size_t widest = 1;
    for (const auto& l : units)
        widest = std::max(widest, l.size());
    const double colW = double(area.width()) / layers;
    const int side =
        int(std::clamp(std::min(colW * 0.45, double(area.height()) / widest * 0.82), 6.0, 64.0));

    // Centre of unit u of layer l.
    auto centre = [&](int l, int u) {
        const double n = double(units[size_t(l)].size());
        const double gap = double(area.height()) / n;
        return QPointF(area.left() + (l + 0.5) * colW, area.top() + (u + 0.5) * gap);
    };

    // Links first, under the units.
    p.setRenderHint(QPainter::Antialiasing);
    for (int l = 0; l + 1 < layers && size_t(l) < m_diagram.weights.size(); ++l) {
        const auto& w = m_diagram.weights[size_t(l)];
        const int in = int(units[size_t(l)].size());
        const int out = int(units[size_t(l + 1)].size());
        if (int(w.size()) != in * out)
            continue;
        float maxAbs = 0;
        for (float v : w)
            maxAbs = std::max(maxAbs, std::fabs(v));
        if (!(maxAbs > 0))
            continue;
        for (int o = 0; o < out; ++o)
            for (int i = 0; i < in; ++i) {
                const float v = w[size_t(o) * size_t(in) + size_t(i)];
                const double t = std::fabs(v) / maxAbs;
                QColor c = v < 0 ? QColor(0xf5, 0x93, 0x22) : QColor(0x08, 0x77, 0xbd);
                c.setAlphaF(float(0.15 + 0.75 * t));
                p.setPen(QPen(c, 0.4 + 4.0 * t));
                p.drawLine(centre(l, i) + QPointF(side / 2.0, 0),
                           centre(l + 1, o) - QPointF(side / 2.0, 0));
            }
    }
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int l = 0; l < layers; ++l) {
        const QString name = l < m_diagram.layerNames.size() ? m_diagram.layerNames[l] : QString();
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(area.left() + l * colW, bounds.top() + 2, colW, header), Qt::AlignCenter,
                   name);
        for (int u = 0; u < int(units[size_t(l)].size()); ++u) {
            const QPointF c = centre(l, u);
            const QRect r(int(c.x() - side / 2.0), int(c.y() - side / 2.0), side, side);
            p.drawImage(r, units[size_t(l)][size_t(u)]);
            p.setPen(pal.color(QPalette::Mid));
            p.drawRect(r);
        }
    }
    p.restore();
}

} // namespace optiscope
