#include "ui/app/wheel_guard.h"

#include <QAbstractScrollArea>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QScrollBar>
#include <QWheelEvent>

namespace optiscope {

namespace {

/// The value widget `w` is, or is part of (a spin box's line edit), or null.
QWidget* valueWidget(QWidget* w) {
    for (int depth = 0; w && depth < 3; ++depth, w = w->parentWidget())
        if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) ||
            qobject_cast<QAbstractSlider*>(w))
            return w;
    return nullptr;
}

bool isValueWidget(QObject* o) {
    return qobject_cast<QAbstractSpinBox*>(o) || qobject_cast<QComboBox*>(o) ||
           (qobject_cast<QAbstractSlider*>(o) &&
            !qobject_cast<QAbstractScrollArea*>(o->parent())); // not a scroll bar
}

} // namespace

void WheelGuard::install() {
    static WheelGuard* guard = nullptr;
    if (guard || !qApp)
        return;
    guard = new WheelGuard(qApp);
    qApp->installEventFilter(guard);
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Polish && isValueWidget(watched)) {
        auto* w = static_cast<QWidget*>(watched);
        if (w->focusPolicy() == Qt::WheelFocus)
            w->setFocusPolicy(Qt::StrongFocus); // the wheel alone never focuses it
        return false;
    }
    if (event->type() != QEvent::Wheel || !watched->isWidgetType())
        return false;
    QWidget* value = valueWidget(static_cast<QWidget*>(watched));
    if (!value || value->hasFocus() || !isValueWidget(value))
        return false;
    // Not focused: the wheel scrolls whatever scrolls around it, and changes nothing.
    const auto* wheel = static_cast<QWheelEvent*>(event);
    for (QWidget* p = value->parentWidget(); p; p = p->parentWidget())
        if (auto* area = qobject_cast<QAbstractScrollArea*>(p)) {
            QScrollBar* bar = area->verticalScrollBar();
            const int notches = wheel->angleDelta().y() / 120;
            bar->setValue(bar->value() - notches * 3 * bar->singleStep());
            break;
        }
    return true;
}

} // namespace optiscope
