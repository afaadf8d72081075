// File → Export animation… and File → Export figure sheet…: the two teaching exports of the
// window, each behind a small dialog, each written atomically.
#pragma once

#include "ui/plots/plot_export.h"
#include "ui/teaching/trajectory_animation.h"

#include <QObject>

class QWidget;

namespace optiscope {

class FunctionView;
class FunctionRunController;

class TeachingExports : public QObject {
    Q_OBJECT
public:
    TeachingExports(FunctionRunController* controller, FunctionView* map, QWidget* dialogParent);

    /// Ask for fps, length and size, then a file; write the GIF with a progress dialog.
    void exportAnimation();
    /// Ask for a file (PNG, SVG or PDF by its suffix) and write the figure sheet.
    void exportFigureSheet();

    /// Write without asking (tests). False with `error` on failure.
    bool writeAnimation(const QString& path, const AnimationOptions& options, QString* error) const;
    bool writeFigureSheet(const QString& path, ImageFormat format, const ExportOptions& options,
                          QString* error) const;

signals:
    void message(const QString& text);

private:
    FunctionRunController* m_controller;
    FunctionView* m_map;
    QWidget* m_parent;
    AnimationOptions m_animation;
};

} // namespace optiscope
