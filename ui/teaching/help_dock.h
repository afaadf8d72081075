// The help pane: a dock with the Markdown pages of resources/help (compiled in from
// resources/resources.qrc), rendered by QTextBrowser. Links between pages work; external links
// open in the browser. One page per optimizer and per schedule, named by their catalog entries;
// the index's optimizer and schedule tables are made from the catalogs
// (core/experiment/help_index.h).
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

    /// The help page of an optimizer / schedule type, from its catalog entry.
    static QString optimizerPage(const std::string& type);
    static QString schedulePage(const std::string& type);
    /// index.md as shown: its catalog tables filled in from the catalogs.
    static QString indexMarkdown();
    /// The resource URL of a page (qrc:/help/<page>).
    static QUrl pageUrl(const QString& page);

private:
    QTextBrowser* m_browser;
};

} // namespace optiscope
