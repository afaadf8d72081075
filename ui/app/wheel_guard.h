// Safe editing: the mouse wheel never changes a value the user has not clicked into. Installed
// once on the application, it makes spin boxes, combo boxes and sliders take focus by click or
// Tab only, and while one is not focused its wheel events go to the scroll area around it — so
// scrolling a form scrolls the form, instead of turning a validation split of 0.2 into 0.05 or
// Adam into Adamax on the way.
#pragma once

#include <QObject>

namespace optiscope {

class WheelGuard : public QObject {
    Q_OBJECT
public:
    /// Install the guard on the running application (once; later calls do nothing).
    static void install();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    using QObject::QObject;
};

} // namespace optiscope
