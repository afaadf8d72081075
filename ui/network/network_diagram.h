// The network diagram of an MLP on a 2-D set, after TensorFlow Playground: a column per layer,
// each unit a small heatmap of its output over the input plane (orange negative, blue positive),
// each link drawn with a width growing with |weight| and coloured by its sign.
#pragma once

#include "ui/network/network_worker.h"

#include <QWidget>

namespace optiscope {

class NetworkDiagram : public QWidget {
    Q_OBJECT
public:
    explicit NetworkDiagram(QWidget* parent = nullptr);

    void setDiagram(const NetworkDiagramData& diagram);
    void clear();
    /// Name of the run drawn, for the caption ("Adam after epoch 12").
    void setRunName(const QString& name);
    [[nodiscard]] QString runName() const { return m_runName; }
    /// Draw the diagram into `target` of any paint device (screen, PNG, SVG, PDF).
    void paint(QPainter& painter, const QRectF& target, const QPalette& palette) const;
    [[nodiscard]] const NetworkDiagramData& diagram() const { return m_diagram; }

    QSize sizeHint() const override { return {420, 360}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    NetworkDiagramData m_diagram;
    QString m_runName;
};

} // namespace optiscope
