// One heavy view update per frame. The map and each chart cost several milliseconds to repaint
// on a slow machine, and Qt paints every widget a window has marked dirty in one go: when the map
// and a chart update in the same turn of the event loop, their repaints add up and the window
// stops answering for that long. The pacer runs the updates it is given one per frame, in the
// order they were asked for, so that each repaint has a frame of its own.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <deque>
#include <functional>

class QTimer;
class QWidget;

namespace optiscope {

class FramePacer : public QObject {
    Q_OBJECT
public:
    /// An update; returns false if it found nothing to do (a hidden chart), so that the next
    /// one need not wait for a frame.
    using Job = std::function<bool()>;

    explicit FramePacer(QObject* parent = nullptr);

    /// Runs `job` now if no update ran in the last frame and none is waiting, else after the ones
    /// waiting. An owner has at most one job waiting: a new request replaces its earlier one (in
    /// the earlier one's place). Jobs of an owner that is destroyed are dropped.
    void request(QObject* owner, Job job);
    /// Drops `owner`'s waiting job, if any.
    void cancel(const QObject* owner);
    /// Whether `owner` has a job waiting.
    [[nodiscard]] bool isWaiting(const QObject* owner) const;

    /// The time one update has to itself before the next one runs.
    static constexpr int kFrameMs = 16;

    /// Runs `job` through `pacer`, or at once when there is none (a view on its own, in tests).
    static void run(FramePacer* pacer, QObject* owner, const Job& job);

private:
    void runDue();

    struct Entry {
        QPointer<QObject> owner;
        Job job;
    };
    std::deque<Entry> m_waiting;
    QTimer* m_timer;
    QElapsedTimer m_lastRun; ///< when the last update that did something ran
};

/// Whether any of `widget` shows: visible, and not in a dock whose tab is behind another's (such
/// a dock stays "visible" to Qt). Views that do not show need no updates until they do.
[[nodiscard]] bool isOnScreen(const QWidget* widget);

} // namespace optiscope
