#include "ui/network/network_worker.h"

#include "core/nn/memory_budget.h"

#include "ui/app/background_thread.h"

#include "core/nn/network_run.h"

#include <QColor>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <exception>

namespace optiscope {

struct NetworkWorker::Live {
    std::unique_ptr<nn::NetworkTrainer> trainer;
    std::vector<nn::EpochRecord> pending; ///< epochs not yet sent
    bool failed = false;
    QString error;
    bool reportedEnd = false;
    long long chunk = 1; ///< updates per runSteps() call, adapted to take about 2 ms
    [[nodiscard]] bool ended() const {
        return failed || !trainer || trainer->state() != nn::NetworkTrainer::State::Running;
    }
};

QColor networkClassColor(int k) {
    static const QColor colors[] = {QColor(0xe6, 0x6a, 0x1f), QColor(0x1f, 0x77, 0xb4),
                                    QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
                                    QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                    QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f),
                                    QColor(0xbc, 0xbd, 0x22), QColor(0x17, 0xbe, 0xcf)};
    return colors[((k % 10) + 10) % 10];
}

namespace {

// Standardised network inputs at the cell centres of `plane` (rows from the top, largest y),
// extra features computed from the raw x, y.
nn::Dataset gridInputs(const nn::DataSplit& data, const std::vector<std::string>& extras,
                       const QRectF& plane, int grid) {
    const Eigen::Index n = Eigen::Index(grid) * grid;
    const auto& st = data.standardizer;
    // Raw x, y of each cell centre (the standardiser maps raw to the plane's coordinates).
    nn::Dataset cells;
    cells.inputs.resize(n, 2);
    for (int r = 0; r < grid; ++r) {
        const double sy = plane.bottom() - (r + 0.5) * plane.height() / grid; // top row: max y
        for (int c = 0; c < grid; ++c) {
            const double sx = plane.left() + (c + 0.5) * plane.width() / grid;
            const Eigen::Index i = Eigen::Index(r) * grid + c;
            cells.inputs(i, 0) = float(sx / st.invStd(0) + st.mean(0));
            cells.inputs(i, 1) = float(sy / st.invStd(1) + st.mean(1));
        }
    }
    nn::addExtraFeatures(cells, extras);
    st.apply(cells.inputs);
    return cells;
}

// Diverging colours for a unit's output: orange below zero, blue above, white at 0.
QRgb diverging(double t) {
    t = std::clamp(t, -1.0, 1.0);
    const QColor neg(0xf5, 0x93, 0x22), pos(0x08, 0x77, 0xbd);
    const QColor& c = t < 0 ? neg : pos;
    const double a = std::fabs(t);
    return qRgb(int(255 + (c.red() - 255) * a), int(255 + (c.green() - 255) * a),
                int(255 + (c.blue() - 255) * a));
}

QImage unitImage(const float* column, Eigen::Index stride, int grid, bool probability) {
    QImage img(grid, grid, QImage::Format_RGB32);
    double scale = 0;
    const Eigen::Index n = Eigen::Index(grid) * grid;
    for (Eigen::Index i = 0; i < n; ++i)
        scale = std::max(scale, std::fabs(double(column[i * stride])));
    if (!(scale > 0) || !std::isfinite(scale))
        scale = 1;
    for (int r = 0; r < grid; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
        for (int c = 0; c < grid; ++c) {
            const double v = column[(Eigen::Index(r) * grid + c) * stride];
            line[c] = diverging(probability ? 2 * v - 1 : v / scale);
        }
    }
    return img;
}

} // namespace

NetworkDiagramData networkDiagram(nn::Network<float>& net, const nn::DataSplit& data,
                                  const std::vector<std::string>& extras, const QRectF& plane,
                                  int grid) {
    NetworkDiagramData d;
    const nn::Dataset cells = gridInputs(data, extras, plane, grid);
    const Eigen::Index n = cells.size();
    net.reserve(n);
    const auto out =
        net.forward(nn::Types<float>::ConstMap(cells.inputs.data(), n, cells.inputs.cols()));
    d.layerNames << QStringLiteral("inputs");
    d.units.emplace_back();
    for (Eigen::Index f = 0; f < cells.inputs.cols(); ++f)
        d.units.back().push_back(
            unitImage(cells.inputs.data() + f, cells.inputs.cols(), grid, false));
    const auto& layers = net.layers();
    for (size_t li = 0; li < layers.size(); ++li) {
        if (layers[li]->kind() != "dense")
            continue;
        const auto* w = net.findTensor(layers[li]->name() + ".weight");
        if (!w)
            continue;
        d.weights.emplace_back(net.params().data() + w->offset,
                               net.params().data() + w->offset + w->size);
        std::vector<QImage> units;
        if (li + 1 == layers.size()) {
            // Output logits: the softmax probability of each class.
            Eigen::MatrixXf p = out;
            for (Eigen::Index i = 0; i < n; ++i) {
                const float m = p.row(i).maxCoeff();
                p.row(i) = (p.row(i).array() - m).exp();
                p.row(i) /= p.row(i).sum();
            }
            Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> pr = p;
            for (Eigen::Index k = 0; k < pr.cols(); ++k)
                units.push_back(unitImage(pr.data() + k, pr.cols(), grid, true));
            d.layerNames << QStringLiteral("output");
        } else {
            // A hidden layer: the output of its activation (the next layer).
            const auto a = net.activations(
                li + 1 < layers.size() && layers[li + 1]->kind() == "activation" ? li + 1 : li);
            for (Eigen::Index k = 0; k < a.cols(); ++k)
                units.push_back(unitImage(a.data() + k, a.cols(), grid, false));
            d.layerNames << QString::fromStdString(layers[li]->name());
        }
        d.units.push_back(std::move(units));
    }
    return d;
}

QImage decisionBoundaryImage(nn::Network<float>& net, const nn::DataSplit& data,
                             const std::vector<std::string>& extras, const QRectF& plane,
                             int grid) {
    const nn::Dataset cells = gridInputs(data, extras, plane, grid);
    const Eigen::Index n = cells.size();
    net.reserve(n);
    const auto out =
        net.forward(nn::Types<float>::ConstMap(cells.inputs.data(), n, cells.inputs.cols()));
    QImage image(grid, grid, QImage::Format_ARGB32);
    const Eigen::Index k = out.cols();
    for (int r = 0; r < grid; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        for (int c = 0; c < grid; ++c) {
            const Eigen::Index i = Eigen::Index(r) * grid + c;
            Eigen::Index best = 0;
            for (Eigen::Index j = 1; j < k; ++j)
                if (out(i, j) > out(i, best))
                    best = j;
            // Softmax probability of the winning class: 1/k (unsure) .. 1 (sure).
            double sum = 0.0;
            for (Eigen::Index j = 0; j < k; ++j)
                sum += std::exp(double(out(i, j) - out(i, best)));
            const double p = std::isfinite(sum) && sum > 0 ? 1.0 / sum : 0.0;
            const double conf =
                k > 1 ? std::clamp((p - 1.0 / double(k)) / (1.0 - 1.0 / double(k)), 0.0, 1.0) : p;
            const QColor base = networkClassColor(int(best));
            const double a = 0.15 + 0.6 * conf;
            line[c] = qRgb(int(255 + (base.red() - 255) * a), int(255 + (base.green() - 255) * a),
                           int(255 + (base.blue() - 255) * a));
        }
    }
    return image;
}

namespace {

NetworkDataPreview makePreview(const nn::DataSplit& split, const NetworkProblem& problem) {
    NetworkDataPreview p;
    const nn::Dataset& train = split.train;
    p.datasetName = QString::fromStdString(problem.dataset.name);
    for (const auto& c : train.classNames)
        p.classNames << QString::fromStdString(c);
    p.description = QStringLiteral("%1 · %2 train / %3 validation · %4")
                        .arg(p.datasetName)
                        .arg(train.size())
                        .arg(split.validation.size())
                        .arg(train.task == nn::Task::Classification
                                 ? QStringLiteral("%1 classes").arg(train.classes())
                                 : QStringLiteral("regression"));
    if (!train.isImage && train.task == nn::Task::Classification &&
        nn::isToyDataset(problem.dataset.name) && train.features() >= 2) {
        p.is2d = true;
        double lo = 0, hi = 0;
        for (Eigen::Index i = 0; i < train.size(); ++i) {
            const QPointF pt(train.inputs(i, 0), train.inputs(i, 1));
            p.points.push_back(pt);
            p.labels.push_back(train.labels[size_t(i)]);
            lo = std::min({lo, pt.x(), pt.y()});
            hi = std::max({hi, pt.x(), pt.y()});
        }
        const double m = std::max(std::fabs(lo), std::fabs(hi)) * 1.1 + 1e-6;
        p.plane = QRectF(-m, -m, 2 * m, 2 * m);
    } else if (train.isImage) {
        const nn::Shape s = train.shape;
        const Eigen::Index count = std::min<Eigen::Index>(train.size(), 32);
        for (Eigen::Index i = 0; i < count; ++i) {
            QImage img(int(s.width), int(s.height), QImage::Format_RGB32);
            std::vector<float> raw(size_t(s.size()));
            float lo = INFINITY, hi = -INFINITY;
            for (Eigen::Index f = 0; f < s.size(); ++f) {
                const float inv =
                    split.standardizer.invStd.size() > f ? split.standardizer.invStd(f) : 1.0f;
                const float mean =
                    split.standardizer.mean.size() > f ? split.standardizer.mean(f) : 0.0f;
                raw[size_t(f)] = inv != 0 ? train.inputs(i, f) / inv + mean : mean;
                lo = std::min(lo, raw[size_t(f)]);
                hi = std::max(hi, raw[size_t(f)]);
            }
            const float span = hi > lo ? hi - lo : 1.0f;
            const Eigen::Index plane = s.height * s.width;
            for (Eigen::Index y = 0; y < s.height; ++y)
                for (Eigen::Index x = 0; x < s.width; ++x) {
                    auto v = [&](Eigen::Index ch) {
                        return int(255 * (raw[size_t(ch * plane + y * s.width + x)] - lo) / span);
                    };
                    const int r = v(0);
                    const int g = s.channels >= 3 ? v(1) : r;
                    const int b = s.channels >= 3 ? v(2) : r;
                    img.setPixel(int(x), int(y), qRgb(r, g, b));
                }
            p.images.push_back(img);
            p.imageLabels.push_back(train.task == nn::Task::Classification ? train.labels[size_t(i)]
                                                                           : -1);
        }
    }
    return p;
}

} // namespace

NetworkDataPreview makeNetworkDataPreview(const nn::DataSplit& split,
                                          const NetworkProblem& problem) {
    return makePreview(split, problem);
}

NetworkWorker::NetworkWorker(QObject* parent) : QObject(parent), m_timer(new QTimer(this)) {
    qRegisterMetaType<optiscope::NetworkBatch>();
    qRegisterMetaType<optiscope::NetworkDataPreview>();
    qRegisterMetaType<optiscope::NetworkDiagramData>();
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &NetworkWorker::tick);
}

NetworkWorker::~NetworkWorker() = default;

void NetworkWorker::requestStop() {
    m_stop.store(true);
    // Runs check their own flag at every update.
    // (m_runs is touched by the worker thread only; requestStop on the trainers is thread-safe.)
}

void NetworkWorker::begin() {
    lowerCurrentThreadPriority();
    m_timer->start(batchIntervalMs);
}

void NetworkWorker::clear() {
    m_runs.clear();
    m_data.reset();
    m_boundaryNet.reset();
    m_experiment.reset();
}

void NetworkWorker::load(std::shared_ptr<const Experiment> experiment, QString baseDir,
                         quint64 generation) {
    clear();
    m_generation = generation;
    m_experiment = experiment;
    m_is2d = false;
    m_boundaryEpoch = -1;
    m_boundaryRun = -1;
    nn::DataLocations where;
    where.baseDir = baseDir.toStdString();
    try {
        m_data = nn::prepareNetworkData(experiment->network, where);
        // Every run's trainer (and the boundary's copy) exists at once: refuse an experiment that
        // would not fit before building them (core/nn/memory_budget.h).
        nn::checkNetworkMemory(experiment->network, *m_data,
                               static_cast<long long>(expandRuns(*experiment).size()) + 1);
        NetworkDataPreview preview = makePreview(*m_data, experiment->network);
        m_is2d = preview.is2d;
        m_plane = preview.plane;
        if (m_is2d)
            m_boundaryNet = nn::buildNetworkModel(experiment->network, m_data->train);
        for (const RunInstance& instance : expandRuns(*experiment)) {
            auto live = std::make_unique<Live>();
            try {
                live->trainer = nn::makeNetworkTrainer(*experiment, instance, m_data);
                Live* raw = live.get();
                live->trainer->onEpoch = [raw](const nn::EpochRecord& r) {
                    raw->pending.push_back(r);
                };
            } catch (const std::exception& e) {
                live->failed = true;
                live->error = QString::fromStdString(e.what());
            }
            m_runs.push_back(std::move(live));
        }
        emit dataReady(generation, preview);
        emitBoundary(); // the untrained network's boundary (epoch 0) first
    } catch (const nn::MemoryBudgetError& e) {
        m_runs.clear();
        emit loadFailed(generation, tr("Cannot set up the network: %1: %2")
                                        .arg(QString::fromStdString(e.field()),
                                             QString::fromStdString(e.what())));
    } catch (const nn::DataError& e) {
        m_runs.clear();
        emit loadFailed(generation, tr("Cannot read the data: %1.\nChoose the file or folder under "
                                       "Network problem → Path.")
                                        .arg(QString::fromStdString(e.what())));
    } catch (const std::exception& e) {
        m_runs.clear();
        emit loadFailed(generation,
                        tr("Cannot set up the network: %1").arg(QString::fromStdString(e.what())));
    }
    m_lastBoundary = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    if (m_timer->isActive())
        m_timer->start(0);
}

void NetworkWorker::follow(int index) {
    m_followed = std::max(0, index);
    emitBoundary();
}

void NetworkWorker::emitBoundary() {
    if (!m_is2d || !m_boundaryNet || m_runs.empty())
        return;
    const int run = m_followed < int(m_runs.size()) ? m_followed : 0;
    if (!m_runs[size_t(run)]->trainer)
        return;
    const nn::NetworkTrainer& t = *m_runs[size_t(run)]->trainer;
    if (t.epochsDone() == m_boundaryEpoch && run == m_boundaryRun)
        return;
    m_boundaryNet->params() = t.network().params();
    m_boundaryEpoch = t.epochsDone();
    m_boundaryRun = run;
    m_lastBoundary = std::chrono::steady_clock::now();
    emit boundaryReady(m_generation,
                       decisionBoundaryImage(*m_boundaryNet, *m_data,
                                             m_experiment->network.model.extraFeatures, m_plane,
                                             boundaryGrid),
                       m_boundaryEpoch, run);
    if (m_experiment->network.model.architecture == "mlp") {
        NetworkDiagramData diagram =
            networkDiagram(*m_boundaryNet, *m_data, m_experiment->network.model.extraFeatures,
                           m_plane, diagramGrid);
        diagram.epoch = m_boundaryEpoch;
        emit diagramReady(m_generation, diagram);
    }
}

void NetworkWorker::tick() {
    if (m_stop.load()) {
        m_timer->stop();
        return;
    }
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    bool anyActive = false;
    if (!m_paused.load()) {
        const auto deadline = start + std::chrono::milliseconds(batchIntervalMs - 5);
        bool any = true;
        while (any && !m_stop.load() && !m_paused.load() && Clock::now() < deadline) {
            any = false;
            // Start each tick with another run, so none is favoured when slices run out.
            ++m_rotate;
            for (size_t k = 0; k < m_runs.size(); ++k) {
                auto& live = m_runs[(k + m_rotate) % m_runs.size()];
                if (live->ended())
                    continue;
                try {
                    // Slices of ~2 ms whatever a step costs (µs on toy sets, ms for LeNet-5), so
                    // batches keep their pace and a stop request is seen quickly.
                    const auto t0 = Clock::now();
                    if (live->trainer->runSteps(live->chunk))
                        any = true;
                    const double ms =
                        std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                    if (ms < 1.0)
                        live->chunk = std::min<long long>(live->chunk * 2, 1 << 16);
                    else if (ms > 4.0)
                        live->chunk = std::max<long long>(live->chunk / 2, 1);
                } catch (const std::exception& e) {
                    live->failed = true;
                    live->error = QString::fromStdString(e.what());
                } catch (...) {
                    live->failed = true;
                    live->error = tr("unknown error while training");
                }
                if (m_stop.load() || Clock::now() >= deadline)
                    break;
            }
        }
    }
    // The boundary (and diagram) go out before the batch, so that a run reported finished has
    // already sent its final picture.
    const double sinceBoundary =
        std::chrono::duration<double>(Clock::now() - m_lastBoundary).count();
    const int followed = m_followed < int(m_runs.size()) ? m_followed : 0;
    const bool followedEnded = !m_runs.empty() && m_runs[size_t(followed)]->ended();
    if (sinceBoundary >= 1.0 / boundaryPerSecond || followedEnded)
        emitBoundary();
    NetworkBatch batch;
    batch.generation = m_generation;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        Live& live = *m_runs[i];
        const bool ended = live.ended();
        if (!ended)
            anyActive = true;
        const bool endNews = ended && !live.reportedEnd;
        if (live.pending.empty() && !endNews)
            continue;
        NetworkRunProgress p;
        p.index = int(i);
        p.epochs = std::move(live.pending);
        live.pending.clear();
        if (live.trainer) {
            p.steps = live.trainer->stepsDone();
            p.epochsDone = live.trainer->epochsDone();
            p.diverged = live.trainer->diverged();
            p.divergedAt = live.trainer->divergedAt();
        }
        p.finished = ended;
        p.error = live.error;
        if (ended)
            live.reportedEnd = true;
        batch.runs.push_back(std::move(p));
    }
    if (!batch.runs.empty())
        emit batchReady(batch);
    const int interval = anyActive && !m_paused.load() ? 0 : batchIntervalMs;
    if (m_timer->interval() != interval)
        m_timer->start(interval);
}

} // namespace optiscope
