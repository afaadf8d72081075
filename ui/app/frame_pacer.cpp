#include "ui/app/frame_pacer.h"

#include <QTimer>
#include <QWidget>

#include <algorithm>

namespace optiscope {

FramePacer::FramePacer(QObject* parent) : QObject(parent), m_timer(new QTimer(this)) {
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &FramePacer::runDue);
}

void FramePacer::run(FramePacer* pacer, QObject* owner, const Job& job) {
    if (pacer)
        pacer->request(owner, job);
    else
        job();
}

void FramePacer::request(QObject* owner, Job job) {
    auto it = std::find_if(m_waiting.begin(), m_waiting.end(),
                           [owner](const Entry& e) { return e.owner == owner; });
    if (it != m_waiting.end())
        it->job = std::move(job);
    else
        m_waiting.push_back({owner, std::move(job)});
    if (!m_timer->isActive())
        runDue();
}

void FramePacer::cancel(const QObject* owner) {
    std::erase_if(m_waiting, [owner](const Entry& e) { return e.owner == owner; });
}

bool FramePacer::isWaiting(const QObject* owner) const {
    return std::any_of(m_waiting.begin(), m_waiting.end(),
                       [owner](const Entry& e) { return e.owner == owner; });
}

void FramePacer::runDue() {
    while (!m_waiting.empty()) {
        if (m_lastRun.isValid() && m_lastRun.elapsed() < kFrameMs) {
            m_timer->start(int(kFrameMs - m_lastRun.elapsed()));
            return;
        }
        Entry e = std::move(m_waiting.front());
        m_waiting.pop_front();
        if (!e.owner)
            continue; // its view is gone
        // The job may ask for its next update (a chart round): that one waits its turn.
        m_timer->start(kFrameMs); // no runDue() from inside the job
        const bool worked = e.job();
        m_timer->stop();
        if (worked)
            m_lastRun.start();
    }
}

bool isOnScreen(const QWidget* widget) {
    return widget->isVisible() && !widget->visibleRegion().isEmpty();
}

} // namespace optiscope
