// The shape every controller of background work has: it follows the experiment document, owns
// one worker in a member QThread (WorkerThread), plays and pauses, and says when work progressed,
// finished or failed. The function-run, network-run and study controllers are its three kinds;
// the play bar and the views drive whichever one the window shows through this interface.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>

namespace optiscope {

class ExperimentDocument;

class WorkController : public QObject {
    Q_OBJECT
public:
    explicit WorkController(ExperimentDocument* document, QObject* parent = nullptr)
        : QObject(parent), m_document(document) {}

    [[nodiscard]] ExperimentDocument* document() const { return m_document; }
    [[nodiscard]] bool isPlaying() const { return m_playing; }
    /// Every piece of work has ended (finished, diverged or failed).
    [[nodiscard]] virtual bool allFinished() const = 0;

    virtual void play() = 0;
    virtual void pause() = 0;
    /// Start over from the beginning (keeps playing if it was).
    virtual void reset() = 0;
    void togglePlay() {
        if (m_playing)
            pause();
        else
            play();
    }

signals:
    void playingChanged(bool playing);
    /// New results arrived (at most one signal per batch the worker sends).
    void tracksUpdated();
    /// A setup or data error (the message names the file or field).
    void failed(const QString& message);

protected:
    void setPlaying(bool playing) {
        if (playing == m_playing)
            return;
        m_playing = playing;
        emit playingChanged(playing);
    }

private:
    ExperimentDocument* m_document;
    bool m_playing = false;
};

/// Owns a worker object living in its own QThread, as Tiled and Hotspot do: the worker is created
/// here, moved into the thread, started by the thread's `started` signal (Worker::begin) and
/// deleted in the thread when it finishes. The destructor asks the worker to stop
/// (Worker::requestStop, thread-safe), quits the thread's event loop and waits, so closing the
/// window mid-work is clean.
template <typename Worker> class WorkerThread {
public:
    explicit WorkerThread(const QString& name) : m_worker(new Worker) {
        m_thread.setObjectName(name);
        m_worker->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::started, m_worker, &Worker::begin);
        QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    }
    ~WorkerThread() {
        m_worker->requestStop();
        m_thread.requestInterruption();
        m_thread.quit();
        m_thread.wait();
    }
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    void start() { m_thread.start(); }
    [[nodiscard]] Worker* worker() const { return m_worker; }

    /// Run `f(worker)` in the worker's thread.
    template <typename F> void post(F&& f) {
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, f = std::forward<F>(f)]() mutable { f(w); },
            Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    Worker* m_worker;
};

} // namespace optiscope
