// Update rules: the per-step arithmetic of an optimizer, apart from the loop that drives it and
// from the learning-rate schedule that scales it (the ensmallen split).
//
// An UpdateRule holds its hyper-parameters (fixed at construction, validated beforehand through
// the ParamTable of its catalog entry) and a per-run state (m, v, t, ...) that reset() clears.
// step() applies exactly one update, as PyTorch 1.13's torch.optim does, to a flat parameter
// vector — two numbers for a 2D function, every weight of a network for a model.
#pragma once

#include "core/common/params.h"

#include <Eigen/Core>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace optiscope {

/// One named piece of optimizer state, with PyTorch's state names (`exp_avg`, `exp_avg_sq`,
/// `momentum_buffer`, ...) or a derived quantity of the last step (`m_hat`, `v_hat`, ...).
struct StateTensor {
    std::string name;
    Eigen::VectorXd values;
};
struct StateScalar {
    std::string name;
    double value = 0.0;
};
/// A snapshot of an optimizer's state after its last step, for inspection (the GUI's inspector).
struct OptimizerState {
    std::vector<StateScalar> scalars;
    std::vector<StateTensor> tensors;
    [[nodiscard]] const StateTensor* tensor(const std::string& name) const;
    [[nodiscard]] const StateScalar* scalar(const std::string& name) const;
};

template <typename Scalar> class UpdateRule {
public:
    using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

    virtual ~UpdateRule() = default;

    /// Forget all state (m, v, step count, ...) and prepare for `size` parameters.
    virtual void reset(Eigen::Index size) = 0;

    /// Apply one update in place. `grad` is the raw gradient dL/dθ at `params` (weight decay is
    /// the rule's business); `lr` is the learning rate of this update, i.e. the schedule's value.
    virtual void step(Eigen::Ref<Vector> params, const Eigen::Ref<const Vector>& grad,
                      double lr) = 0;

    /// The effective per-parameter learning rate of the last step (SPEC §3): for Adam
    /// lr_t / (sqrt(v̂_t) + eps), the factor that multiplies m̂_t.
    [[nodiscard]] const Vector& effectiveLr() const {
        refreshDerived();
        return m_effLr;
    }
    /// Number of parameters the state is sized for (0 before the first step or reset()).
    [[nodiscard]] Eigen::Index stateSize() const { return m_effLr.size(); }

    /// State after the last step, with torch's names plus derived quantities.
    [[nodiscard]] virtual OptimizerState state() const = 0;

    /// Number of steps taken since reset().
    [[nodiscard]] long long stepCount() const { return m_step; }

    /// Override the momentum-like coefficient (SGD/RMSprop `momentum`, Adam-family `betas[0]`)
    /// for the next steps, as OneCycleLR/CyclicLR do with `cycle_momentum`. Returns false if the
    /// rule has no such coefficient.
    virtual bool setMomentum(double /*value*/) { return false; }

protected:
    /// Rules that defer what only inspection reads (Adam: m̂, v̂ and the effective lr, computed
    /// from the kept m and v exactly as the step would have) set m_derivedStale in step() and
    /// compute it here; effectiveLr() and their state() call refreshDerived() first.
    virtual void computeDerived() const {}
    void refreshDerived() const {
        if (m_derivedStale) {
            m_derivedStale = false;
            computeDerived();
        }
    }
    mutable Vector m_effLr;
    mutable bool m_derivedStale = false;
    long long m_step = 0;
};

/// A default that depends on another parameter: `param` defaults to `value` when `when` is set to
/// `equals` (Adam's eps is 1e-7 under convention "keras", tf.keras's default).
struct DependentDefault {
    std::string param;
    std::string when;
    std::string equals;
    ParamValue value;
};

/// {field, reason} pairs of a parameter check.
using Problems = std::vector<std::pair<std::string, std::string>>;

/// What the catalog knows of an optimizer type — everything the reader, `list`, the GUI's
/// editors, the inspector and the help index need. Adding an optimizer means its own rule files
/// plus one entry in buildCatalog() (core/optim/update_rule.cpp), or registerOptimizer().
struct OptimizerInfo {
    std::string type;      ///< "adam" — the name in experiment files
    std::string title;     ///< "Adam"
    std::string reference; ///< paper, e.g. "Kingma & Ba, 2015, arXiv:1412.6980"
    /// Which hyper-parameter cycle_momentum moves: "momentum", "betas" or "" (none).
    std::string momentumParam;
    ParamTable params;
    std::vector<DependentDefault> dependentDefaults;
    std::string summary;  ///< one line for the help index ("Adam with decoupled weight decay")
    std::string formula;  ///< the update in one line of plain text (`list`, tooltips, inspector)
    std::string helpPage; ///< its page in resources/help, "optimizer-adam.md"
    /// A moving average it keeps, weighted by a parameter β: it averages over about 1/(1−β)
    /// steps (the inspector says so; a β of 0, as SGD's default momentum, keeps none).
    struct Average {
        std::string symbol; ///< "β1"
        std::string param;  ///< "betas"
        int index = 0;      ///< in a pair ("betas"); 0 for a number
    };
    std::vector<Average> averages;
    std::string averagesNote; ///< said instead, or after (Adagrad: a sum, not an average)
    /// The rule, from a parameter set with every default filled in.
    std::function<std::unique_ptr<UpdateRule<float>>(const ParamSet&)> makeFloat;
    std::function<std::unique_ptr<UpdateRule<double>>(const ParamSet&)> makeDouble;
    /// Checks across parameters (SGD: nesterov needs momentum > 0), on a valid set with the
    /// defaults filled in; appends {field, reason} pairs. Optional.
    std::function<void(const ParamSet&, Problems&)> crossCheck;
};

/// Every optimizer type, in the order the app lists them.
const std::vector<OptimizerInfo>& optimizerCatalog();
/// The catalog entry of `type`, or nullptr.
const OptimizerInfo* findOptimizer(const std::string& type);
/// Adds an optimizer to the catalog (or replaces the one of the same type). Call it before
/// anything reads the catalog (it may move the entries); tests use it to show that everything
/// follows the catalog. Throws std::invalid_argument without a type or rules.
void registerOptimizer(OptimizerInfo info);
/// Removes `type` from the catalog; false if it was not there.
bool unregisterOptimizer(const std::string& type);

/// Applies `type`'s dependent defaults to `params` for the parameters not in `given` (the names an
/// experiment file sets explicitly).
void applyDependentDefaults(const std::string& type, ParamSet& params,
                            const std::vector<std::string>& given);

/// Cross-field checks on top of the per-parameter ParamSpec checks (which this also runs on every
/// value present): unknown parameters, and SGD's `nesterov` needing momentum > 0 and
/// dampening == 0, as torch.optim.SGD requires. Returns {field, reason} pairs; empty when valid.
/// An unknown `type` gives one pair {"type", reason}.
std::vector<std::pair<std::string, std::string>> checkOptimizerParams(const std::string& type,
                                                                      const ParamSet& params);

/// Build a rule from a type and a parameter set already validated against its table (missing
/// values take the table's defaults). Throws std::invalid_argument on an unknown type.
template <typename Scalar>
std::unique_ptr<UpdateRule<Scalar>> makeUpdateRule(const std::string& type, const ParamSet& params);

} // namespace optiscope
