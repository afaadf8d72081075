#include "ui/app/point_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTextDocument>
#include <QToolButton>

namespace optiscope {

PointBanner::PointBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("presetPointBanner"));
    setStyleSheet(QStringLiteral("optiscope--PointBanner { background: #fff4c2; border: 1px solid "
                                 "#e0c860; border-radius: 3px; } QLabel { color: #222; }"));
    m_label = new QLabel;
    m_label->setObjectName(QStringLiteral("presetPoint"));
    m_label->setTextFormat(Qt::RichText);
    m_label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_more = new QToolButton;
    m_more->setAutoRaise(true);
    m_more->setText(tr("more"));
    m_more->setToolTip(tr("Read the whole sentence"));
    m_close = new QToolButton;
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("✕"));
    m_close->setToolTip(tr("Hide this note"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 2, 2);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_more, 0, Qt::AlignTop);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_more, &QToolButton::clicked, this, [this]() { setExpanded(!m_expanded); });
    connect(m_close, &QToolButton::clicked, this, [this]() { setPoint({}, {}); });
    hide();
}

void PointBanner::setPoint(const QString& title, const QString& point) {
    m_title = title;
    m_point = point;
    m_expanded = false;
    setVisible(!point.isEmpty());
    relayout();
}

void PointBanner::setExpanded(bool expanded) {
    m_expanded = expanded;
    relayout();
}

QString PointBanner::shownText() const {
    QTextDocument doc;
    doc.setHtml(m_label->text());
    return doc.toPlainText();
}

void PointBanner::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    relayout();
}

void PointBanner::relayout() {
    const QString title = m_title.isEmpty() ? QString() : m_title + QStringLiteral(". ");
    if (m_point.isEmpty()) {
        m_label->clear();
        return;
    }
    const QFontMetrics fm(m_label->font());
    QFont bold = m_label->font();
    bold.setBold(true);
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(title);
    const int room = std::max(40, m_label->width() - titleWidth - 4);
    const bool fits = fm.horizontalAdvance(m_point) <= room;
    m_more->setVisible(!fits || m_expanded);
    m_more->setText(m_expanded ? tr("less") : tr("more"));
    m_label->setWordWrap(m_expanded);
    const QString point =
        m_expanded || fits ? m_point : fm.elidedText(m_point, Qt::ElideRight, room);
    m_label->setText(
        QStringLiteral("<b>%1</b>%2").arg(title.toHtmlEscaped(), point.toHtmlEscaped()));
    m_label->setToolTip(m_expanded || fits ? QString() : m_point);
}

} // namespace optiscope
