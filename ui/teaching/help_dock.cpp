#include "ui/teaching/help_dock.h"

#include "ui/teaching/teaching_resources.h"

#include "core/experiment/help_index.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <QFile>
#include <QStyle>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace optiscope {

namespace {
/// Serves index.md with its catalog tables filled in; every other page as compiled in.
class HelpBrowser : public QTextBrowser {
public:
    using QTextBrowser::QTextBrowser;
    QVariant loadResource(int type, const QUrl& name) override {
        if (name.fileName() == QLatin1String("index.md"))
            return HelpDock::indexMarkdown();
        return QTextBrowser::loadResource(type, name);
    }
};
} // namespace

HelpDock::HelpDock(QWidget* parent) : QDockWidget(tr("Help"), parent) {
    ensureTeachingResources();
    setObjectName(QStringLiteral("helpDock"));
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QToolBar(box);
    bar->setIconSize(QSize(16, 16));
    m_browser = new HelpBrowser(box);
    m_browser->setObjectName(QStringLiteral("helpBrowser"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setSearchPaths({QStringLiteral(":/help")});
    // Wide enough for the pages' tables not to split mid-number at 1366 px.
    m_browser->setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 34);
    QAction* back = bar->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("Back"),
                                   m_browser, &QTextBrowser::backward);
    QAction* forward = bar->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("Forward"),
                                      m_browser, &QTextBrowser::forward);
    bar->addAction(style()->standardIcon(QStyle::SP_DirHomeIcon), tr("Contents"), this,
                   [this]() { showPage(QStringLiteral("index.md")); });
    back->setEnabled(false);
    forward->setEnabled(false);
    connect(m_browser, &QTextBrowser::backwardAvailable, back, &QAction::setEnabled);
    connect(m_browser, &QTextBrowser::forwardAvailable, forward, &QAction::setEnabled);
    layout->addWidget(bar);
    layout->addWidget(m_browser);
    setWidget(box);
}

QUrl HelpDock::pageUrl(const QString& page) {
    return QUrl(QStringLiteral("qrc:/help/") + page);
}

QString HelpDock::optimizerPage(const std::string& type) {
    const OptimizerInfo* info = findOptimizer(type);
    return info ? QString::fromStdString(info->helpPage) : QStringLiteral("index.md");
}

QString HelpDock::schedulePage(const std::string& type) {
    const ScheduleInfo* info = findSchedule(type);
    return info ? QString::fromStdString(info->helpPage) : QStringLiteral("index.md");
}

QString HelpDock::indexMarkdown() {
    ensureTeachingResources();
    QFile f(QStringLiteral(":/help/index.md"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromStdString(expandHelpIndex(f.readAll().toStdString()));
}

void HelpDock::showPage(const QString& page) {
    m_browser->setSource(pageUrl(page), QTextDocument::MarkdownResource);
    show();
    raise();
}

} // namespace optiscope
