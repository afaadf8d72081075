#include "ui/plots/surface_plot.h"

#include "core/functions/test_function.h"
#include "ui/plots/color_map.h"

#include <QtDataVisualization/Q3DCamera>
#include <QtDataVisualization/Q3DScene>
#include <QtDataVisualization/Q3DSurface>
#include <QtDataVisualization/Q3DTheme>
#include <QtDataVisualization/QSurface3DSeries>
#include <QtDataVisualization/QSurfaceDataProxy>
#include <QtDataVisualization/QValue3DAxis>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QLinearGradient>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace optiscope {

namespace {

constexpr int kGrid = 120;           // samples per side of the surface
constexpr int kMaxPathPoints = 1500; // a path is thinned to this many points
constexpr double kLift = 0.015;      // paths float this far above the surface (height is 0..1)
constexpr double kRibbon = 0.05;     // and are ribbons this tall, to be seen from the side

QColor pale(const QColor& c) {
    return QColor::fromRgbF(0.45f * c.redF() + 0.55f, 0.45f * c.greenF() + 0.55f,
                            0.45f * c.blueF() + 0.55f);
}

QString sceneKey(const MapScene& scene) {
    QString key = QString::fromStdString(scene.problem.function);
    if (scene.problem.custom)
        key += "|" + QString::fromStdString(scene.problem.custom->expression().text());
    for (const auto& [name, value] : scene.problem.params.values())
        if (const auto* d = std::get_if<double>(&value))
            key += QStringLiteral("|%1=%2").arg(QString::fromStdString(name)).arg(*d, 0, 'g', 17);
    key += QStringLiteral("|%1,%2,%3,%4")
               .arg(scene.view.left(), 0, 'g', 17)
               .arg(scene.view.top(), 0, 'g', 17)
               .arg(scene.view.width(), 0, 'g', 17)
               .arg(scene.view.height(), 0, 'g', 17);
    return key;
}

} // namespace

SurfacePlot::SurfacePlot(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("surfaceMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);
}

SurfacePlot::~SurfacePlot() = default;

bool SurfacePlot::openGlAvailable(QString* why) {
    // Qt Data Visualization draws into a window; Qt's offscreen platform can make a GL context
    // (with a display) but Q3DSurface crashes on it, so it counts as no OpenGL.
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal")) {
        if (why)
            *why = tr("The 3D view needs OpenGL in a window, which Qt's \"%1\" platform does not "
                      "offer (run with a display, e.g. Xvfb). The 2D map shows the same function.")
                       .arg(platform);
        return false;
    }
    QOpenGLContext context;
    if (!context.create()) {
        if (why)
            *why = tr("The 3D view needs OpenGL, and none is available here (platform \"%1\"). "
                      "The 2D map shows the same function.")
                       .arg(QGuiApplication::platformName());
        return false;
    }
    QOffscreenSurface surface;
    surface.setFormat(context.format());
    surface.create();
    if (!surface.isValid() || !context.makeCurrent(&surface)) {
        if (why)
            *why = tr("The 3D view needs OpenGL, but no OpenGL surface can be made here. The 2D "
                      "map shows the same function.");
        return false;
    }
    context.doneCurrent();
    return true;
}

QString SurfacePlot::message() const {
    return m_message->isHidden() ? QString() : m_message->text();
}

void SurfacePlot::ensureGraph() {
    if (m_graph || !m_message->isHidden())
        return;
    QString why;
    if (!openGlAvailable(&why)) {
        m_message->setText(why);
        m_message->show();
        return;
    }
    m_graph = new Q3DSurface();
    m_graph->setShadowQuality(QAbstract3DGraph::ShadowQualityNone);
    m_graph->setSelectionMode(QAbstract3DGraph::SelectionNone);
    Q3DTheme* theme = m_graph->activeTheme();
    theme->setType(Q3DTheme::ThemeQt);
    theme->setBackgroundEnabled(false);
    theme->setWindowColor(Qt::white);
    theme->setLabelBackgroundEnabled(false);
    theme->setLabelTextColor(QColor(0x30, 0x30, 0x30));
    theme->setGridLineColor(QColor(0xc8, 0xc8, 0xc8));
    QFont font = theme->font();
    font.setPointSizeF(40);
    theme->setFont(font);
    m_graph->axisX()->setTitle(QStringLiteral("x"));
    m_graph->axisZ()->setTitle(QStringLiteral("y"));
    m_graph->axisY()->setTitle(tr("f (log scale)"));
    for (QValue3DAxis* axis : {m_graph->axisX(), m_graph->axisY(), m_graph->axisZ()}) {
        axis->setTitleVisible(true);
        // Labels and titles turn toward the camera, so no view shows them mirrored.
        axis->setLabelAutoRotation(90);
        axis->setTitleFixed(false);
    }
    m_graph->axisY()->setRange(0.0f, 1.0f + float(kLift + kRibbon));
    m_graph->axisY()->setLabelFormat(QString());
    m_graph->axisY()->setSegmentCount(1);

    m_surface = new QSurface3DSeries;
    m_surface->setDrawMode(QSurface3DSeries::DrawSurface);
    m_surface->setFlatShadingEnabled(false);
    QLinearGradient gradient;
    for (int i = 0; i <= 8; ++i)
        gradient.setColorAt(i / 8.0, QColor::fromRgb(viridis(i / 8.0)));
    m_surface->setBaseGradient(gradient);
    m_surface->setColorStyle(Q3DTheme::ColorStyleRangeGradient);
    m_graph->addSeries(m_surface);

    m_graph->installEventFilter(this);
    m_container = QWidget::createWindowContainer(m_graph, this);
    m_container->setObjectName(QStringLiteral("surfaceGraph"));
    m_container->setMinimumSize(200, 200);
    m_container->setFocusPolicy(Qt::StrongFocus);
    layout()->addWidget(m_container);
    resetView();
}

void SurfacePlot::resetView() {
    if (!m_graph)
        return;
    Q3DCamera* camera = m_graph->scene()->activeCamera();
    // From the front, high enough to see into valleys.
    camera->setCameraPosition(-20.0f, 50.0f, 120.0f);
}

double SurfacePlot::heightOf(double f) const {
    if (!std::isfinite(f))
        return 1.0;
    return (std::log10(std::max(f - m_lo, 0.0) + m_offset) - m_zLo) / (m_zHi - m_zLo);
}

void SurfacePlot::setScene(const MapScene& scene) {
    ensureGraph();
    if (!m_graph)
        return;
    updateSurface(scene);
    updatePaths(scene);
}

void SurfacePlot::updateSurface(const MapScene& scene) {
    const QString key = sceneKey(scene);
    if (key == m_fieldKey)
        return;
    m_fieldKey = key;
    const FunctionInfo* info = functionInfo(scene.problem);
    auto* rows = new QSurfaceDataArray;
    if (info && scene.view.isValid()) {
        const TestFunction fn(*info, scene.problem.params);
        const QRectF& v = scene.view;
        std::vector<double> f(size_t(kGrid) * kGrid);
        double lo = INFINITY, hi = -INFINITY;
        for (int j = 0; j < kGrid; ++j)
            for (int i = 0; i < kGrid; ++i) {
                const double x = v.left() + v.width() * i / (kGrid - 1);
                const double y = v.top() + v.height() * j / (kGrid - 1);
                const double val = fn.value({x, y});
                f[size_t(j) * kGrid + i] = val;
                if (std::isfinite(val)) {
                    lo = std::min(lo, val);
                    hi = std::max(hi, val);
                }
            }
        for (const auto& m : fn.minima())
            if (v.contains(QPointF(m.x(), m.y())))
                if (const double val = fn.value(m); std::isfinite(val))
                    lo = std::min(lo, val);
        if (!std::isfinite(lo))
            lo = 0, hi = 1;
        if (!(hi > lo))
            hi = lo + 1;
        // The map's colour scale: log10(f − f_min + δ), δ = 1e-5 of the range.
        m_lo = lo;
        m_offset = std::max((hi - lo) * 1e-5, 1e-12);
        m_zLo = std::log10(m_offset);
        m_zHi = std::log10(hi - lo + m_offset);
        rows->reserve(kGrid);
        for (int j = 0; j < kGrid; ++j) {
            auto* row = new QSurfaceDataRow(kGrid);
            const float y = float(v.top() + v.height() * j / (kGrid - 1));
            for (int i = 0; i < kGrid; ++i) {
                const float x = float(v.left() + v.width() * i / (kGrid - 1));
                (*row)[i].setPosition(QVector3D(x, float(heightOf(f[size_t(j) * kGrid + i])), y));
            }
            rows->append(row);
        }
        m_graph->axisX()->setRange(float(v.left()), float(v.right()));
        m_graph->axisZ()->setRange(float(v.top()), float(v.bottom()));
        m_graph->setTitle(QString::fromStdString(info->title));
    }
    m_surface->dataProxy()->resetArray(rows);
}

// A path is drawn as a narrow vertical ribbon just above the surface (a two-row surface series:
// Q3DSurface has no line series), filled and outlined in the run's colour, pale for a twin.
void SurfacePlot::updatePaths(const MapScene& scene) {
    const FunctionInfo* info = functionInfo(scene.problem);
    std::unique_ptr<TestFunction> fn;
    if (info)
        fn = std::make_unique<TestFunction>(*info, scene.problem.params);
    size_t used = 0;
    for (const MapTrace& trace : scene.traces) {
        if (!fn || trace.path.size() < 2)
            continue;
        if (used == m_paths.size()) {
            auto* s = new QSurface3DSeries;
            s->setDrawMode(QSurface3DSeries::DrawSurfaceAndWireframe);
            s->setFlatShadingEnabled(true);
            s->setColorStyle(Q3DTheme::ColorStyleUniform);
            m_graph->addSeries(s);
            m_paths.push_back(s);
        }
        QSurface3DSeries* s = m_paths[used++];
        const QColor color = trace.dashed ? pale(trace.color) : trace.color;
        s->setBaseColor(color);
        s->setWireframeColor(color);
        s->setName(trace.label);
        const qsizetype n = trace.path.size();
        const qsizetype stride = std::max<qsizetype>(1, (n + kMaxPathPoints - 1) / kMaxPathPoints);
        auto* low = new QSurfaceDataRow;
        auto* high = new QSurfaceDataRow;
        auto add = [&](const QPointF& p) {
            const double h = std::min(heightOf(fn->value({p.x(), p.y()})), 1.0) + kLift;
            low->append(QSurfaceDataItem(QVector3D(float(p.x()), float(h), float(p.y()))));
            high->append(
                QSurfaceDataItem(QVector3D(float(p.x()), float(h + kRibbon), float(p.y()))));
        };
        for (qsizetype i = 0; i < n; i += stride)
            add(trace.path[i]);
        if ((n - 1) % stride != 0)
            add(trace.path.back());
        auto* rows = new QSurfaceDataArray;
        rows->append(low);
        rows->append(high);
        s->dataProxy()->resetArray(rows);
        s->setVisible(true);
    }
    for (size_t i = used; i < m_paths.size(); ++i)
        m_paths[i]->setVisible(false);
}

bool SurfacePlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_graph && event->type() == QEvent::Expose && m_graph->isExposed())
        m_exposed = true;
    return QWidget::eventFilter(watched, event);
}

QImage SurfacePlot::renderImage(const QSize& size) {
    if (!m_graph || !m_exposed)
        return {};
    return m_graph->renderToImage(4, size);
}

bool SurfacePlot::renderToFile(const MapScene& scene, const QSize& size, const QString& path,
                               QString* error) {
    QString why;
    if (!openGlAvailable(&why)) {
        if (error)
            *error = why;
        return false;
    }
    // Shown (on the CLI's offscreen platform: nowhere) so that the graph gets its renderer.
    SurfacePlot plot;
    plot.setWindowFlags(Qt::Tool | Qt::FramelessWindowHint | Qt::WindowDoesNotAcceptFocus);
    plot.setAttribute(Qt::WA_ShowWithoutActivating);
    plot.resize(size);
    plot.setScene(scene);
    plot.show();
    QElapsedTimer waited;
    waited.start();
    while (!plot.m_exposed && waited.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    plot.m_graph->scene()->activeCamera()->setZoomLevel(100.0f); // the whole surface in 4:3
    QCoreApplication::processEvents();
    const QImage image = plot.renderImage(size);
    if (image.isNull()) {
        if (error)
            *error = tr("the 3D view could not be rendered offscreen");
        return false;
    }
    if (!image.save(path, "PNG")) {
        if (error)
            *error = tr("cannot write %1").arg(path);
        return false;
    }
    return true;
}

} // namespace optiscope
