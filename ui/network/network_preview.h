// The data-set pane of a network experiment: for a toy 2-D set, the training points coloured by
// class over the decision boundary of the run selected in the runs list (a heatmap that follows the
// training); for an image set, a grid of sample images with their labels; otherwise a short
// description.
#pragma once

#include "ui/network/network_worker.h"

#include <QImage>
#include <QWidget>

namespace optiscope {

class NetworkPreview : public QWidget {
    Q_OBJECT
public:
    explicit NetworkPreview(QWidget* parent = nullptr);

    void setPreview(const NetworkDataPreview& preview);
    void setBoundary(const QImage& image, long long epoch);
    /// Name of the run whose boundary is shown (in the caption).
    void setBoundaryRun(const QString& name);
    /// "decision boundary of Adam after epoch 12" (empty when there is none).
    [[nodiscard]] QString boundaryCaption() const;
    /// Draw what the pane shows into `target` of any paint device (screen, PNG, SVG, PDF).
    void paint(QPainter& painter, const QRectF& target, const QPalette& palette) const;
    /// Nothing to show but `text` (e.g. loading, or a data error).
    void setMessage(const QString& text);

    [[nodiscard]] const QImage& boundary() const { return m_boundary; }
    [[nodiscard]] long long boundaryEpoch() const { return m_boundaryEpoch; }
    [[nodiscard]] const NetworkDataPreview& preview() const { return m_preview; }

    QSize sizeHint() const override { return {420, 460}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    NetworkDataPreview m_preview;
    QImage m_boundary;
    long long m_boundaryEpoch = -1;
    QString m_message;
    QString m_boundaryRun;
};

} // namespace optiscope
