#include "ui/trajectory_animation.h"

#include "ui/plot_builders.h"
#include "ui/plots/function_map_renderer.h"
#include "ui/plots/plot_export.h"

#include <QFontMetricsF>
#include <QPainter>

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace optiscope {

namespace {

constexpr int kLevelsR = 6, kLevelsG = 7, kLevelsB = 6;

int paletteIndex(int r, int g, int b) {
    return (r * kLevelsG + g) * kLevelsB + b;
}

// Bayer 4×4 thresholds in (0, 1).
constexpr double kBayer[4][4] = {{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};

int quantise(int value, int levels, double threshold) {
    const double v = value / 255.0 * (levels - 1);
    const int lo = int(std::floor(v));
    return std::min(levels - 1, lo + ((v - lo) > threshold ? 1 : 0));
}

int writeToBuffer(GifFileType* gif, const GifByteType* data, int length) {
    auto* out = static_cast<QByteArray*>(gif->UserData);
    out->append(reinterpret_cast<const char*>(data), length);
    return length;
}

QString gifError(int code) {
    const char* msg = GifErrorString(code);
    return msg ? QString::fromUtf8(msg) : QStringLiteral("GIF error %1").arg(code);
}

} // namespace

long long lastStepOf(const std::vector<RunTrack>& tracks) {
    long long last = 0;
    for (const RunTrack& t : tracks) {
        if (!t.samples.empty())
            last = std::max(last, t.samples.back().step);
        if (t.hasLatest)
            last = std::max(last, t.latest.step);
    }
    return last;
}

long long animationFrameStep(int frame, int frames, long long lastStep) {
    if (frames <= 1)
        return lastStep;
    return std::llround(double(lastStep) * frame / double(frames - 1));
}

std::vector<RunTrack> tracksAtStep(const std::vector<RunTrack>& tracks, long long step) {
    std::vector<RunTrack> out;
    out.reserve(tracks.size());
    for (const RunTrack& t : tracks) {
        RunTrack c;
        c.instance = t.instance;
        c.color = t.color;
        c.visible = t.visible;
        c.layout = t.layout;
        auto end = std::upper_bound(t.samples.begin(), t.samples.end(), step,
                                    [](long long s, const RunSample& r) { return s < r.step; });
        c.samples.assign(t.samples.begin(), end);
        if (!c.samples.empty()) {
            c.latest = c.samples.back();
            c.hasLatest = true;
        }
        c.finished = t.finished && !t.samples.empty() && step >= t.samples.back().step;
        c.diverged = t.diverged && t.divergedAt <= step;
        c.divergedAt = t.divergedAt;
        out.push_back(std::move(c));
    }
    return out;
}

namespace {

QImage renderFrame(FunctionMapRenderer& renderer, const Experiment& experiment,
                   const std::vector<RunTrack>& tracks, int frame, const AnimationOptions& options,
                   const QPalette& palette) {
    const long long last = lastStepOf(tracks);
    const long long step = animationFrameStep(frame, options.frames, last);
    QImage image(options.size, QImage::Format_RGB32);
    image.fill(palette.color(QPalette::Window));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF target(QPointF(0, 0), QSizeF(options.size));
    renderer.render(p, target, buildMapScene(experiment, tracksAtStep(tracks, step), QRectF()),
                    palette);

    // Step counter in the plot's lower left corner (clear of the title), on a light box so it
    // reads over any background.
    const QRectF plot = FunctionMapRenderer::layout(target, p.font()).plot;
    QFont font = p.font();
    font.setPixelSize(std::max(12, options.size.height() / 28));
    font.setBold(true);
    p.setFont(font);
    const QString text = QStringLiteral("step %1 / %2").arg(step).arg(last);
    const QFontMetricsF fm(font);
    const QSizeF boxSize(fm.horizontalAdvance(text) + 16, fm.height() + 8);
    const QRectF box(QPointF(plot.left() + 8, plot.bottom() - 8 - boxSize.height()), boxSize);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 220));
    p.drawRoundedRect(box, 4, 4);
    p.setPen(Qt::black);
    p.drawText(box, Qt::AlignCenter, text);
    return image;
}

} // namespace

QImage renderAnimationFrame(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                            int frame, const AnimationOptions& options, const QPalette& palette) {
    FunctionMapRenderer renderer;
    return renderFrame(renderer, experiment, tracks, frame, options, palette);
}

bool exportTrajectoryGif(const Experiment& experiment, const std::vector<RunTrack>& tracks,
                         const QString& path, const AnimationOptions& in, const QPalette& palette,
                         QString* error, const std::function<bool(int, int)>& progress) {
    AnimationOptions options = in;
    options.frames = std::max(2, options.frames);
    options.fps = std::clamp(options.fps, 1, 50);
    options.size = options.size.expandedTo(QSize(64, 64)).boundedTo(QSize(4000, 4000));
    const int w = options.size.width();
    const int h = options.size.height();
    auto fail = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, why);
        return false;
    };

    QByteArray bytes;
    int code = 0;
    GifFileType* gif = EGifOpen(&bytes, writeToBuffer, &code);
    if (!gif)
        return fail(gifError(code));
    auto closeGif = [&]() {
        int closeCode = 0;
        const bool ok = EGifCloseFile(gif, &closeCode) == GIF_OK;
        gif = nullptr;
        if (!ok)
            code = closeCode;
        return ok;
    };

    ColorMapObject* map = GifMakeMapObject(256, nullptr);
    for (int r = 0; r < kLevelsR; ++r)
        for (int g = 0; g < kLevelsG; ++g)
            for (int b = 0; b < kLevelsB; ++b) {
                GifColorType& c = map->Colors[paletteIndex(r, g, b)];
                c.Red = GifByteType(std::lround(255.0 * r / (kLevelsR - 1)));
                c.Green = GifByteType(std::lround(255.0 * g / (kLevelsG - 1)));
                c.Blue = GifByteType(std::lround(255.0 * b / (kLevelsB - 1)));
            }
    for (int i = kLevelsR * kLevelsG * kLevelsB; i < 256; ++i)
        map->Colors[i] = GifColorType{0, 0, 0};
    EGifSetGifVersion(gif, true);
    bool ok = EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_OK;
    GifFreeMapObject(map);
    if (ok && options.loop) {
        const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        const GifByteType loop[] = {1, 0, 0}; // sub-block 1, loop count 0 = forever
        ok = EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
             EGifPutExtensionBlock(gif, sizeof app, app) == GIF_OK &&
             EGifPutExtensionBlock(gif, sizeof loop, loop) == GIF_OK &&
             EGifPutExtensionTrailer(gif) == GIF_OK;
    }
    if (!ok) {
        code = gif->Error;
        closeGif();
        return fail(gifError(code));
    }

    std::vector<GifByteType> line(static_cast<size_t>(w));
    FunctionMapRenderer renderer; // the heatmap is computed once, for the first frame
    renderer.setCacheStatic(true);
    long long elapsedCs = 0; // GIF delays are in 1/100 s: keep the total true to the fps
    for (int f = 0; f < options.frames; ++f) {
        if (progress && !progress(f, options.frames)) {
            closeGif();
            return fail(QStringLiteral("cancelled"));
        }
        const QImage image = renderFrame(renderer, experiment, tracks, f, options, palette);
        const long long due = std::llround(100.0 * (f + 1) / options.fps);
        // The last frame lingers a second so the end result can be read before the loop restarts.
        const int delay = int(due - elapsedCs) + (f == options.frames - 1 ? 100 : 0);
        elapsedCs = due;
        GraphicsControlBlock gcb;
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = std::max(1, delay);
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        const size_t extLen = EGifGCBToExtension(&gcb, ext);
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(extLen), ext) != GIF_OK ||
            EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) != GIF_OK) {
            code = gif->Error;
            closeGif();
            return fail(gifError(code));
        }
        for (int y = 0; y < h; ++y) {
            const auto* row = reinterpret_cast<const QRgb*>(image.constScanLine(y));
            for (int x = 0; x < w; ++x) {
                const double t = (kBayer[y & 3][x & 3] + 0.5) / 16.0;
                line[size_t(x)] = GifByteType(paletteIndex(quantise(qRed(row[x]), kLevelsR, t),
                                                           quantise(qGreen(row[x]), kLevelsG, t),
                                                           quantise(qBlue(row[x]), kLevelsB, t)));
            }
            if (EGifPutLine(gif, line.data(), w) != GIF_OK) {
                code = gif->Error;
                closeGif();
                return fail(gifError(code));
            }
        }
    }
    if (!closeGif())
        return fail(gifError(code));
    if (progress)
        progress(options.frames, options.frames);
    return saveFileAtomically(path, bytes, error);
}

} // namespace optiscope
