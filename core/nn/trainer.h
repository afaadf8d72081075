// Mini-batch training of a network with any UpdateRule<float> and LrSchedule.
//
// One NetworkTrainer is one run: it owns its network, update rule and schedule, shares the
// (read-only, possibly large) data with other runs, and advances one update per advance() (or an
// epoch per runEpoch()), so that a CLI drives it to the end and a GUI worker drives it in slices,
// streaming through callbacks.
//
// Per update k (k = 1, 2, ...): the mini-batch is the next slice of a seeded per-epoch shuffle
// (the last batch of an epoch may be smaller, like PyTorch's drop_last=False); lr_k is the
// schedule's lr(); the rule steps on the flat parameter vector with the batch gradient; a
// step-counting schedule is then stepped (as PyTorch's scheduler.step() after optimizer.step()).
// An epoch-counting schedule (`"per": "epoch"`) is stepped after each epoch instead; a plateau
// schedule (reduce_on_plateau) always counts epochs and watches the validation loss, or the
// training loss when there is no validation split (SPEC §4).
//
// Divergence: a non-finite mini-batch loss, evaluation loss or parameter stops the run; it is a
// result (diverged(), divergedAt()), not an exception.
#pragma once

#include "core/nn/datasets.h"
#include "core/nn/network.h"
#include "core/optim/update_rule.h"
#include "core/schedule/lr_schedule.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace optiscope::nn {

struct TrainerOptions {
    LossKind loss = LossKind::CrossEntropy;
    Eigen::Index batchSize = 32; ///< samples per update, ≥ 1
    long long epochs = 30;       ///< epochs to run, ≥ 0
    std::uint64_t seed = 1;      ///< mini-batch shuffling (initialisation is the caller's)
    /// The schedule counts epochs (`"per": "epoch"`) rather than updates. Plateau schedules
    /// (LrSchedule whose catalog entry watches a metric) must set both flags.
    bool schedulePerEpoch = false;
    /// The schedule watches a metric (reduce_on_plateau): stepped per epoch with the validation
    /// loss (training loss without validation).
    bool scheduleWatchesMetric = false;
    /// true: train loss/accuracy of an epoch are evaluated on the whole training set with the
    /// epoch's final parameters (comparable with validation); false: the mean of the epoch's
    /// mini-batch values (Keras' running average; no extra pass, faster).
    bool evaluateTrainSet = true;
    /// Emit an epoch-0 record (metrics of the initial parameters, no effective lr) first.
    bool recordInitialEpoch = true;
};

/// One update.
struct StepRecord {
    long long step = 0;  ///< k, from 1
    long long epoch = 0; ///< from 1
    double lr = 0.0;     ///< the lr update k used
    double loss = 0.0;   ///< the mini-batch loss at the parameters update k started from
};

/// Quantiles of the effective per-parameter learning rate (SPEC §3) over one tensor, with
/// linear interpolation between order statistics (numpy's default).
struct TensorLrQuantiles {
    std::string tensor; ///< "dense1.weight"
    double p05 = std::numeric_limits<double>::quiet_NaN();
    double p50 = std::numeric_limits<double>::quiet_NaN();
    double p95 = std::numeric_limits<double>::quiet_NaN();
};

/// One epoch's end. Accuracies are NaN for regression, validation values NaN without a split.
struct EpochRecord {
    long long epoch = 0; ///< 0: initial parameters (no updates yet)
    long long steps = 0; ///< updates done so far
    double lr = std::numeric_limits<double>::quiet_NaN(); ///< lr of the epoch's last update
    double trainLoss = std::numeric_limits<double>::quiet_NaN();
    double trainAccuracy = std::numeric_limits<double>::quiet_NaN();
    double valLoss = std::numeric_limits<double>::quiet_NaN();
    double valAccuracy = std::numeric_limits<double>::quiet_NaN();
    /// The held-out test set's loss and accuracy: set on the record of the last epoch only (when
    /// the run finishes and the data has a test set), NaN otherwise. Not part of the epoch trace.
    double testLoss = std::numeric_limits<double>::quiet_NaN();
    double testAccuracy = std::numeric_limits<double>::quiet_NaN();
    std::vector<TensorLrQuantiles> effLr; ///< per tensor, in tensors() order (empty at epoch 0)
    bool lrReduced = false;               ///< a plateau schedule lowered the lr after this epoch
    double seconds = 0.0;                 ///< wall time since the run started
};

/// Quantile q ∈ [0, 1] of `values` (sorted in place), linear interpolation; NaN if empty.
double quantileSorted(const float* sorted, Eigen::Index n, double q);

class NetworkTrainer {
public:
    enum class State { Running, Finished, Diverged, Stopped };

    /// `data.train` must be non-empty and match the network (features = inputSize(); outputs =
    /// classes or target columns). `schedule` may be null (constant `lr0`).
    NetworkTrainer(std::unique_ptr<Network<float>> network, std::shared_ptr<const DataSplit> data,
                   std::unique_ptr<UpdateRule<float>> rule, std::unique_ptr<LrSchedule> schedule,
                   double lr0, TrainerOptions options);
    ~NetworkTrainer();
    NetworkTrainer(const NetworkTrainer&) = delete;
    NetworkTrainer& operator=(const NetworkTrainer&) = delete;

    /// Called after every update (from the thread running the trainer).
    std::function<void(const StepRecord&)> onStep;
    /// Called after every epoch (and for epoch 0 if recordInitialEpoch).
    std::function<void(const EpochRecord&)> onEpoch;

    /// One update (the first call also emits epoch 0; the update that completes an epoch also
    /// evaluates it and emits its record). Returns false, doing nothing, once the run is
    /// finished, diverged or stopped — so a GUI worker can advance a large data set in slices.
    bool advance();
    /// Up to `maxSteps` updates; false once the run is over.
    bool runSteps(long long maxSteps);
    /// The rest of the current epoch (a whole epoch when at an epoch boundary); false once the
    /// run is over.
    bool runEpoch();
    /// Run every remaining epoch; returns the final state.
    State run();
    /// Ask the run to stop at the next update (thread-safe).
    void requestStop() { m_stopRequested.store(true, std::memory_order_relaxed); }

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool diverged() const { return m_state == State::Diverged; }
    /// The update whose loss or result was non-finite (0 if not diverged).
    [[nodiscard]] long long divergedAt() const { return m_divergedAt; }
    [[nodiscard]] long long stepsDone() const { return m_step; }
    [[nodiscard]] long long epochsDone() const { return m_epoch; }
    [[nodiscard]] Eigen::Index stepsPerEpoch() const;
    [[nodiscard]] const std::vector<EpochRecord>& history() const { return m_history; }
    [[nodiscard]] double elapsedSeconds() const;

    [[nodiscard]] Network<float>& network() { return *m_network; }
    [[nodiscard]] const Network<float>& network() const { return *m_network; }
    [[nodiscard]] const DataSplit& data() const { return *m_data; }
    [[nodiscard]] const UpdateRule<float>& rule() const { return *m_rule; }
    [[nodiscard]] const LrSchedule* schedule() const { return m_schedule.get(); }
    [[nodiscard]] const TrainerOptions& options() const { return m_options; }

    /// Mean loss and accuracy (NaN for regression) of the current parameters on `data`.
    std::pair<double, double> evaluate(const Dataset& data);

private:
    double currentLr() const;
    double batchLoss(const Dataset& data, const Eigen::Index* rows, Eigen::Index count,
                     bool withGradient, long long* correct);
    EpochRecord makeEpochRecord(double runningLoss, double runningAcc);
    void fillEffLr(EpochRecord& record);
    void emitInitial();
    void finishEpoch();

    std::unique_ptr<Network<float>> m_network;
    std::shared_ptr<const DataSplit> m_data;
    std::unique_ptr<UpdateRule<float>> m_rule;
    std::unique_ptr<LrSchedule> m_schedule;
    double m_lr0 = 0.0;
    double m_lastLr = std::numeric_limits<double>::quiet_NaN();
    TrainerOptions m_options;

    State m_state = State::Running;
    std::atomic<bool> m_stopRequested{false};
    long long m_step = 0;
    long long m_epoch = 0;
    long long m_divergedAt = 0;
    bool m_initialDone = false;
    Eigen::Index m_epochPos = 0; ///< samples of the current epoch done (0: at a boundary)
    double m_epochLoss = 0.0;    ///< Σ batch loss × batch size over the current epoch
    long long m_epochCorrect = 0;
    std::vector<EpochRecord> m_history;
    std::chrono::steady_clock::time_point m_start;

    std::mt19937_64 m_shuffleRng;
    std::vector<Eigen::Index> m_order;
    std::vector<Eigen::Index> m_evalRows;
    Types<float>::Matrix m_batchX; ///< gathered inputs, capacity max(batch, eval chunk) rows
    Types<float>::Matrix m_batchT; ///< gathered regression targets
    Types<float>::Matrix m_dOut;   ///< dL/d(output)
    std::vector<int> m_batchLabels;
    std::vector<float> m_scratch; ///< quantile sorting
};

} // namespace optiscope::nn
