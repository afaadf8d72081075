#include "core/optim/update_rule.h"

#include "core/common/catalog.h"
#include "core/optim/adabelief_update.h"
#include "core/optim/adadelta_update.h"
#include "core/optim/adagrad_update.h"
#include "core/optim/adam_update.h"
#include "core/optim/adamax_update.h"
#include "core/optim/lion_update.h"
#include "core/optim/nadam_update.h"
#include "core/optim/qhadam_update.h"
#include "core/optim/qhm_update.h"
#include "core/optim/radam_update.h"
#include "core/optim/rmsprop_update.h"
#include "core/optim/sgd_update.h"
#include "core/optim/yogi_update.h"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

namespace optiscope {

const StateTensor* OptimizerState::tensor(const std::string& name) const {
    for (const auto& t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

const StateScalar* OptimizerState::scalar(const std::string& name) const {
    for (const auto& s : scalars)
        if (s.name == name)
            return &s;
    return nullptr;
}

namespace {

// Ranges are those torch.optim validates in its constructors (lr >= 0, eps >= 0, each beta in
// [0, 1), momentum >= 0, rho in [0, 1], alpha >= 0, weight_decay >= 0, ...).

ParamSpec lr(double def) {
    return ParamSpec::real("lr", def).atLeast(0.0).about(
        "learning rate: the step size that scales every update (a schedule may change it)");
}

ParamSpec betas() {
    return ParamSpec::pair("betas", {0.9, 0.999})
        .atLeast(0.0)
        .below(1.0)
        .about("decay rates [beta1, beta2] of the running means of the gradient and of its square; "
               "closer to 1 means a longer memory");
}

ParamSpec eps(double def, std::string help) {
    return ParamSpec::real("eps", def).atLeast(0.0).about(std::move(help));
}

ParamSpec biasCorrection() {
    return ParamSpec::flag("bias_correction", true)
        .about("divide the moving averages by 1 - beta^t; false uses them raw, as apex's "
               "FusedAdam(bias_correction=False): huge early steps");
}

ParamSpec convention(const std::string& what) {
    return ParamSpec::choice("convention", "torch", {"torch", "keras"})
        .about("\"torch\": torch.optim's update; \"keras\": " + what +
               " update (eps on the raw root, default eps 1e-7)");
}

ParamSpec l2(double def = 0.0) {
    return ParamSpec::real("weight_decay", def)
        .atLeast(0.0)
        .about("L2 penalty: adds weight_decay * parameter to the gradient, pulling weights to 0");
}

/// One catalog entry (a function, so the entries need not spell out every member); its help
/// page is optimizer-<type>.md.
OptimizerInfo entry(std::string type, std::string title, std::string reference,
                    std::string momentumParam, ParamTable params) {
    OptimizerInfo info;
    info.helpPage = "optimizer-" + type + ".md";
    info.type = std::move(type);
    info.title = std::move(title);
    info.reference = std::move(reference);
    info.momentumParam = std::move(momentumParam);
    info.params = std::move(params);
    return info;
}

/// The moving averages the inspector explains ("β1 = 0.9 averages over ≈ 10 steps").
void averages(OptimizerInfo& info, std::vector<OptimizerInfo::Average> averages,
              std::string note = {}) {
    info.averages = std::move(averages);
    info.averagesNote = std::move(note);
}

void describe(OptimizerInfo& info, std::string summary, std::string formula) {
    info.summary = std::move(summary);
    info.formula = std::move(formula);
}

double beta(const ParamSet& p, std::size_t i) {
    return p.list("betas").at(i);
}

/// The float and double factories of `Rule`: `fill(params, hyper)` copies the validated values
/// (defaults filled in) into a Rule<Scalar>::Hyper.
template <template <typename> class Rule, typename Fill>
void setRule(OptimizerInfo& info, Fill fill) {
    info.makeFloat = [fill](const ParamSet& p) -> std::unique_ptr<UpdateRule<float>> {
        typename Rule<float>::Hyper h;
        fill(p, h);
        return std::make_unique<Rule<float>>(h);
    };
    info.makeDouble = [fill](const ParamSet& p) -> std::unique_ptr<UpdateRule<double>> {
        typename Rule<double>::Hyper h;
        fill(p, h);
        return std::make_unique<Rule<double>>(h);
    };
}

std::vector<OptimizerInfo> buildCatalog() {
    std::vector<OptimizerInfo> c;
    c.push_back(entry(
        "sgd", "SGD (momentum, Nesterov)",
        "Robbins & Monro, 1951, Ann. Math. Statist. 22(3); momentum: Polyak, 1964; Nesterov "
        "form: Sutskever et al., 2013, ICML",
        "momentum",
        {lr(0.01),
         ParamSpec::real("momentum", 0.0)
             .atLeast(0.0)
             .about(
                 "fraction of the previous step kept in the velocity (0 = plain SGD, 0.9 typical)"),
         ParamSpec::real("dampening", 0.0)
             .about("scales down the new gradient added to the velocity: buf = momentum*buf + "
                    "(1-dampening)*g (not applied on the first step)"),
         l2(),
         ParamSpec::flag("nesterov", false)
             .about(
                 "Nesterov momentum: step along g + momentum*buf, a look-ahead; needs momentum > 0 "
                 "and dampening = 0")}));
    averages(c.back(), {{"μ", "momentum", 0}});
    describe(c.back(), "one step size for all parameters; momentum accumulates a velocity",
             "buf = momentum*buf + (1-dampening)*g;  theta -= lr*buf  (Nesterov: lr*(g + "
             "momentum*buf))");
    c.back().crossCheck = [](const ParamSet& p, Problems& problems) {
        // torch.optim.SGD: Nesterov momentum needs momentum > 0 and no dampening.
        if (!p.flag("nesterov"))
            return;
        if (!(p.real("momentum") > 0.0))
            problems.emplace_back("nesterov", "Nesterov momentum requires momentum > 0");
        if (p.real("dampening") != 0.0)
            problems.emplace_back("nesterov", "Nesterov momentum requires dampening = 0");
    };
    setRule<SgdUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {p.real("momentum"), p.real("dampening"), p.real("weight_decay"), p.flag("nesterov")};
    });
    c.push_back(entry(
        "adagrad", "Adagrad",
        "Duchi, Hazan & Singer, 2011, JMLR 12, \"Adaptive Subgradient Methods\"", "",
        {lr(0.01),
         ParamSpec::real("lr_decay", 0.0)
             .atLeast(0.0)
             .about("shrinks the lr over steps: lr / (1 + (step-1)*lr_decay)"),
         l2(),
         ParamSpec::real("initial_accumulator_value", 0.0)
             .atLeast(0.0)
             .about("start value of the running sum of squared gradients"),
         eps(1e-10, "small number added to sqrt(sum) so the division never divides by zero")}));
    averages(c.back(), {}, "Adagrad sums every g² since the start: its effective lr only falls.");
    describe(c.back(), "divides by the root of the sum of all past squared gradients",
             "sum += g^2;  theta -= lr/(1+(t-1)*lr_decay) * g/(sqrt(sum)+eps)");
    setRule<AdagradUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {p.real("lr_decay"), p.real("weight_decay"), p.real("initial_accumulator_value"),
             p.real("eps")};
    });
    c.push_back(entry(
        "rmsprop", "RMSprop",
        "Hinton, Srivastava & Swersky, 2012, Coursera lecture 6e; centered: Graves, 2013, "
        "arXiv:1308.0850",
        "momentum",
        {lr(0.01),
         ParamSpec::real("alpha", 0.99)
             .atLeast(0.0)
             .about(
                 "decay of the running mean of squared gradients (Keras calls it rho); closer to 1 "
                 "averages over more steps"),
         eps(1e-8, "small number added to sqrt(square_avg) so the division never divides by zero"),
         l2(),
         ParamSpec::real("momentum", 0.0)
             .atLeast(0.0)
             .about("fraction of the previous scaled step kept in a velocity buffer (0 = none)"),
         ParamSpec::flag("centered", false)
             .about(
                 "divide by an estimate of the gradient's standard deviation instead of its root "
                 "mean square")}));
    averages(c.back(), {{"α", "alpha", 0}});
    describe(c.back(), "divides by the root of a moving average of squared gradients",
             "s = alpha*s + (1-alpha)*g^2;  theta -= lr * g/(sqrt(s)+eps)");
    setRule<RmspropUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {p.real("alpha"), p.real("eps"), p.real("weight_decay"), p.real("momentum"),
             p.flag("centered")};
    });
    c.push_back(entry(
        "adadelta", "Adadelta", "Zeiler, 2012, arXiv:1212.5701", "",
        {lr(1.0),
         ParamSpec::real("rho", 0.9)
             .atLeast(0.0)
             .atMost(1.0)
             .about("decay of the running means of squared gradients and squared updates"),
         eps(1e-6, "small number added inside both square roots; also sets the first steps' size"),
         l2()}));
    averages(c.back(), {{"ρ", "rho", 0}});
    describe(c.back(), "RMSprop times the RMS of past updates",
             "s = rho*s + (1-rho)*g^2;  d = sqrt(acc+eps)/sqrt(s+eps)*g;  acc = rho*acc + "
             "(1-rho)*d^2;  theta -= lr*d");
    setRule<AdadeltaUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {p.real("rho"), p.real("eps"), p.real("weight_decay")};
    });
    c.push_back(entry(
        "adam", "Adam",
        "Kingma & Ba, 2015, ICLR, arXiv:1412.6980; AMSGrad: Reddi et al., 2018, ICLR", "betas",
        {lr(0.001), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"), l2(),
         ParamSpec::flag("amsgrad", false)
             .about(
                 "AMSGrad: divide by the largest v seen so far, so the step size never grows back"),
         biasCorrection(), convention("tf.keras's Adam")}));
    c.back().dependentDefaults.push_back({"eps", "convention", "keras", 1e-7});
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(), "moving averages of g and g², bias-corrected — **start here**",
             "m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  theta -= lr * m_hat/(sqrt(v_hat)+eps)");
    setRule<AdamUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0),
             beta(p, 1),
             p.real("eps"),
             p.real("weight_decay"),
             p.flag("amsgrad"),
             false,
             p.flag("bias_correction"),
             p.choice("convention") == "keras"};
    });
    c.push_back(entry(
        "adamw", "AdamW", "Loshchilov & Hutter, 2019, ICLR, arXiv:1711.05101", "betas",
        {lr(0.001), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"),
         ParamSpec::real("weight_decay", 0.01)
             .atLeast(0.0)
             .about(
                 "decoupled weight decay: each step multiplies the weights by 1 - lr*weight_decay"),
         ParamSpec::flag("amsgrad", false)
             .about(
                 "AMSGrad: divide by the largest v seen so far, so the step size never grows back"),
         biasCorrection()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(), "Adam with decoupled weight decay",
             "theta *= 1 - lr*weight_decay;  then Adam");
    setRule<AdamUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0),
             beta(p, 1),
             p.real("eps"),
             p.real("weight_decay"),
             p.flag("amsgrad"),
             true,
             p.flag("bias_correction"),
             false};
    });
    c.push_back(
        entry("adamax", "Adamax", "Kingma & Ba, 2015, ICLR, arXiv:1412.6980 (section 7.1)", "betas",
              {lr(0.002), betas(),
               eps(1e-8, "small number added to |g| before the running maximum is taken (keras "
                         "convention: to the maximum, default 1e-7)"),
               l2(), convention("tf.keras's Adamax")}));
    c.back().dependentDefaults.push_back({"eps", "convention", "keras", 1e-7});
    averages(c.back(), {{"β1", "betas", 0}});
    describe(c.back(), "Adam with a running maximum instead of an RMS",
             "m = b1*m + (1-b1)*g;  u = max(b2*u, |g|+eps);  theta -= lr/(1-b1^t) * m/u");
    setRule<AdamaxUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0), beta(p, 1), p.real("eps"), p.real("weight_decay"),
             p.choice("convention") == "keras"};
    });
    c.push_back(entry(
        "nadam", "NAdam",
        "Dozat, 2016, ICLR workshop, \"Incorporating Nesterov Momentum into Adam\"", "betas",
        {lr(0.002), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"), l2(),
         ParamSpec::real("momentum_decay", 0.004)
             .atLeast(0.0)
             .about("how fast the momentum schedule mu_t = beta1*(1 - 0.5*0.96^(t*momentum_decay)) "
                    "warms up"),
         biasCorrection()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(), "Adam with Nesterov momentum",
             "Adam with m_hat = mu_(t+1)*m/(1-prod mu_1..t+1) + (1-mu_t)*g/(1-prod mu_1..t)");
    setRule<NadamUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0),
             beta(p, 1),
             p.real("eps"),
             p.real("weight_decay"),
             p.real("momentum_decay"),
             p.flag("bias_correction")};
    });
    c.push_back(
        entry("radam", "RAdam", "Liu et al., 2020, ICLR, arXiv:1908.03265", "betas",
              {lr(0.001), betas(),
               eps(1e-8, "small number added to sqrt(v) so the division never divides by zero"),
               l2(), biasCorrection()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(
        c.back(), "Adam with a rectified adaptive rate for the first steps",
        "rho_t <= 5: theta -= lr*m_hat;  else theta -= lr*r_t*m_hat*sqrt(1-b2^t)/(sqrt(v)+eps)");
    setRule<RadamUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0), beta(p, 1), p.real("eps"), p.real("weight_decay"),
             p.flag("bias_correction")};
    });
    // Beyond torch.optim 1.13 (names and defaults of the authors' reference code).
    ParamSpec lionBetas = betas();
    lionBetas.defaultValue = std::vector<double>{0.9, 0.99};
    lionBetas.help = "[beta1, beta2]: beta1 weighs the old momentum in this step's direction, "
                     "beta2 is the decay of the momentum carried to the next step";
    c.push_back(
        entry("lion", "Lion",
              "Chen et al., 2023, NeurIPS, \"Symbolic Discovery of Optimization Algorithms\", "
              "arXiv:2302.06675",
              "betas",
              {lr(1e-4), lionBetas,
               ParamSpec::real("weight_decay", 0.0)
                   .atLeast(0.0)
                   .about("decoupled weight decay: each step multiplies the weights by "
                          "1 - lr*weight_decay")}));
    describe(c.back(), "one momentum, steps along its sign: every coordinate moves by exactly lr",
             "theta -= lr*sign(b1*m + (1-b1)*g);  m = b2*m + (1-b2)*g");
    setRule<LionUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0), beta(p, 1), p.real("weight_decay")};
    });
    // QHM and QHAdam: facebookresearch/qhoptim's names; QHM's lr, momentum and nu are required
    // there, the defaults here are its documented recommendation (see qhm_update.h).
    c.push_back(entry(
        "qhm", "QHM (quasi-hyperbolic momentum)",
        "Ma & Yarats, 2019, ICLR, \"Quasi-hyperbolic momentum and Adam for deep learning\", "
        "arXiv:1810.06801",
        "momentum",
        {lr(0.1),
         ParamSpec::real("momentum", 0.999)
             .atLeast(0.0)
             .about("beta: decay of the dampened momentum buffer buf = beta*buf + (1-beta)*g"),
         ParamSpec::real("nu", 0.7).atLeast(0.0).atMost(1.0).about(
             "immediate discount: the step is lr*((1-nu)*g + nu*buf); 0 = plain SGD, 1 = "
             "momentum only"),
         l2(),
         ParamSpec::choice("weight_decay_type", "grad", {"grad", "direct"})
             .about(
                 "\"grad\": add weight_decay*p to the gradient (as SGD); \"direct\": multiply the "
                 "weights by 1 - lr*weight_decay")}));
    averages(c.back(), {{"μ", "momentum", 0}});
    describe(c.back(),
             "a ν-weighted average of the gradient and a momentum buffer: between SGD and momentum",
             "buf = momentum*buf + (1-momentum)*g;  theta -= lr*((1-nu)*g + nu*buf)");
    setRule<QhmUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {p.real("momentum"), p.real("nu"), p.real("weight_decay"),
             p.choice("weight_decay_type") == "direct"};
    });
    const ParamSpec nus =
        ParamSpec::pair("nus", {1.0, 1.0})
            .atLeast(0.0)
            .atMost(1.0)
            .about("immediate discounts [nu1, nu2]: the step uses nu*average + (1-nu)*current for "
                   "the gradient and its square; [1, 1] is Adam");
    c.push_back(
        entry("qhadam", "QHAdam (quasi-hyperbolic Adam)",
              "Ma & Yarats, 2019, ICLR, \"Quasi-hyperbolic momentum and Adam for deep learning\", "
              "arXiv:1810.06801",
              "betas",
              {lr(0.001), betas(), nus,
               ParamSpec::real("weight_decay", 0.0)
                   .atLeast(0.0)
                   .about("weight decay: added to the gradient as weight_decay*p, or with "
                          "decouple_weight_decay a shrink of the weights by 1 - lr*weight_decay"),
               ParamSpec::flag("decouple_weight_decay", false)
                   .about("apply weight_decay as AdamW does (shrink the weights) instead of as L2"),
               eps(1e-8, "small number added to the root of the squared-gradient average"),
               biasCorrection()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(), "QHM's averaging applied to both of Adam's moving averages",
             "theta -= lr * (nu1*m_hat + (1-nu1)*g) / (sqrt(nu2*v_hat + (1-nu2)*g^2) + eps)");
    setRule<QhadamUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0),
             beta(p, 1),
             p.list("nus").at(0),
             p.list("nus").at(1),
             p.real("weight_decay"),
             p.flag("decouple_weight_decay"),
             p.real("eps"),
             p.flag("bias_correction")};
    });
    c.push_back(entry(
        "adabelief", "AdaBelief",
        "Zhuang et al., 2020, NeurIPS, \"AdaBelief Optimizer: Adapting Stepsizes by the Belief "
        "in Observed Gradients\", arXiv:2010.07468",
        "betas",
        {lr(0.001), betas(),
         eps(1e-16, "added to the belief s each step and to its root; AdaBelief's eps is about "
                    "Adam's squared (1e-16 here is like Adam's 1e-8)"),
         ParamSpec::real("weight_decay", 0.0)
             .atLeast(0.0)
             .about("weight decay: with weight_decouple the weights shrink by 1 - lr*weight_decay "
                    "each step, else weight_decay*p is added to the gradient"),
         ParamSpec::flag("amsgrad", false).about("divide by the largest belief s seen so far"),
         ParamSpec::flag("weight_decouple", true)
             .about("decoupled weight decay as AdamW (the authors' default since 0.1.0)"),
         ParamSpec::flag("fixed_decay", false)
             .about("with weight_decouple: shrink by 1 - weight_decay, independent of lr"),
         ParamSpec::flag("rectify", true)
             .about("RAdam's rectification: SGD-like first steps, then a variance-corrected step"),
         ParamSpec::flag("degenerated_to_sgd", true)
             .about("with rectify: take SGD steps while the variance estimate is unreliable (else "
                    "no step at all)"),
         biasCorrection()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(),
             "Adam dividing by the spread of g around m (the \"belief\") instead of by g²",
             "s = b2*s + (1-b2)*(g-m)^2 + eps;  theta -= lr * m_hat/(sqrt(s_hat)+eps)  (rectified "
             "like RAdam)");
    setRule<AdabeliefUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0),
             beta(p, 1),
             p.real("eps"),
             p.real("weight_decay"),
             p.flag("amsgrad"),
             p.flag("weight_decouple"),
             p.flag("fixed_decay"),
             p.flag("rectify"),
             p.flag("degenerated_to_sgd"),
             p.flag("bias_correction")};
    });
    c.push_back(entry(
        "yogi", "Yogi",
        "Zaheer, Reddi, Sachan, Kale & Kumar, 2018, NeurIPS, \"Adaptive Methods for Nonconvex "
        "Optimization\"",
        "betas",
        {lr(0.01), betas(),
         eps(1e-3, "added to sqrt(v_hat); Yogi's default is large (1e-3), which caps the step"),
         ParamSpec::real("initial_accumulator", 1e-6)
             .atLeast(0.0)
             .about(
                 "start value of both moving averages m and v (pytorch-optimizer's default 1e-6)"),
         l2()}));
    averages(c.back(), {{"β1", "betas", 0}, {"β2", "betas", 1}});
    describe(c.back(), "Adam whose v changes additively, by at most (1 − β2)·g² per step",
             "v -= (1-b2)*sign(v - g^2)*g^2;  theta -= lr * m_hat/(sqrt(v_hat)+eps)");
    setRule<YogiUpdate>(c.back(), [](const ParamSet& p, auto& h) {
        h = {beta(p, 0), beta(p, 1), p.real("eps"), p.real("initial_accumulator"),
             p.real("weight_decay")};
    });
    return c;
}

} // namespace

namespace {
std::vector<OptimizerInfo>& registry() {
    static std::vector<OptimizerInfo> catalog = buildCatalog();
    return catalog;
}
} // namespace

const std::vector<OptimizerInfo>& optimizerCatalog() {
    return registry();
}

const OptimizerInfo* findOptimizer(const std::string& type) {
    return findByType(registry(), type);
}

void registerOptimizer(OptimizerInfo info) {
    if (info.type.empty() || !info.makeFloat || !info.makeDouble)
        throw std::invalid_argument("registerOptimizer: an optimizer needs a type and its rules");
    if (info.helpPage.empty())
        info.helpPage = "optimizer-" + info.type + ".md";
    upsertByType(registry(), std::move(info));
}

bool unregisterOptimizer(const std::string& type) {
    return eraseByType(registry(), type);
}

void applyDependentDefaults(const std::string& type, ParamSet& params,
                            const std::vector<std::string>& given) {
    const OptimizerInfo* info = findOptimizer(type);
    if (!info)
        return;
    for (const auto& d : info->dependentDefaults) {
        if (std::find(given.begin(), given.end(), d.param) != given.end() || !params.has(d.when))
            continue;
        const auto* value = std::get_if<std::string>(&params.get(d.when));
        if (value && *value == d.equals)
            params.set(d.param, d.value);
    }
}

std::vector<std::pair<std::string, std::string>> checkOptimizerParams(const std::string& type,
                                                                      const ParamSet& params) {
    std::vector<std::pair<std::string, std::string>> problems;
    const OptimizerInfo* info = findOptimizer(type);
    if (!info) {
        problems.emplace_back("type", "unknown optimizer \"" + type + "\"");
        return problems;
    }
    for (const auto& [name, value] : params.values()) {
        const ParamSpec* spec = findParam(info->params, name);
        if (!spec)
            problems.emplace_back(name, "is not a parameter of " + type);
        else if (auto why = spec->check(value))
            problems.emplace_back(name, *why);
    }
    if (info->crossCheck && problems.empty()) {
        // Cross-field checks see the defaults of absent values.
        ParamSet full = ParamSet::defaults(info->params);
        for (const auto& [name, value] : params.values())
            full.set(name, value);
        info->crossCheck(full, problems);
    }
    return problems;
}

template <typename Scalar>
std::unique_ptr<UpdateRule<Scalar>> makeUpdateRule(const std::string& type,
                                                   const ParamSet& params) {
    const OptimizerInfo* info = findOptimizer(type);
    if (!info)
        throw std::invalid_argument("unknown optimizer type \"" + type + "\"");
    // Missing values take the table's defaults.
    ParamSet full = ParamSet::defaults(info->params);
    for (const auto& [name, value] : params.values())
        full.set(name, value);
    for (const auto& spec : info->params)
        if (!full.has(spec.name) && !spec.optional)
            throw std::invalid_argument("optimizer parameter '" + spec.name + "' has no value");
    if constexpr (std::is_same_v<Scalar, float>)
        return info->makeFloat(full);
    else
        return info->makeDouble(full);
}

template std::unique_ptr<UpdateRule<float>> makeUpdateRule<float>(const std::string&,
                                                                  const ParamSet&);
template std::unique_ptr<UpdateRule<double>> makeUpdateRule<double>(const std::string&,
                                                                    const ParamSet&);

} // namespace optiscope
