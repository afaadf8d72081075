// Export of plots (PNG with size and DPI chosen, SVG, PDF) and of traces (CSV), from context menus
// and the File menu. Every file is written atomically.
#pragma once

#include "ui/plot_builders.h"
#include "ui/plots/plot_export.h"

#include <QObject>

class QMenu;
class QWidget;

namespace optiscope {

class FunctionView;
class RunController;

class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(RunController* controller, FunctionView* map, QWidget* dialogParent);

    /// Ask for a file (and, for PNG, size and DPI), then write plot `kind`.
    void exportPlot(PlotKind kind, ImageFormat format);
    /// Ask for a folder, then write one CSV per run (SPEC §3 columns).
    void exportTraces();
    /// Write without asking (tests, CLI-like use). False with `error` on failure.
    bool writePlot(PlotKind kind, const QString& path, ImageFormat format,
                   const ExportOptions& options, QString* error) const;
    bool writeTraces(const QString& folder, QStringList* written, QString* error) const;

    /// "PNG…", "SVG…", "PDF…" for `kind`.
    void addPlotActions(QMenu* menu, PlotKind kind);
    void showContextMenu(PlotKind kind, const QPoint& globalPos);

signals:
    void message(const QString& text);

private:
    RunController* m_controller;
    FunctionView* m_map;
    QWidget* m_parent;
    QString m_lastFolder;
    ExportOptions m_pngOptions;
};

} // namespace optiscope
