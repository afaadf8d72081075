// A small live plot of the learning rate a schedule gives over the step budget.
#pragma once

#include "core/experiment/experiment.h"

#include <QVector>
#include <QWidget>

namespace optiscope {

class LrPreview : public QWidget {
    Q_OBJECT
public:
    explicit LrPreview(QWidget* parent = nullptr);
    /// Recompute for `run` over `steps` updates (a plateau schedule is shown for a loss that
    /// never improves).
    void setRun(const RunConfig& run, long long steps);
    QSize sizeHint() const override { return {300, 110}; }
    QSize minimumSizeHint() const override { return {200, 90}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QVector<QPointF> m_points; ///< (step, lr)
    double m_lr0 = 0;
    QString m_note;
};

} // namespace optiscope
