#include "ui/teaching/trajectory_animation.h"

#include "ui/function/plot_builders.h"
#include "ui/plots/function_map_renderer.h"
#include "ui/plots/plot_export.h"

#include <QFontMetricsF>
#include <QPainter>

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace optiscope {

namespace {

// An adaptive palette: 255 colours chosen by median cut from the first and the last frame (the
// map, every path and the counter), index 255 is transparent. Each frame after the first stores
// only the rectangle where it differs from the one before, with unchanged pixels transparent, so
// the map is sent once and never shimmers (no dithering: a pixel's colour maps to the same index
// in every frame).
constexpr int kColors = 255;
constexpr GifByteType kTransparent = 255;

struct Palette {
    std::vector<GifColorType> colors;
    std::vector<GifByteType> lookup; ///< 6 bits per channel → nearest colour

    GifByteType index(QRgb c) const {
        return lookup[size_t(((qRed(c) >> 2) << 12) | ((qGreen(c) >> 2) << 6) | (qBlue(c) >> 2))];
    }
    /// With a light ordered dither: the same colour at the same pixel always gets the same
    /// index, so the dither never moves between frames.
    GifByteType dithered(QRgb c, int x, int y) const {
        static constexpr int kBayer[4][4] = {
            {0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
        const int d = (kBayer[y & 3][x & 3] - 8) * 3 / 4; // about ±6 of 255
        auto ch = [d](int v) { return std::clamp(v + d, 0, 255); };
        return index(qRgb(ch(qRed(c)), ch(qGreen(c)), ch(qBlue(c))));
    }
};

Palette medianCutPalette(const std::vector<const QImage*>& frames) {
    // Histogram of 5-bit colours.
    std::vector<std::uint32_t> histogram(32 * 32 * 32, 0);
    for (const QImage* image : frames)
        for (int y = 0; y < image->height(); ++y) {
            const auto* row = reinterpret_cast<const QRgb*>(image->constScanLine(y));
            for (int x = 0; x < image->width(); ++x)
                ++histogram[size_t(((qRed(row[x]) >> 3) << 10) | ((qGreen(row[x]) >> 3) << 5) |
                                   (qBlue(row[x]) >> 3))];
        }
    struct Entry {
        int c[3];
        std::uint32_t n;
    };
    std::vector<Entry> entries;
    for (int i = 0; i < int(histogram.size()); ++i)
        if (histogram[size_t(i)])
            entries.push_back({{(i >> 10) & 31, (i >> 5) & 31, i & 31}, histogram[size_t(i)]});
    struct Box {
        size_t begin, end;
    };
    std::vector<Box> boxes{{0, entries.size()}};
    // Split the box with the widest channel range (and more than one colour) until 255 boxes.
    while (int(boxes.size()) < kColors) {
        int best = -1, bestChannel = 0, bestRange = 0;
        for (int b = 0; b < int(boxes.size()); ++b) {
            const Box& box = boxes[size_t(b)];
            if (box.end - box.begin < 2)
                continue;
            for (int ch = 0; ch < 3; ++ch) {
                int lo = 31, hi = 0;
                for (size_t i = box.begin; i < box.end; ++i) {
                    lo = std::min(lo, entries[i].c[ch]);
                    hi = std::max(hi, entries[i].c[ch]);
                }
                if (hi - lo > bestRange) {
                    bestRange = hi - lo;
                    best = b;
                    bestChannel = ch;
                }
            }
        }
        if (best < 0)
            break;
        Box box = boxes[size_t(best)];
        std::sort(entries.begin() + long(box.begin), entries.begin() + long(box.end),
                  [ch = bestChannel](const Entry& a, const Entry& b) { return a.c[ch] < b.c[ch]; });
        // Split at the median pixel (weighted), keeping both halves non-empty.
        std::uint64_t total = 0, half = 0;
        for (size_t i = box.begin; i < box.end; ++i)
            total += entries[i].n;
        size_t split = box.begin + 1;
        for (size_t i = box.begin; i < box.end - 1; ++i) {
            half += entries[i].n;
            split = i + 1;
            if (half * 2 >= total)
                break;
        }
        boxes[size_t(best)] = {box.begin, split};
        boxes.push_back({split, box.end});
    }
    Palette p;
    for (const Box& box : boxes) {
        double sum[3] = {0, 0, 0}, n = 0;
        for (size_t i = box.begin; i < box.end; ++i)
            for (int ch = 0; ch < 3; ++ch) {
                sum[ch] += (entries[i].c[ch] * 8 + 4) * double(entries[i].n);
                if (ch == 0)
                    n += entries[i].n;
            }
        if (n == 0)
            continue;
        p.colors.push_back(GifColorType{GifByteType(std::lround(sum[0] / n)),
                                        GifByteType(std::lround(sum[1] / n)),
                                        GifByteType(std::lround(sum[2] / n))});
    }
    if (p.colors.empty())
        p.colors.push_back(GifColorType{0, 0, 0});
    p.lookup.resize(64 * 64 * 64);
    for (int i = 0; i < 64 * 64 * 64; ++i) {
        const int r = ((i >> 12) & 63) * 4 + 2, g = ((i >> 6) & 63) * 4 + 2, b = (i & 63) * 4 + 2;
        int best = 0, bestD = INT32_MAX;
        for (int k = 0; k < int(p.colors.size()); ++k) {
            const int dr = r - p.colors[size_t(k)].Red, dg = g - p.colors[size_t(k)].Green,
                      db = b - p.colors[size_t(k)].Blue;
            const int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db; // rough perceptual weights
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        p.lookup[size_t(i)] = GifByteType(best);
    }
    return p;
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

    // Frames are rendered first (the first and last choose the palette), then encoded.
    FunctionMapRenderer renderer; // the heatmap is computed once, for the first frame
    renderer.setCacheStatic(true);
    const QImage first = renderFrame(renderer, experiment, tracks, 0, options, palette);
    const QImage lastFrame =
        renderFrame(renderer, experiment, tracks, options.frames - 1, options, palette);
    const Palette colors = medianCutPalette({&first, &lastFrame});
    ColorMapObject* map = GifMakeMapObject(256, nullptr);
    for (int i = 0; i < 256; ++i)
        map->Colors[i] =
            i < int(colors.colors.size()) ? colors.colors[size_t(i)] : GifColorType{255, 255, 255};
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

    std::vector<GifByteType> previous(size_t(w) * size_t(h)), current(previous.size());
    std::vector<GifByteType> line(static_cast<size_t>(w));
    long long elapsedCs = 0; // GIF delays are in 1/100 s: keep the total true to the fps
    for (int f = 0; f < options.frames; ++f) {
        if (progress && !progress(f, options.frames)) {
            closeGif();
            return fail(QStringLiteral("cancelled"));
        }
        const QImage image = f == 0 ? first
                             : f == options.frames - 1
                                 ? lastFrame
                                 : renderFrame(renderer, experiment, tracks, f, options, palette);
        for (int y = 0; y < h; ++y) {
            const auto* row = reinterpret_cast<const QRgb*>(image.constScanLine(y));
            GifByteType* out = current.data() + size_t(y) * size_t(w);
            for (int x = 0; x < w; ++x)
                out[x] = colors.dithered(row[x], x, y);
        }
        // The rectangle that changed since the previous frame (all of the first frame).
        int x0 = 0, y0 = 0, x1 = w - 1, y1 = h - 1;
        if (f > 0) {
            x0 = w;
            y0 = h;
            x1 = -1;
            y1 = -1;
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    if (current[size_t(y) * size_t(w) + size_t(x)] !=
                        previous[size_t(y) * size_t(w) + size_t(x)]) {
                        x0 = std::min(x0, x);
                        x1 = std::max(x1, x);
                        y0 = std::min(y0, y);
                        y1 = std::max(y1, y);
                    }
            if (x1 < 0) { // nothing changed: one transparent pixel carries the delay
                x0 = x1 = 0;
                y0 = y1 = 0;
            }
        }
        const long long due = std::llround(100.0 * (f + 1) / options.fps);
        // The last frame lingers a second so the end result can be read before the loop restarts.
        const int delay = int(due - elapsedCs) + (f == options.frames - 1 ? 100 : 0);
        elapsedCs = due;
        GraphicsControlBlock gcb;
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = std::max(1, delay);
        gcb.TransparentColor = f == 0 ? NO_TRANSPARENT_COLOR : kTransparent;
        GifByteType ext[4];
        const size_t extLen = EGifGCBToExtension(&gcb, ext);
        const int rw = x1 - x0 + 1, rh = y1 - y0 + 1;
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(extLen), ext) != GIF_OK ||
            EGifPutImageDesc(gif, x0, y0, rw, rh, false, nullptr) != GIF_OK) {
            code = gif->Error;
            closeGif();
            return fail(gifError(code));
        }
        for (int y = y0; y <= y1; ++y) {
            const size_t base = size_t(y) * size_t(w);
            for (int x = x0; x <= x1; ++x) {
                const GifByteType c = current[base + size_t(x)];
                line[size_t(x - x0)] = f > 0 && c == previous[base + size_t(x)] ? kTransparent : c;
            }
            if (EGifPutLine(gif, line.data(), rw) != GIF_OK) {
                code = gif->Error;
                closeGif();
                return fail(gifError(code));
            }
        }
        std::swap(previous, current);
    }
    if (!closeGif())
        return fail(gifError(code));
    if (progress)
        progress(options.frames, options.frames);
    return saveFileAtomically(path, bytes, error);
}

} // namespace optiscope
