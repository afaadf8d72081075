// The help pane: a dock with the Markdown pages of resources/help (compiled in from
// resources/resources.qrc), rendered by QTextBrowser. Links between pages work; external links
// open in the browser. One page per optimizer (optimizer-<type>.md) and per schedule
// (schedule-<type>.md).
#pragma once

#include <QDockWidget>
#include <QUrl>

#include <string>

class QTextBrowser;

namespace optiscope {

class HelpDock : public QDockWidget {
    Q_OBJECT
public:
    explicit HelpDock(QWidget* parent = nullptr);

    /// Show `page` ("index.md", "optimizer-adam.md", ...), raise and show the dock.
    void showPage(const QString& page);
    [[nodiscard]] QTextBrowser* browser() const { return m_browser; }

    static QString optimizerPage(const std::string& type);
    static QString schedulePage(const std::string& type);
    /// The resource URL of a page (qrc:/help/<page>).
    static QUrl pageUrl(const QString& page);

private:
    QTextBrowser* m_browser;
};

} // namespace optiscope
