// The window keeps answering while runs play: heavy view updates take frames of their own
// (FramePacer), the step counter changes without a new layout of the window, and the inspector
// redraws only when it is shown. (How late the event loop gets is measured by
// tests/bench_event_loop, not asserted here.)
#include "ui/app/frame_pacer.h"
#include "ui/app/main_window.h"
#include "ui/function/function_run_controller.h"
#include "ui/function/inspector_panel.h"

#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QPointer>
#include <QTest>
#include <QTimer>
#include <QToolBar>

#include <vector>

using namespace optiscope;

class TestResponsiveness : public QObject {
    Q_OBJECT
private slots:
    void oneUpdatePerFrame();
    void anOwnerWaitsOnce();
    void idleUpdatesTakeNoFrame();
    void goneOwnersAreDropped();
    void stepCounterKeepsItsSize();
    void hiddenInspectorWaits();
};

// Updates asked for at once run one per frame, in the order asked, each at least a frame after
// the one before; an update that asks for the next one (a chart round) does not run it inside.
void TestResponsiveness::oneUpdatePerFrame() {
    FramePacer pacer;
    QObject a, b, c;
    QElapsedTimer clock;
    clock.start();
    std::vector<std::pair<char, qint64>> ran;
    int rounds = 0;
    std::function<bool()> round = [&]() {
        ran.emplace_back('c', clock.elapsed());
        if (++rounds < 3)
            pacer.request(&c, round); // the next chart of a round
        return true;
    };
    pacer.request(&a, [&]() {
        ran.emplace_back('a', clock.elapsed());
        return true;
    });
    QCOMPARE(ran.size(), size_t(1)); // nothing ran in the last frame: at once
    pacer.request(&b, [&]() {
        ran.emplace_back('b', clock.elapsed());
        return true;
    });
    pacer.request(&c, round);
    QCOMPARE(ran.size(), size_t(1));
    QVERIFY(pacer.isWaiting(&b) && pacer.isWaiting(&c));
    QTRY_COMPARE(ran.size(), size_t(5));
    QString order;
    for (const auto& [who, at] : ran)
        order += QLatin1Char(who);
    QCOMPARE(order, QStringLiteral("abccc"));
    for (size_t i = 1; i < ran.size(); ++i)
        QVERIFY2(ran[i].second - ran[i - 1].second >= FramePacer::kFrameMs - 1,
                 qPrintable(QStringLiteral("%1 ms after the one before")
                                .arg(ran[i].second - ran[i - 1].second)));
}

// A second request of an owner that is waiting replaces the first, in the first one's place.
void TestResponsiveness::anOwnerWaitsOnce() {
    FramePacer pacer;
    QObject first, a, b;
    QString ran;
    pacer.request(&first, [&]() {
        ran += 'f';
        return true;
    });
    pacer.request(&a, [&]() {
        ran += '1';
        return true;
    });
    pacer.request(&b, [&]() {
        ran += 'b';
        return true;
    });
    pacer.request(&a, [&]() {
        ran += '2';
        return true;
    });
    QTRY_COMPARE(ran, QStringLiteral("f2b"));
    pacer.cancel(&a); // nothing waiting: no harm
    pacer.request(&a, [&]() {
        ran += '3';
        return true;
    });
    pacer.cancel(&a);
    QTest::qWait(3 * FramePacer::kFrameMs);
    QCOMPARE(ran, QStringLiteral("f2b"));
}

// An update that finds nothing to draw (a hidden chart) does not hold the next one back: that one
// runs in the same turn of the event loop.
void TestResponsiveness::idleUpdatesTakeNoFrame() {
    FramePacer pacer;
    QObject a, hidden, b;
    QString ran;
    bool turnPassed = false, sameTurn = false;
    pacer.request(&a, [&]() {
        ran += 'a';
        return true;
    });
    pacer.request(&hidden, [&]() {
        ran += 'h';
        QTimer::singleShot(0, [&]() { turnPassed = true; });
        return false;
    });
    pacer.request(&b, [&]() {
        ran += 'b';
        sameTurn = !turnPassed;
        return true;
    });
    QCOMPARE(ran, QStringLiteral("a"));
    QTRY_COMPARE(ran, QStringLiteral("ahb"));
    QVERIFY(sameTurn);
}

// A view destroyed while its update waits: the update is dropped, not run on a dead view.
void TestResponsiveness::goneOwnersAreDropped() {
    FramePacer pacer;
    QObject a;
    auto* gone = new QObject;
    bool ranGone = false, ranAfter = false;
    QObject after;
    pacer.request(&a, []() { return true; });
    pacer.request(gone, [&]() {
        ranGone = true;
        return true;
    });
    pacer.request(&after, [&]() {
        ranAfter = true;
        return true;
    });
    delete gone;
    QTRY_VERIFY(ranAfter);
    QVERIFY(!ranGone);
}

// The step counter beside Play changes many times a second: its label has a fixed size, which
// holds the widest text of the budget whole, so a change never asks the window for a layout.
void TestResponsiveness::stepCounterKeepsItsSize() {
    MainWindow window;
    window.resize(1366, 768);
    Experiment e = Experiment::defaultExperiment();
    e.steps = 20000;
    window.setExperiment(e, QString());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* bar = window.findChild<QToolBar*>(QStringLiteral("playBar"));
    QVERIFY(bar);
    QLabel* counter = nullptr;
    for (QLabel* l : bar->findChildren<QLabel*>())
        if (l->text().contains(QStringLiteral("step")))
            counter = l;
    QVERIFY(counter);
    QCOMPARE(counter->minimumSize(), counter->maximumSize());
    QVERIFY(counter->height() >= counter->fontMetrics().height());
    const QSize size = counter->size();
    const QString widest = QStringLiteral("  step %L1 / %L1 · done").arg(20000);
    QVERIFY2(counter->width() >= counter->fontMetrics().horizontalAdvance(widest),
             qPrintable(widest));
    window.controller()->setSpeed(0);
    window.controller()->play();
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
    QTRY_VERIFY(counter->text().contains(QStringLiteral("done")));
    QCOMPARE(counter->size(), size);
    // A bigger budget: wider, still whole.
    e.steps = 2'000'000;
    window.setExperiment(e, QString());
    QTRY_VERIFY(counter->width() > size.width());
    QVERIFY(counter->width() >= counter->fontMetrics().horizontalAdvance(
                                    QStringLiteral("  step %L1 / %L1 · done").arg(2'000'000)));
}

// The inspector sits in a tab of the left dock. Behind another tab it does not redraw while runs
// play; shown, it catches up with the last row at once.
void TestResponsiveness::hiddenInspectorWaits() {
    MainWindow window;
    window.resize(1366, 768);
    Experiment e = Experiment::defaultExperiment();
    e.steps = 3000;
    window.setExperiment(e, QString());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* runs = window.findChild<QDockWidget*>(QStringLiteral("runsDock"));
    QVERIFY(runs);
    runs->raise(); // the inspector's tab behind it
    QTRY_VERIFY(!isOnScreen(window.inspector()));
    auto stepText = [&]() {
        QString all;
        for (QLabel* l : window.inspector()->findChildren<QLabel*>())
            all += l->text() + QLatin1Char('\n');
        return all;
    };
    const QString before = stepText();
    window.controller()->setSpeed(0);
    window.controller()->play();
    QTRY_VERIFY_WITH_TIMEOUT(window.controller()->allFinished(), 20000);
    QTest::qWait(200);
    QCOMPARE(stepText(), before); // not redrawn behind its tab
    window.showInspector();
    QTRY_VERIFY(isOnScreen(window.inspector()));
    QTRY_VERIFY2(stepText().contains(QStringLiteral("step 3000 of 3000")), qPrintable(stepText()));
}

QTEST_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
