#include "ui/function/lr_preview.h"

#include "core/run/run_parts.h"
#include "core/schedule/lr_schedule.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace optiscope {

LrPreview::LrPreview(QWidget* parent) : QWidget(parent) {
    setToolTip(tr("The learning rate this schedule gives, update by update"));
}

void LrPreview::setRun(const RunConfig& run, long long steps) {
    m_points.clear();
    m_note.clear();
    m_lr0 = run.optimizer.params.has("lr") ? run.optimizer.params.real("lr") : 0.0;
    const long long n = std::min<long long>(std::max(1LL, steps), 200000);
    const long long every = std::max<long long>(1, n / 400);
    try {
        if (!run.schedule || run.schedule->type == "constant") {
            m_points = {QPointF(1, m_lr0), QPointF(double(n), m_lr0)};
        } else {
            const ScheduleInfo* info = findSchedule(run.schedule->type);
            const auto problems = checkScheduleParams(run.schedule->type, run.schedule->params);
            if (!info || !problems.empty()) {
                m_note = problems.empty() ? tr("unknown schedule")
                                          : QString::fromStdString(problems.front().first + ": " +
                                                                   problems.front().second);
            } else {
                auto schedule = makeRunSchedule(run, false);
                for (long long k = 1; k <= n; ++k) {
                    if (k % every == 0 || k == 1 || k == n)
                        m_points.push_back(QPointF(double(k), schedule->lr()));
                    schedule->step(1.0); // a loss that never improves
                }
                if (info->watchesMetric)
                    m_note = tr("if the loss never improved");
            }
        }
    } catch (const std::exception& e) {
        m_note = QString::fromStdString(e.what());
        m_points.clear();
    }
    if (n < steps)
        m_note +=
            (m_note.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("first %1 steps").arg(n);
    update();
}

void LrPreview::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    QFontMetricsF fm(font());
    const QRectF plot = QRectF(rect()).adjusted(fm.horizontalAdvance("0.0000") + 10, fm.height(),
                                                -8, -fm.height() - 4);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(plot);
    if (m_points.isEmpty()) {
        p.setPen(palette().color(QPalette::Text));
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_note);
        return;
    }
    double hi = 0;
    for (const QPointF& q : m_points)
        if (std::isfinite(q.y()))
            hi = std::max(hi, q.y());
    if (!(hi > 0))
        hi = 1;
    const double xmax = std::max(2.0, m_points.back().x());
    QPainterPath path;
    for (int i = 0; i < m_points.size(); ++i) {
        const QPointF q(plot.left() + (m_points[i].x() - 1) / (xmax - 1) * plot.width(),
                        plot.bottom() - m_points[i].y() / hi * plot.height());
        i == 0 ? path.moveTo(q) : path.lineTo(q);
    }
    p.setPen(QPen(palette().color(QPalette::Highlight), 2));
    p.drawPath(path);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRectF(0, plot.top() - fm.height() / 2, plot.left() - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, QString::number(hi, 'g', 3));
    p.drawText(QRectF(0, plot.bottom() - fm.height() / 2, plot.left() - 4, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height()), Qt::AlignLeft,
               tr("lr, step 1"));
    p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height()), Qt::AlignRight,
               QString::number(xmax, 'f', 0));
    if (!m_note.isEmpty())
        p.drawText(QRectF(plot.left() + 4, plot.top() - fm.height(), plot.width(), fm.height()),
                   Qt::AlignRight, m_note);
}

} // namespace optiscope
