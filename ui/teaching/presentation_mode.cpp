#include "ui/teaching/presentation_mode.h"

#include "ui/plots/plot_style.h"

#include <QAction>
#include <QApplication>
#include <QSettings>

namespace optiscope {

namespace {
const char* kKey = "view/presentation";

// The font before any presentation mode, captured once: windows come and go, the application
// font is global.
const QFont& normalFont() {
    static const QFont font = QApplication::font();
    return font;
}
} // namespace

PresentationMode::PresentationMode(QObject* parent)
    : QObject(parent), m_action(new QAction(tr("&Presentation mode"), this)),
      m_baseFont(normalFont()) {
    m_action->setCheckable(true);
    m_action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_action->setStatusTip(tr("Larger fonts and thicker lines, for a projector"));
    connect(m_action, &QAction::toggled, this, &PresentationMode::setOn);
}

void PresentationMode::setOn(bool on) {
    if (m_action->isChecked() != on) {
        m_action->setChecked(on); // comes back here through toggled()
        return;
    }
    QSettings().setValue(kKey, on);
    m_on = on; // applied even if unchanged: the font and line scale are application-wide
    // Lines first: the charts rebuild on the font change and pick up the new widths.
    setPlotLineScale(on ? kLineScale : 1.0);
    QFont font = m_baseFont;
    if (on) {
        if (font.pointSizeF() > 0)
            font.setPointSizeF(font.pointSizeF() * kFontScale);
        else
            font.setPixelSize(int(font.pixelSize() * kFontScale));
    }
    QApplication::setFont(font);
}

void PresentationMode::restore() {
    setOn(QSettings().value(kKey, false).toBool());
}

} // namespace optiscope
