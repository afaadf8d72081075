// View → Presentation mode: larger fonts (×1.5) and thicker plot lines (×2) for a projector.
// The choice is kept in QSettings ("view/presentation").
#pragma once

#include <QFont>
#include <QObject>

class QAction;

namespace optiscope {

class PresentationMode : public QObject {
    Q_OBJECT
public:
    explicit PresentationMode(QObject* parent = nullptr);

    /// The checkable menu action.
    [[nodiscard]] QAction* action() const { return m_action; }
    [[nodiscard]] bool isOn() const { return m_on; }
    /// Turn on or off (and remember the choice).
    void setOn(bool on);
    /// Apply the choice saved in QSettings.
    void restore();

    static constexpr double kFontScale = 1.5;
    static constexpr double kLineScale = 2.0;

private:
    QAction* m_action;
    QFont m_baseFont;
    bool m_on = false;
};

} // namespace optiscope
