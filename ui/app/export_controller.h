// Export of plots (PNG with size and DPI chosen, SVG, PDF) and of traces (CSV), from context menus
// and the File menu. Every file is written atomically.
#pragma once

#include "ui/function/plot_builders.h"
#include "ui/plots/plot_export.h"

#include <QObject>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace optiscope {

class FunctionView;
class FunctionRunController;

class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(FunctionRunController* controller, FunctionView* map, QWidget* dialogParent);

    /// Ask for a file (and, for PNG, size and DPI), then write plot `kind`.
    void exportPlot(PlotKind kind, ImageFormat format);
    /// The same for any figure: `title` names it in dialogs, `stem` is the suggested file name.
    void exportFigure(const QString& title, const QString& stem, ImageFormat format,
                      const PaintFunction& paint);
    /// "Export <title> as PNG…", "… SVG…", "… PDF…"; `paint` is asked for when one is chosen, so
    /// the file shows the figure as it is then.
    void addFigureActions(QMenu* menu, const QString& title, const QString& stem,
                          const std::function<PaintFunction()>& paint);
    /// Ask for a folder, then write one CSV per run (SPEC §3 columns).
    void exportTraces();
    /// Write one CSV per run into `folder` without asking. False with `error` on failure.
    bool writeTraces(const QString& folder, QStringList* written, QString* error) const;

    /// "PNG…", "SVG…", "PDF…" for `kind`.
    void addPlotActions(QMenu* menu, PlotKind kind);
    /// The plot's menu; `viewActions` (zoom, log axes) come first.
    void showContextMenu(PlotKind kind, const QPoint& globalPos,
                         const QList<QAction*>& viewActions = {});
    /// Ask for a folder, then write files with `write(folder, &written, &error)`; `note` follows
    /// the count in the status message.
    void exportFiles(const QString& what,
                     const std::function<bool(const QString&, QStringList*, QString*)>& write,
                     const QString& note = QString());

signals:
    void message(const QString& text);

private:
    FunctionRunController* m_controller;
    FunctionView* m_map;
    QWidget* m_parent;
    ExportOptions m_pngOptions;
};

} // namespace optiscope
