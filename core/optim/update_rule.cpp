#include "core/optim/update_rule.h"

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

ParamSpec real(std::string name, double def, double min, std::string help, double max = 1e300,
               bool maxOpen = false) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Real;
    s.defaultValue = def;
    s.min = min;
    s.max = max;
    s.maxOpen = maxOpen;
    s.help = std::move(help);
    return s;
}

ParamSpec unbounded(std::string name, double def, std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Real;
    s.defaultValue = def;
    s.help = std::move(help);
    return s;
}

ParamSpec flag(std::string name, bool def, std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Bool;
    s.defaultValue = def;
    s.help = std::move(help);
    return s;
}

ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices,
                 std::string help) {
    ParamSpec s;
    s.name = std::move(name);
    s.kind = ParamKind::Choice;
    s.defaultValue = std::move(def);
    s.choices = std::move(choices);
    s.help = std::move(help);
    return s;
}

ParamSpec lr(double def) {
    return real("lr", def, 0.0,
                "learning rate: the step size that scales every update (a schedule may change it)");
}

ParamSpec betas() {
    ParamSpec s;
    s.name = "betas";
    s.kind = ParamKind::RealPair;
    s.defaultValue = std::vector<double>{0.9, 0.999};
    s.min = 0.0;
    s.max = 1.0;
    s.maxOpen = true;
    s.help = "decay rates [beta1, beta2] of the running means of the gradient and of its square; "
             "closer to 1 means a longer memory";
    return s;
}

ParamSpec eps(double def, std::string help) {
    return real("eps", def, 0.0, std::move(help));
}

ParamSpec biasCorrection() {
    return flag("bias_correction", true,
                "divide the moving averages by 1 - beta^t; false uses them raw, as apex's "
                "FusedAdam(bias_correction=False): huge early steps");
}

ParamSpec convention(const std::string& what) {
    return choice("convention", "torch", {"torch", "keras"},
                  "\"torch\": torch.optim's update; \"keras\": " + what +
                      " update (eps on the raw root, default eps 1e-7)");
}

ParamSpec l2(double def = 0.0) {
    return real("weight_decay", def, 0.0,
                "L2 penalty: adds weight_decay * parameter to the gradient, pulling weights to 0");
}

/// One catalog entry (a function, so the entries need not spell out every member).
OptimizerInfo entry(std::string type, std::string title, std::string reference,
                    std::string momentumParam, ParamTable params) {
    OptimizerInfo info;
    info.type = std::move(type);
    info.title = std::move(title);
    info.reference = std::move(reference);
    info.momentumParam = std::move(momentumParam);
    info.params = std::move(params);
    return info;
}

std::vector<OptimizerInfo> buildCatalog() {
    std::vector<OptimizerInfo> c;
    c.push_back(entry(
        "sgd", "SGD (momentum, Nesterov)",
        "Robbins & Monro, 1951, Ann. Math. Statist. 22(3); momentum: Polyak, 1964; Nesterov "
        "form: Sutskever et al., 2013, ICML",
        "momentum",
        {lr(0.01),
         real("momentum", 0.0, 0.0,
              "fraction of the previous step kept in the velocity (0 = plain SGD, 0.9 typical)"),
         unbounded("dampening", 0.0,
                   "scales down the new gradient added to the velocity: buf = momentum*buf + "
                   "(1-dampening)*g (not applied on the first step)"),
         l2(),
         flag("nesterov", false,
              "Nesterov momentum: step along g + momentum*buf, a look-ahead; needs momentum > 0 "
              "and dampening = 0")}));
    c.push_back(entry(
        "adagrad", "Adagrad",
        "Duchi, Hazan & Singer, 2011, JMLR 12, \"Adaptive Subgradient Methods\"", "",
        {lr(0.01),
         real("lr_decay", 0.0, 0.0, "shrinks the lr over steps: lr / (1 + (step-1)*lr_decay)"),
         l2(),
         real("initial_accumulator_value", 0.0, 0.0,
              "start value of the running sum of squared gradients"),
         eps(1e-10, "small number added to sqrt(sum) so the division never divides by zero")}));
    c.push_back(entry(
        "rmsprop", "RMSprop",
        "Hinton, Srivastava & Swersky, 2012, Coursera lecture 6e; centered: Graves, 2013, "
        "arXiv:1308.0850",
        "momentum",
        {lr(0.01),
         real("alpha", 0.99, 0.0,
              "decay of the running mean of squared gradients (Keras calls it rho); closer to 1 "
              "averages over more steps"),
         eps(1e-8, "small number added to sqrt(square_avg) so the division never divides by zero"),
         l2(),
         real("momentum", 0.0, 0.0,
              "fraction of the previous scaled step kept in a velocity buffer (0 = none)"),
         flag("centered", false,
              "divide by an estimate of the gradient's standard deviation instead of its root "
              "mean square")}));
    c.push_back(entry(
        "adadelta", "Adadelta", "Zeiler, 2012, arXiv:1212.5701", "",
        {lr(1.0),
         real("rho", 0.9, 0.0,
              "decay of the running means of squared gradients and squared updates", 1.0),
         eps(1e-6, "small number added inside both square roots; also sets the first steps' size"),
         l2()}));
    c.push_back(entry(
        "adam", "Adam",
        "Kingma & Ba, 2015, ICLR, arXiv:1412.6980; AMSGrad: Reddi et al., 2018, ICLR", "betas",
        {lr(0.001), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"), l2(),
         flag("amsgrad", false,
              "AMSGrad: divide by the largest v seen so far, so the step size never grows back"),
         biasCorrection(), convention("tf.keras's Adam")}));
    c.back().dependentDefaults.push_back({"eps", "convention", "keras", 1e-7});
    c.push_back(entry(
        "adamw", "AdamW", "Loshchilov & Hutter, 2019, ICLR, arXiv:1711.05101", "betas",
        {lr(0.001), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"),
         real("weight_decay", 0.01, 0.0,
              "decoupled weight decay: each step multiplies the weights by 1 - lr*weight_decay"),
         flag("amsgrad", false,
              "AMSGrad: divide by the largest v seen so far, so the step size never grows back"),
         biasCorrection()}));
    c.push_back(
        entry("adamax", "Adamax", "Kingma & Ba, 2015, ICLR, arXiv:1412.6980 (section 7.1)", "betas",
              {lr(0.002), betas(),
               eps(1e-8, "small number added to |g| before the running maximum is taken (keras "
                         "convention: to the maximum, default 1e-7)"),
               l2(), convention("tf.keras's Adamax")}));
    c.back().dependentDefaults.push_back({"eps", "convention", "keras", 1e-7});
    c.push_back(entry(
        "nadam", "NAdam",
        "Dozat, 2016, ICLR workshop, \"Incorporating Nesterov Momentum into Adam\"", "betas",
        {lr(0.002), betas(),
         eps(1e-8, "small number added to sqrt(v_hat) so the division never divides by zero"), l2(),
         real("momentum_decay", 0.004, 0.0,
              "how fast the momentum schedule mu_t = beta1*(1 - 0.5*0.96^(t*momentum_decay)) "
              "warms up"),
         biasCorrection()}));
    c.push_back(
        entry("radam", "RAdam", "Liu et al., 2020, ICLR, arXiv:1908.03265", "betas",
              {lr(0.001), betas(),
               eps(1e-8, "small number added to sqrt(v) so the division never divides by zero"),
               l2(), biasCorrection()}));
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
               real("weight_decay", 0.0, 0.0,
                    "decoupled weight decay: each step multiplies the weights by "
                    "1 - lr*weight_decay")}));
    // QHM and QHAdam: facebookresearch/qhoptim's names; QHM's lr, momentum and nu are required
    // there, the defaults here are its documented recommendation (see qhm_update.h).
    c.push_back(entry(
        "qhm", "QHM (quasi-hyperbolic momentum)",
        "Ma & Yarats, 2019, ICLR, \"Quasi-hyperbolic momentum and Adam for deep learning\", "
        "arXiv:1810.06801",
        "momentum",
        {lr(0.1),
         real("momentum", 0.999, 0.0,
              "beta: decay of the dampened momentum buffer buf = beta*buf + (1-beta)*g"),
         real("nu", 0.7, 0.0,
              "immediate discount: the step is lr*((1-nu)*g + nu*buf); 0 = plain SGD, 1 = "
              "momentum only",
              1.0),
         l2(),
         choice("weight_decay_type", "grad", {"grad", "direct"},
                "\"grad\": add weight_decay*p to the gradient (as SGD); \"direct\": multiply the "
                "weights by 1 - lr*weight_decay")}));
    ParamSpec nus = betas();
    nus.name = "nus";
    nus.defaultValue = std::vector<double>{1.0, 1.0};
    nus.maxOpen = false;
    nus.help = "immediate discounts [nu1, nu2]: the step uses nu*average + (1-nu)*current for the "
               "gradient and its square; [1, 1] is Adam";
    c.push_back(
        entry("qhadam", "QHAdam (quasi-hyperbolic Adam)",
              "Ma & Yarats, 2019, ICLR, \"Quasi-hyperbolic momentum and Adam for deep learning\", "
              "arXiv:1810.06801",
              "betas",
              {lr(0.001), betas(), nus,
               real("weight_decay", 0.0, 0.0,
                    "weight decay: added to the gradient as weight_decay*p, or with "
                    "decouple_weight_decay a shrink of the weights by 1 - lr*weight_decay"),
               flag("decouple_weight_decay", false,
                    "apply weight_decay as AdamW does (shrink the weights) instead of as L2"),
               eps(1e-8, "small number added to the root of the squared-gradient average"),
               biasCorrection()}));
    c.push_back(entry(
        "adabelief", "AdaBelief",
        "Zhuang et al., 2020, NeurIPS, \"AdaBelief Optimizer: Adapting Stepsizes by the Belief "
        "in Observed Gradients\", arXiv:2010.07468",
        "betas",
        {lr(0.001), betas(),
         eps(1e-16, "added to the belief s each step and to its root; AdaBelief's eps is about "
                    "Adam's squared (1e-16 here is like Adam's 1e-8)"),
         real("weight_decay", 0.0, 0.0,
              "weight decay: with weight_decouple the weights shrink by 1 - lr*weight_decay "
              "each step, else weight_decay*p is added to the gradient"),
         flag("amsgrad", false, "divide by the largest belief s seen so far"),
         flag("weight_decouple", true,
              "decoupled weight decay as AdamW (the authors' default since 0.1.0)"),
         flag("fixed_decay", false,
              "with weight_decouple: shrink by 1 - weight_decay, independent of lr"),
         flag("rectify", true,
              "RAdam's rectification: SGD-like first steps, then a variance-corrected step"),
         flag("degenerated_to_sgd", true,
              "with rectify: take SGD steps while the variance estimate is unreliable (else "
              "no step at all)"),
         biasCorrection()}));
    c.push_back(entry(
        "yogi", "Yogi",
        "Zaheer, Reddi, Sachan, Kale & Kumar, 2018, NeurIPS, \"Adaptive Methods for Nonconvex "
        "Optimization\"",
        "betas",
        {lr(0.01), betas(),
         eps(1e-3, "added to sqrt(v_hat); Yogi's default is large (1e-3), which caps the step"),
         real("initial_accumulator", 1e-6, 0.0,
              "start value of both moving averages m and v (pytorch-optimizer's default 1e-6)"),
         l2()}));
    return c;
}

} // namespace

const std::vector<OptimizerInfo>& optimizerCatalog() {
    static const std::vector<OptimizerInfo> catalog = buildCatalog();
    return catalog;
}

const OptimizerInfo* findOptimizer(const std::string& type) {
    for (const auto& info : optimizerCatalog())
        if (info.type == type)
            return &info;
    return nullptr;
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
    const auto* nesterov =
        params.has("nesterov") ? std::get_if<bool>(&params.get("nesterov")) : nullptr;
    if (type == "sgd" && nesterov && *nesterov) {
        // Defaults (momentum 0, dampening 0) apply to absent values; ill-typed ones were
        // reported above.
        const auto realOr = [&params](const char* name) {
            const auto* d = params.has(name) ? std::get_if<double>(&params.get(name)) : nullptr;
            return d ? *d : 0.0;
        };
        if (!(realOr("momentum") > 0.0))
            problems.emplace_back("nesterov", "Nesterov momentum requires momentum > 0");
        if (realOr("dampening") != 0.0)
            problems.emplace_back("nesterov", "Nesterov momentum requires dampening = 0");
    }
    return problems;
}

namespace {

/// The value of `name`, or the table default of `type`.
struct Values {
    const ParamSet& set;
    const ParamTable& table;
    const ParamValue& get(const std::string& name) const {
        if (set.has(name))
            return set.get(name);
        const ParamSpec* spec = findParam(table, name);
        if (!spec || !spec->defaultValue)
            throw std::invalid_argument("optimizer parameter '" + name + "' has no value");
        return *spec->defaultValue;
    }
    double real(const std::string& name) const { return std::get<double>(get(name)); }
    bool flag(const std::string& name) const { return std::get<bool>(get(name)); }
    double beta(int i) const { return pair("betas", i); }
    double pair(const std::string& name, int i) const {
        return std::get<std::vector<double>>(get(name)).at(i);
    }
    const std::string& choice(const std::string& name) const {
        return std::get<std::string>(get(name));
    }
    bool keras() const { return findParam(table, "convention") && choice("convention") == "keras"; }
};

} // namespace

template <typename Scalar>
std::unique_ptr<UpdateRule<Scalar>> makeUpdateRule(const std::string& type,
                                                   const ParamSet& params) {
    const OptimizerInfo* info = findOptimizer(type);
    if (!info)
        throw std::invalid_argument("unknown optimizer type \"" + type + "\"");
    const Values v{params, info->params};
    if (type == "sgd")
        return std::make_unique<SgdUpdate<Scalar>>(typename SgdUpdate<Scalar>::Hyper{
            v.real("momentum"), v.real("dampening"), v.real("weight_decay"), v.flag("nesterov")});
    if (type == "adagrad")
        return std::make_unique<AdagradUpdate<Scalar>>(typename AdagradUpdate<Scalar>::Hyper{
            v.real("lr_decay"), v.real("weight_decay"), v.real("initial_accumulator_value"),
            v.real("eps")});
    if (type == "rmsprop")
        return std::make_unique<RmspropUpdate<Scalar>>(typename RmspropUpdate<Scalar>::Hyper{
            v.real("alpha"), v.real("eps"), v.real("weight_decay"), v.real("momentum"),
            v.flag("centered")});
    if (type == "adadelta")
        return std::make_unique<AdadeltaUpdate<Scalar>>(typename AdadeltaUpdate<Scalar>::Hyper{
            v.real("rho"), v.real("eps"), v.real("weight_decay")});
    if (type == "adam" || type == "adamw")
        return std::make_unique<AdamUpdate<Scalar>>(typename AdamUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.real("eps"), v.real("weight_decay"), v.flag("amsgrad"),
            type == "adamw", v.flag("bias_correction"), v.keras()});
    if (type == "adamax")
        return std::make_unique<AdamaxUpdate<Scalar>>(typename AdamaxUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.real("eps"), v.real("weight_decay"), v.keras()});
    if (type == "nadam")
        return std::make_unique<NadamUpdate<Scalar>>(typename NadamUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.real("eps"), v.real("weight_decay"), v.real("momentum_decay"),
            v.flag("bias_correction")});
    if (type == "radam")
        return std::make_unique<RadamUpdate<Scalar>>(
            typename RadamUpdate<Scalar>::Hyper{v.beta(0), v.beta(1), v.real("eps"),
                                                v.real("weight_decay"), v.flag("bias_correction")});
    if (type == "lion")
        return std::make_unique<LionUpdate<Scalar>>(
            typename LionUpdate<Scalar>::Hyper{v.beta(0), v.beta(1), v.real("weight_decay")});
    if (type == "qhm")
        return std::make_unique<QhmUpdate<Scalar>>(typename QhmUpdate<Scalar>::Hyper{
            v.real("momentum"), v.real("nu"), v.real("weight_decay"),
            v.choice("weight_decay_type") == "direct"});
    if (type == "qhadam")
        return std::make_unique<QhadamUpdate<Scalar>>(typename QhadamUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.pair("nus", 0), v.pair("nus", 1), v.real("weight_decay"),
            v.flag("decouple_weight_decay"), v.real("eps"), v.flag("bias_correction")});
    if (type == "adabelief")
        return std::make_unique<AdabeliefUpdate<Scalar>>(typename AdabeliefUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.real("eps"), v.real("weight_decay"), v.flag("amsgrad"),
            v.flag("weight_decouple"), v.flag("fixed_decay"), v.flag("rectify"),
            v.flag("degenerated_to_sgd"), v.flag("bias_correction")});
    if (type == "yogi")
        return std::make_unique<YogiUpdate<Scalar>>(typename YogiUpdate<Scalar>::Hyper{
            v.beta(0), v.beta(1), v.real("eps"), v.real("initial_accumulator"),
            v.real("weight_decay")});
    throw std::invalid_argument("optimizer type \"" + type + "\" has no update rule");
}

template std::unique_ptr<UpdateRule<float>> makeUpdateRule<float>(const std::string&,
                                                                  const ParamSet&);
template std::unique_ptr<UpdateRule<double>> makeUpdateRule<double>(const std::string&,
                                                                    const ParamSet&);

} // namespace optiscope
