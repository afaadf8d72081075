#include "core/nn/trainer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace optiscope::nn {

using Eigen::Index;

namespace {
constexpr Index kEvalChunk = 256;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

double quantileSorted(const float* sorted, Index n, double q) {
    if (n <= 0)
        return kNaN;
    const double pos = q * static_cast<double>(n - 1);
    const auto lo = static_cast<Index>(std::floor(pos));
    const Index hi = std::min(lo + 1, n - 1);
    const double frac = pos - static_cast<double>(lo);
    const double a = sorted[lo], b = sorted[hi];
    return a + frac * (b - a);
}

NetworkTrainer::NetworkTrainer(std::unique_ptr<Network<float>> network,
                               std::shared_ptr<const DataSplit> data,
                               std::unique_ptr<UpdateRule<float>> rule,
                               std::unique_ptr<LrSchedule> schedule, double lr0,
                               TrainerOptions options)
    : m_network(std::move(network)), m_data(std::move(data)), m_rule(std::move(rule)),
      m_schedule(std::move(schedule)), m_lr0(lr0), m_options(options), m_shuffleRng(options.seed) {
    if (!m_network || !m_data || !m_rule)
        throw std::invalid_argument("NetworkTrainer needs a network, data and an update rule");
    const Dataset& train = m_data->train;
    if (train.size() < 1)
        throw std::invalid_argument("the training set is empty");
    if (train.features() != m_network->inputSize())
        throw std::invalid_argument(
            "the network expects " + std::to_string(m_network->inputSize()) +
            " input features, the data has " + std::to_string(train.features()));
    if (train.outputs() != m_network->outputSize())
        throw std::invalid_argument("the network has " + std::to_string(m_network->outputSize()) +
                                    " outputs, the data needs " + std::to_string(train.outputs()));
    if (train.task == Task::Regression && m_options.loss == LossKind::CrossEntropy)
        throw std::invalid_argument("cross-entropy needs class labels; use mse for regression");
    if (m_options.batchSize < 1)
        throw std::invalid_argument("batch size must be at least 1");
    if (m_options.scheduleWatchesMetric)
        m_options.schedulePerEpoch = true;

    const Index capacity = std::max(m_options.batchSize, kEvalChunk);
    m_network->reserve(capacity);
    m_batchX.resize(capacity, train.features());
    m_batchT.resize(capacity, std::max<Index>(1, train.targets.cols()));
    m_dOut.resize(capacity, m_network->outputSize());
    m_batchLabels.resize(static_cast<std::size_t>(capacity));
    m_order.resize(static_cast<std::size_t>(train.size()));
    for (Index i = 0; i < train.size(); ++i)
        m_order[static_cast<std::size_t>(i)] = i;
    const Index evalRows =
        std::max({train.size(), m_data->validation.size(), m_data->test.size()});
    m_evalRows.resize(static_cast<std::size_t>(evalRows));
    for (Index i = 0; i < evalRows; ++i)
        m_evalRows[static_cast<std::size_t>(i)] = i;
    Index largest = 0;
    for (const auto& t : m_network->tensors())
        largest = std::max(largest, t.size);
    m_scratch.resize(static_cast<std::size_t>(largest));
    m_rule->reset(m_network->params().size());
    m_start = std::chrono::steady_clock::now();
}

NetworkTrainer::~NetworkTrainer() = default;

Index NetworkTrainer::stepsPerEpoch() const {
    return (m_data->train.size() + m_options.batchSize - 1) / m_options.batchSize;
}

double NetworkTrainer::elapsedSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

double NetworkTrainer::currentLr() const {
    return m_schedule ? m_schedule->lr() : m_lr0;
}

double NetworkTrainer::batchLoss(const Dataset& data, const Index* rows, Index count,
                                 bool withGradient, long long* correct) {
    const bool classification = data.task == Task::Classification;
    for (Index i = 0; i < count; ++i) {
        const Index r = rows[i];
        m_batchX.row(i) = data.inputs.row(r);
        if (classification)
            m_batchLabels[static_cast<std::size_t>(i)] = data.labels[static_cast<std::size_t>(r)];
        else
            m_batchT.row(i).head(data.targets.cols()) = data.targets.row(r);
    }
    using ConstMap = Types<float>::ConstMap;
    using Map = Types<float>::Map;
    ConstMap out = m_network->forward(ConstMap(m_batchX.data(), count, m_batchX.cols()));
    Map d(m_dOut.data(), count, out.cols());
    Map* dp = withGradient ? &d : nullptr;
    double loss = 0.0;
    if (m_options.loss == LossKind::CrossEntropy)
        loss = softmaxCrossEntropy<float>(out, m_batchLabels.data(), dp);
    else if (classification)
        loss = meanSquaredErrorOneHot<float>(out, m_batchLabels.data(), dp);
    else
        loss =
            meanSquaredError<float>(out, ConstMap(m_batchT.data(), count, data.targets.cols()), dp);
    if (correct)
        *correct = classification ? countCorrect<float>(out, m_batchLabels.data()) : 0;
    if (withGradient && std::isfinite(loss))
        m_network->backward(ConstMap(d.data(), count, out.cols()));
    return loss;
}

std::pair<double, double> NetworkTrainer::evaluate(const Dataset& data) {
    const Index n = data.size();
    if (n == 0)
        return {kNaN, kNaN};
    double total = 0.0;
    long long correct = 0;
    const Index chunk = m_batchX.rows();
    for (Index start = 0; start < n; start += chunk) {
        const Index count = std::min(chunk, n - start);
        long long c = 0;
        total += batchLoss(data, m_evalRows.data() + start, count, false, &c) *
                 static_cast<double>(count);
        correct += c;
    }
    const double acc = data.task == Task::Classification
                           ? static_cast<double>(correct) / static_cast<double>(n)
                           : kNaN;
    return {total / static_cast<double>(n), acc};
}

void NetworkTrainer::fillEffLr(EpochRecord& record) {
    const auto& eff = m_rule->effectiveLr();
    const bool available = eff.size() == m_network->params().size();
    record.effLr.clear();
    for (const auto& t : m_network->tensors()) {
        TensorLrQuantiles q;
        q.tensor = t.name;
        if (available && t.size > 0) {
            std::copy(eff.data() + t.offset, eff.data() + t.offset + t.size, m_scratch.begin());
            std::sort(m_scratch.begin(), m_scratch.begin() + t.size);
            q.p05 = quantileSorted(m_scratch.data(), t.size, 0.05);
            q.p50 = quantileSorted(m_scratch.data(), t.size, 0.50);
            q.p95 = quantileSorted(m_scratch.data(), t.size, 0.95);
        }
        record.effLr.push_back(std::move(q));
    }
}

EpochRecord NetworkTrainer::makeEpochRecord(double runningLoss, double runningAcc) {
    EpochRecord r;
    r.epoch = m_epoch;
    r.steps = m_step;
    r.lr = m_epoch == 0 ? currentLr() : m_lastLr;
    if (m_options.evaluateTrainSet || m_epoch == 0) {
        std::tie(r.trainLoss, r.trainAccuracy) = evaluate(m_data->train);
    } else {
        r.trainLoss = runningLoss;
        r.trainAccuracy = runningAcc;
    }
    std::tie(r.valLoss, r.valAccuracy) = evaluate(m_data->validation);
    return r;
}

void NetworkTrainer::emitInitial() {
    m_initialDone = true;
    if (!m_options.recordInitialEpoch)
        return;
    EpochRecord r = makeEpochRecord(kNaN, kNaN);
    r.seconds = elapsedSeconds();
    for (const auto& t : m_network->tensors())
        r.effLr.push_back(TensorLrQuantiles{t.name, kNaN, kNaN, kNaN});
    m_history.push_back(r);
    if (onEpoch)
        onEpoch(m_history.back());
}

bool NetworkTrainer::advance() {
    if (m_state != State::Running)
        return false;
    if (!m_initialDone)
        emitInitial();
    const Dataset& train = m_data->train;
    const Index n = train.size();
    if (m_epochPos == 0) { // start an epoch
        if (m_epoch >= m_options.epochs) {
            m_state = State::Finished;
            return false;
        }
        ++m_epoch;
        // Seeded Fisher-Yates (the standard distributions are implementation-defined).
        for (std::size_t i = m_order.size(); i-- > 1;)
            std::swap(m_order[i], m_order[m_shuffleRng() % (i + 1)]);
        m_epochLoss = 0.0;
        m_epochCorrect = 0;
    }
    if (m_stopRequested.load(std::memory_order_relaxed)) {
        m_state = State::Stopped;
        return false;
    }
    const Index count = std::min(m_options.batchSize, n - m_epochPos);
    const double lr = currentLr();
    if (m_schedule) {
        if (auto momentum = m_schedule->momentum())
            m_rule->setMomentum(*momentum);
    }
    long long correct = 0;
    const double loss = batchLoss(train, m_order.data() + m_epochPos, count, true, &correct);
    ++m_step;
    if (!std::isfinite(loss)) {
        m_divergedAt = m_step;
        m_state = State::Diverged;
        return false;
    }
    m_rule->step(m_network->params(), m_network->grads(), lr);
    m_lastLr = lr;
    if (m_schedule && !m_options.schedulePerEpoch)
        m_schedule->step(loss);
    m_epochLoss += loss * static_cast<double>(count);
    m_epochCorrect += correct;
    m_epochPos += count;
    if (onStep)
        onStep(StepRecord{m_step, m_epoch, lr, loss});
    if (m_epochPos >= n) {
        m_epochPos = 0;
        finishEpoch();
    }
    return m_state == State::Running;
}

void NetworkTrainer::finishEpoch() {
    const Dataset& train = m_data->train;
    const auto n = static_cast<double>(train.size());
    if (!m_network->params().allFinite()) {
        m_divergedAt = m_step;
        m_state = State::Diverged;
        return;
    }
    EpochRecord r = makeEpochRecord(m_epochLoss / n, train.task == Task::Classification
                                                         ? static_cast<double>(m_epochCorrect) / n
                                                         : kNaN);
    const bool hasValidation = m_data->validation.size() > 0;
    if (!std::isfinite(r.trainLoss) || (hasValidation && !std::isfinite(r.valLoss))) {
        m_divergedAt = m_step;
        m_state = State::Diverged;
        return;
    }
    if (m_schedule && m_options.schedulePerEpoch) {
        m_schedule->step(hasValidation ? r.valLoss : r.trainLoss);
        r.lrReduced = m_schedule->reducedOnLastStep();
    }
    fillEffLr(r);
    if (m_epoch >= m_options.epochs && m_data->test.size() > 0)
        std::tie(r.testLoss, r.testAccuracy) = evaluate(m_data->test);
    r.seconds = elapsedSeconds();
    m_history.push_back(std::move(r));
    if (onEpoch)
        onEpoch(m_history.back());
    if (m_epoch >= m_options.epochs)
        m_state = State::Finished;
}

bool NetworkTrainer::runEpoch() {
    do {
        if (!advance())
            return false;
    } while (m_epochPos != 0);
    return m_state == State::Running;
}

bool NetworkTrainer::runSteps(long long maxSteps) {
    for (long long i = 0; i < maxSteps; ++i)
        if (!advance())
            return false;
    return m_state == State::Running;
}

NetworkTrainer::State NetworkTrainer::run() {
    while (runEpoch()) {
    }
    if (m_state == State::Running) // epochs == 0
        m_state = State::Finished;
    return m_state;
}

} // namespace optiscope::nn
