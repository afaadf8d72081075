// The preset's point, in one line above the map: the title in bold and the sentence saying what to
// look at, cut to the width with "more" to read it whole, and a close button. It goes away when
// the problem changes (the sentence would describe another experiment).
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace optiscope {

class PointBanner : public QFrame {
    Q_OBJECT
public:
    explicit PointBanner(QWidget* parent = nullptr);

    /// Show `point` under `title`; an empty point hides the banner.
    void setPoint(const QString& title, const QString& point);
    [[nodiscard]] const QString& point() const { return m_point; }
    /// Whether the whole sentence is shown (after "more"), else one line.
    [[nodiscard]] bool isExpanded() const { return m_expanded; }
    void setExpanded(bool expanded);
    /// The text shown now (elided when one line is too short).
    [[nodiscard]] QString shownText() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void relayout();

    QLabel* m_label;
    QToolButton* m_more;
    QToolButton* m_close;
    QString m_title;
    QString m_point;
    bool m_expanded = false;
};

} // namespace optiscope
