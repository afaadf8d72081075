#include "ui/function/update_formula.h"

#include <cmath>
#include <limits>
#include <map>
#include <string>

namespace optiscope {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

QString num(double v) {
    if (std::isnan(v))
        return QStringLiteral("—");
    return QString::number(v, 'g', 4);
}

double param(const OptimizerConfig& o, const char* name, double fallback = NaN) {
    if (!o.params.has(name))
        return fallback;
    const ParamValue& v = o.params.get(name);
    if (const auto* d = std::get_if<double>(&v))
        return *d;
    if (const auto* b = std::get_if<bool>(&v))
        return *b ? 1 : 0;
    return fallback;
}

double beta(const OptimizerConfig& o, int i) {
    if (!o.params.has("betas"))
        return NaN;
    const auto& l = o.params.list("betas");
    return i < int(l.size()) ? l[size_t(i)] : NaN;
}

struct Ctx {
    const OptimizerConfig& o;
    OptimizerState state;
    const RunSample& s;
    const RunSample* prev;
    double t;

    double tensor(const char* name, int c) const {
        const StateTensor* st = state.tensor(name);
        return st && c < st->values.size() ? st->values[c] : NaN;
    }
    double scalar(const char* name) const {
        const StateScalar* st = state.scalar(name);
        return st ? st->value : NaN;
    }
    double grad(int c) const { // the gradient update k used
        if (!prev || prev->step != s.step - 1)
            return NaN;
        return c == 0 ? prev->gradX : prev->gradY;
    }
    double theta(int c) const { return c == 0 ? s.x : s.y; }
    double delta(int c) const {
        if (!prev || prev->step != s.step - 1)
            return NaN;
        return c == 0 ? s.x - prev->x : s.y - prev->y;
    }
    double eff(int c) const { return c == 0 ? s.effLrX : s.effLrY; }
    bool adamFamily() const { return isAdamFamily(o.type); }
    double m(int c) const { return tensor("exp_avg", c); }
    double v(int c) const {
        if (param(o, "amsgrad", 0) > 0.5) {
            const double mx = tensor("max_exp_avg_sq", c);
            if (!std::isnan(mx))
                return mx;
        }
        return tensor("exp_avg_sq", c);
    }
    bool corrected() const { return param(o, "bias_correction", 1) > 0.5; }
    bool keras() const {
        return o.params.has("convention") &&
               std::get_if<std::string>(&o.params.get("convention")) &&
               o.params.choice("convention") == "keras";
    }
    double bc1() const { return corrected() ? 1 - std::pow(beta(o, 0), t) : 1.0; }
    double bc2() const { return corrected() ? 1 - std::pow(beta(o, 1), t) : 1.0; }
    double mhat(int c) const {
        const double direct = tensor("m_hat", c);
        return std::isnan(direct) ? m(c) / bc1() : direct;
    }
    double vhat(int c) const {
        const double direct = tensor("v_hat", c);
        return std::isnan(direct) ? v(c) / bc2() : direct;
    }
};

QString sub(const QString& s) {
    return QStringLiteral("<sub>%1</sub>").arg(s);
}

constexpr const char* axis[2] = {"x", "y"};

/// What a formula writer fills in: the symbolic rule (f.symbolic) and this step's numbers
/// (lines), from the run's state (c).
struct Writing {
    const OptimizerConfig& o;
    const Ctx& c;
    FormulaText& f;
    QStringList& lines;
    double lr;
    double eps;
};

void adamFamilyFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    f.symbolic = QStringLiteral(
        "m<sub>t</sub> = β<sub>1</sub>·m<sub>t−1</sub> + (1−β<sub>1</sub>)·g<sub>t</sub>"
        "&nbsp;&nbsp;&nbsp; v<sub>t</sub> = β<sub>2</sub>·v<sub>t−1</sub> + "
        "(1−β<sub>2</sub>)·g<sub>t</sub>²<br>"
        "<b>m̂</b><sub>t</sub> = m<sub>t</sub>/(1−β<sub>1</sub><sup>t</sup>) "
        "&nbsp;&nbsp;&nbsp; <b>v̂</b><sub>t</sub> = "
        "v<sub>t</sub>/(1−β<sub>2</sub><sup>t</sup>)<br>"
        "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√<b>v̂</b><sub>t</sub> + ε) · "
        "<b>m̂</b><sub>t</sub></b>");
    if (o.type == "adam" && c.keras())
        f.symbolic = QStringLiteral(
            "tf.keras's Adam: m<sub>t</sub> = m<sub>t−1</sub> + (g<sub>t</sub> − "
            "m<sub>t−1</sub>)(1−β<sub>1</sub>) &nbsp;&nbsp; v<sub>t</sub> = v<sub>t−1</sub> + "
            "(g<sub>t</sub>² − v<sub>t−1</sub>)(1−β<sub>2</sub>)<br>"
            "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>·√(1−β<sub>2</sub><sup>t</sup>)"
            "/(1−β<sub>1</sub><sup>t</sup>) · m<sub>t</sub>/(√v<sub>t</sub> + ε̂)</b><br>"
            "= θ<sub>t−1</sub> − η<sub>t</sub>·√(1−β<sub>2</sub><sup>t</sup>)/(√v<sub>t</sub> "
            "+ "
            "ε̂) · <b>m̂</b><sub>t</sub> &nbsp; (ε̂ on the raw root)");
    if (o.type == "adamw")
        f.symbolic += QStringLiteral("<br>(AdamW first decays θ: θ ← θ·(1 − η<sub>t</sub>·λ))");
    if (o.type == "nadam")
        f.symbolic = QStringLiteral(
            "NAdam (Dozat 2016): Adam with a Nesterov look-ahead on m:<br>"
            "θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√<b>v̂</b><sub>t</sub> + ε) · "
            "[μ<sub>t+1</sub>·m<sub>t</sub>/(1−Πμ<sub>1..t+1</sub>) + "
            "(1−μ<sub>t</sub>)·g<sub>t</sub>/(1−Πμ<sub>1..t</sub>)]");
    if (o.type == "radam")
        f.symbolic += QStringLiteral(
            "<br>RAdam: while ρ<sub>t</sub> ≤ 5 the step is η<sub>t</sub>·<b>m̂</b><sub>t</sub> "
            "(no v); after, it is multiplied by the rectification r<sub>t</sub>");
    if (!c.corrected())
        f.symbolic += QStringLiteral(
            "<br><b>bias_correction off</b>: 1−β<sub>1</sub><sup>t</sup> and "
            "1−β<sub>2</sub><sup>t</sup> are taken as 1, so m̂ = m and v̂ = v (large early "
            "steps)");
    for (int k = 0; k < 2; ++k) {
        if (o.type == "adam" && c.keras()) {
            lines << QStringLiteral("<b>%1:</b> <b>m̂</b> = %2 / %3 = %4; &nbsp; v = %5")
                         .arg(axis[k], num(c.m(k)), num(c.bc1()), num(c.mhat(k)), num(c.v(k)));
            lines << QStringLiteral(
                         "&nbsp;&nbsp;&nbsp;eff. lr = %1 × √%2 / (√%3 + %4) = <b>%5</b><br>"
                         "&nbsp;&nbsp;&nbsp;Δθ = −%5 × <b>m̂</b> ≈ %6 &nbsp;(actual %7)")
                         .arg(num(lr), num(c.bc2()), num(c.v(k)), num(eps), num(c.eff(k)),
                              num(-c.eff(k) * c.mhat(k)), num(c.delta(k)));
            continue;
        }
        lines << QStringLiteral(
                     "<b>%1:</b> <b>m̂</b> = %2 / %3 = %4; &nbsp; <b>v̂</b> = %5 / %6 = %7")
                     .arg(axis[k], num(c.m(k)), num(c.bc1()), num(c.mhat(k)), num(c.v(k)),
                          num(c.bc2()), num(c.vhat(k)));
        lines << QStringLiteral("&nbsp;&nbsp;&nbsp;eff. lr = %1 / (√%2 + %3) = <b>%4</b><br>"
                                "&nbsp;&nbsp;&nbsp;Δθ = −%4 × <b>m̂</b> ≈ %5 &nbsp;(actual %6)")
                     .arg(num(lr), num(c.vhat(k)), num(eps), num(c.eff(k)),
                          num(-c.eff(k) * c.mhat(k)), num(c.delta(k)));
    }
}

void adamaxKerasFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    f.symbolic = QStringLiteral(
        "tf.keras's Adamax: m<sub>t</sub> = m<sub>t−1</sub> + (g<sub>t</sub> − "
        "m<sub>t−1</sub>)(1−β<sub>1</sub>) &nbsp;&nbsp; u<sub>t</sub> = "
        "max(β<sub>2</sub>·u<sub>t−1</sub>, |g<sub>t</sub>|)<br>"
        "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(u<sub>t</sub> + ε̂) · "
        "m<sub>t</sub>/(1−β<sub>1</sub><sup>t</sup>)</b> &nbsp; (ε̂ outside the max)");
    for (int k = 0; k < 2; ++k)
        lines << QStringLiteral("<b>%1:</b> eff. lr = %2 / (%3 + %4) = <b>%5</b>; &nbsp; "
                                "<b>m̂</b> = %6 / %7 = %8; &nbsp; Δθ = %9")
                     .arg(axis[k], num(lr), num(c.tensor("exp_inf", k)), num(eps), num(c.eff(k)),
                          num(c.m(k)), num(c.bc1()), num(c.mhat(k)), num(c.delta(k)));
}

void qhmFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    const double nu = param(o, "nu");
    f.symbolic = QStringLiteral(
        "b<sub>t</sub> = β·b<sub>t−1</sub> + (1−β)·g<sub>t</sub> &nbsp;&nbsp; (dampened "
        "momentum)<br><b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>·[(1−ν)·g<sub>t</sub> "
        "+ ν·b<sub>t</sub>]</b>");
    for (int k = 0; k < 2; ++k) {
        const double g = c.tensor("g_eff", k), b = c.tensor("momentum_buffer", k);
        lines << QStringLiteral("<b>%1:</b> b = %2; &nbsp; Δθ = −%3 × [(1−%4)×%5 + %4×%2] = "
                                "%6 &nbsp;(actual %7)")
                     .arg(axis[k], num(b), num(lr), num(nu), num(g),
                          num(-lr * ((1 - nu) * g + nu * b)), num(c.delta(k)));
    }
}

void qhadamFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    f.symbolic = QStringLiteral(
        "m<sub>t</sub>, v<sub>t</sub>: Adam's m̂, v̂ (bias correction folded into the decay)<br>"
        "a<sub>t</sub> = ν<sub>1</sub>·m<sub>t</sub> + (1−ν<sub>1</sub>)·g<sub>t</sub> "
        "&nbsp;&nbsp; r<sub>t</sub> = √(ν<sub>2</sub>·v<sub>t</sub> + "
        "(1−ν<sub>2</sub>)·g<sub>t</sub>²) + ε<br>"
        "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/r<sub>t</sub> · "
        "a<sub>t</sub></b>");
    if (!c.corrected())
        f.symbolic += QStringLiteral("<br><b>bias_correction off</b>: plain EMAs from 0");
    for (int k = 0; k < 2; ++k)
        lines << QStringLiteral("<b>%1:</b> a = %2; &nbsp; r = %3; &nbsp; eff. lr = %4 / %3 = "
                                "<b>%5</b>; &nbsp; Δθ = −%5 × %2 = %6 &nbsp;(actual %7)")
                     .arg(axis[k], num(c.tensor("avg_grad", k)), num(c.tensor("avg_grad_rms", k)),
                          num(lr), num(c.eff(k)), num(-c.eff(k) * c.tensor("avg_grad", k)),
                          num(c.delta(k)));
}

void beliefFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    if (o.type == "adabelief")
        f.symbolic =
            QStringLiteral(
                "m<sub>t</sub> = β<sub>1</sub>·m<sub>t−1</sub> + "
                "(1−β<sub>1</sub>)·g<sub>t</sub> "
                "&nbsp;&nbsp; s<sub>t</sub> = β<sub>2</sub>·s<sub>t−1</sub> + "
                "(1−β<sub>2</sub>)·(g<sub>t</sub> − m<sub>t</sub>)² + ε<br>"
                "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√ŝ<sub>t</sub> + ε) · "
                "<b>m̂</b><sub>t</sub></b>%1")
                .arg(param(o, "rectify", 0) > 0.5
                         ? QStringLiteral(
                               "<br>rectify: while ρ<sub>t</sub> &lt; 5 an SGD step "
                               "η<sub>t</sub>·m̂<sub>t</sub>, then × r<sub>t</sub> with ε on "
                               "the raw root (RAdam's rule)")
                         : QString());
    else
        f.symbolic = QStringLiteral(
            "m<sub>t</sub> = β<sub>1</sub>·m<sub>t−1</sub> + (1−β<sub>1</sub>)·g<sub>t</sub> "
            "&nbsp;&nbsp; v<sub>t</sub> = v<sub>t−1</sub> − "
            "(1−β<sub>2</sub>)·sign(v<sub>t−1</sub> "
            "− g<sub>t</sub>²)·g<sub>t</sub>²<br>"
            "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√v̂<sub>t</sub> + ε) · "
            "<b>m̂</b><sub>t</sub></b>");
    if (!c.corrected())
        f.symbolic += QStringLiteral("<br><b>bias_correction off</b>: m̂ = m, ŝ = s");
    const char* second = o.type == "yogi" ? "exp_avg_sq" : "exp_avg_var";
    for (int k = 0; k < 2; ++k)
        lines << QStringLiteral("<b>%1:</b> m = %2; &nbsp; <b>m̂</b> = %3; &nbsp; %4 = %5; "
                                "&nbsp; eff. lr = <b>%6</b>; &nbsp; Δθ = −%6 × <b>m̂</b> ≈ %7 "
                                "&nbsp;(actual %8)")
                     .arg(axis[k], num(c.m(k)), num(c.tensor("m_hat", k)),
                          QString::fromLatin1(o.type == "yogi" ? "v" : "s"),
                          num(c.tensor(second, k)), num(c.eff(k)),
                          num(-c.eff(k) * c.tensor("m_hat", k)), num(c.delta(k)));
}

void adamaxFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    f.symbolic = QStringLiteral(
        "m<sub>t</sub> = β<sub>1</sub>·m<sub>t−1</sub> + (1−β<sub>1</sub>)·g<sub>t</sub> "
        "&nbsp;&nbsp; u<sub>t</sub> = max(β<sub>2</sub>·u<sub>t−1</sub>, |g<sub>t</sub>| + "
        "ε)<br>"
        "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/u<sub>t</sub> · "
        "m<sub>t</sub>/(1−β<sub>1</sub><sup>t</sup>)</b>");
    for (int k = 0; k < 2; ++k)
        lines << QStringLiteral(
                     "<b>%1:</b> eff. lr = %2 / %3 = <b>%4</b>; &nbsp; <b>m̂</b> = %5 / %6 = %7; "
                     "&nbsp; Δθ = %8")
                     .arg(axis[k], num(lr), num(c.tensor("exp_inf", k)), num(c.eff(k)), num(c.m(k)),
                          num(c.bc1()), num(c.mhat(k)), num(c.delta(k)));
}

void sgdFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    const double mu = param(o, "momentum", 0);
    if (mu > 0) {
        f.symbolic =
            QStringLiteral("b<sub>t</sub> = μ·b<sub>t−1</sub> + (1−τ)·g<sub>t</sub><br>"
                           "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>·b<sub>t</sub></b>%1")
                .arg(param(o, "nesterov", 0) > 0.5
                         ? QStringLiteral(
                               " (Nesterov: − η<sub>t</sub>·(g<sub>t</sub> + μ·b<sub>t</sub>))")
                         : QString());
        for (int k = 0; k < 2; ++k)
            lines << QStringLiteral(
                         "<b>%1:</b> b = %2; &nbsp; Δθ = −%3 × %2 = %4 &nbsp;(actual %5)")
                         .arg(axis[k], num(c.tensor("momentum_buffer", k)), num(lr),
                              num(-lr * c.tensor("momentum_buffer", k)), num(c.delta(k)));
    } else {
        f.symbolic =
            QStringLiteral("<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>·g<sub>t</sub></b>");
        for (int k = 0; k < 2; ++k)
            lines << QStringLiteral("<b>%1:</b> Δθ = −%2 × %3 = %4")
                         .arg(axis[k], num(lr), num(c.grad(k)), num(c.delta(k)));
    }
}

void otherFormula(const Writing& w) {
    const auto& [o, c, f, lines, lr, eps] = w;
    // Adagrad, RMSprop, Adadelta: a per-parameter factor times the gradient.
    if (o.type == "adagrad")
        f.symbolic =
            QStringLiteral("s<sub>t</sub> = s<sub>t−1</sub> + g<sub>t</sub>² &nbsp;&nbsp; "
                           "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√s<sub>t</sub> "
                           "+ ε)·g<sub>t</sub></b>");
    else if (o.type == "rmsprop")
        f.symbolic =
            QStringLiteral("s<sub>t</sub> = α·s<sub>t−1</sub> + (1−α)·g<sub>t</sub>² &nbsp;&nbsp; "
                           "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>/(√s<sub>t</sub> + "
                           "ε)·g<sub>t</sub></b>");
    else if (o.type == "adadelta")
        f.symbolic = QStringLiteral(
            "s<sub>t</sub> = ρ·s<sub>t−1</sub> + (1−ρ)·g<sub>t</sub>² &nbsp;&nbsp; "
            "Δ<sub>t</sub> = √(d<sub>t−1</sub>+ε)/√(s<sub>t</sub>+ε)·g<sub>t</sub><br>"
            "d<sub>t</sub> = ρ·d<sub>t−1</sub> + (1−ρ)·Δ<sub>t</sub>² &nbsp;&nbsp; "
            "<b>θ<sub>t</sub> = θ<sub>t−1</sub> − η<sub>t</sub>·Δ<sub>t</sub></b>");
    else if (const OptimizerInfo* info = findOptimizer(o.type); info && !info->formula.empty())
        // Any other optimizer: its catalog entry's update, as `list` prints it.
        f.symbolic = QString::fromStdString(info->formula).toHtmlEscaped();
    else
        f.symbolic = QStringLiteral("θ<sub>t</sub> = θ<sub>t−1</sub> − (effective lr)·(direction)");
    for (int k = 0; k < 2; ++k)
        lines << QStringLiteral("<b>%1:</b> eff. lr = <b>%2</b>; &nbsp; g = %3; &nbsp; "
                                "Δθ = −%2 × %3 = %4 &nbsp;(actual %5)")
                     .arg(axis[k], num(c.eff(k)), num(c.grad(k)), num(-c.eff(k) * c.grad(k)),
                          num(c.delta(k)));
}

/// The inspector's formula of each optimizer type; a type without one shows its catalog formula
/// (otherFormula).
const std::map<std::string, void (*)(const Writing&)>& formulaWriters() {
    static const std::map<std::string, void (*)(const Writing&)> writers = {
        {"sgd", sgdFormula},
        {"adagrad", otherFormula},
        {"rmsprop", otherFormula},
        {"adadelta", otherFormula},
        {"adam", adamFamilyFormula},
        {"adamw", adamFamilyFormula},
        {"nadam", adamFamilyFormula},
        {"radam", adamFamilyFormula},
        {"adamax",
         [](const Writing& w) { w.c.keras() ? adamaxKerasFormula(w) : adamaxFormula(w); }},
        {"qhm", qhmFormula},
        {"qhadam", qhadamFormula},
        {"adabelief", beliefFormula},
        {"yogi", beliefFormula},
    };
    return writers;
}

} // namespace

std::vector<InspectorRow> inspectorRows(const OptimizerConfig& o, const RunStateLayout& layout,
                                        const RunSample& s, const RunSample* prev) {
    Ctx c{o, layout.unflatten(s.state), s, prev, double(s.step)};
    std::vector<InspectorRow> rows;
    rows.push_back({QStringLiteral("θ (after the update)"), s.x, s.y, QStringLiteral("the point")});
    rows.push_back({QStringLiteral("g (used by update t)"), c.grad(0), c.grad(1),
                    QStringLiteral("gradient at the previous point, noise included")});
    rows.push_back({QStringLiteral("next g (at θ)"), s.gradX, s.gradY,
                    QStringLiteral("gradient the next update will use")});
    if (c.adamFamily()) {
        rows.push_back({QStringLiteral("m = exp_avg"), c.m(0), c.m(1),
                        QStringLiteral("first moment: EMA of g")});
        if (o.type == "adamax") {
            rows.push_back({QStringLiteral("u = exp_inf"), c.tensor("exp_inf", 0),
                            c.tensor("exp_inf", 1), QStringLiteral("max(β2·u, |g|+ε)")});
        } else {
            rows.push_back({QStringLiteral("v = exp_avg_sq"), c.v(0), c.v(1),
                            QStringLiteral("second moment: EMA of g²")});
        }
        rows.push_back({QStringLiteral("m_hat = m / (1−β1^t)"), c.mhat(0), c.mhat(1),
                        QStringLiteral("bias-corrected first moment")});
        if (o.type != "adamax")
            rows.push_back({QStringLiteral("v_hat = v / (1−β2^t)"), c.vhat(0), c.vhat(1),
                            QStringLiteral("bias-corrected second moment")});
        rows.push_back(
            {QStringLiteral("1−β1^t"), c.bc1(), c.bc1(), QStringLiteral("bias correction")});
        if (o.type != "adamax")
            rows.push_back(
                {QStringLiteral("1−β2^t"), c.bc2(), c.bc2(), QStringLiteral("bias correction")});
    }
    // Every other state tensor, under torch's name.
    for (const auto& t : c.state.tensors) {
        if (c.adamFamily() && (t.name == "exp_avg" || t.name == "exp_avg_sq" ||
                               t.name == "exp_inf" || t.name == "m_hat" || t.name == "v_hat"))
            continue;
        rows.push_back({QString::fromStdString(t.name), t.values.size() > 0 ? t.values[0] : NaN,
                        t.values.size() > 1 ? t.values[1] : NaN,
                        QStringLiteral("optimizer state")});
    }
    rows.push_back({QStringLiteral("η_t (lr of update t)"), s.lr, s.lr,
                    QStringLiteral("the schedule's learning rate")});
    rows.push_back({QStringLiteral("effective lr"), s.effLrX, s.effLrY,
                    QStringLiteral("the factor that multiplies the update direction")});
    rows.push_back(
        {QStringLiteral("step taken Δθ"), c.delta(0), c.delta(1), QStringLiteral("θ_t − θ_(t−1)")});
    return rows;
}

FormulaText updateFormula(const OptimizerConfig& o, const RunStateLayout& layout,
                          const RunSample& s, const RunSample* prev) {
    Ctx c{o, layout.unflatten(s.state), s, prev, double(s.step)};
    FormulaText f;
    const QString t = QString::number(s.step);
    const QString eta = QStringLiteral("η%1").arg(sub(QStringLiteral("t")));
    const double lr = s.lr;
    const double eps = param(o, "eps");
    QStringList lines;
    if (s.step == 0) {
        f.symbolic = QStringLiteral("Row 0 is the start point: no update yet.");
        return f;
    }
    const Writing w{o, c, f, lines, lr, eps};
    const auto& writers = formulaWriters();
    const auto it = writers.find(o.type);
    (it != writers.end() ? it->second : otherFormula)(w);
    f.numbers = QStringLiteral("t = %1, %2 = %3<br>").arg(t, eta, num(lr)) +
                lines.join(QStringLiteral("<br>"));

    f.windows = averagingWindows(o);
    return f;
}

QString averagingWindows(const OptimizerConfig& o) {
    const OptimizerInfo* info = findOptimizer(o.type);
    if (!info)
        return {};
    QStringList w;
    for (const auto& a : info->averages) {
        if (!o.params.has(a.param))
            continue;
        const ParamValue& v = o.params.get(a.param);
        double b = param(o, a.param.c_str());
        if (const auto* pair = std::get_if<std::vector<double>>(&v))
            b = a.index < int(pair->size()) ? (*pair)[std::size_t(a.index)] : NaN;
        if (!(b > 0 && b < 1))
            continue; // no average (SGD without momentum)
        const QString name = QString::fromStdString(a.symbol);
        w << QStringLiteral("%1 = %2 averages over ≈ %3 steps (1/(1−%1))")
                 .arg(name, num(b), num(1.0 / (1.0 - b)));
    }
    if (!info->averagesNote.empty())
        w << QString::fromStdString(info->averagesNote);
    return w.join(QStringLiteral("<br>"));
}

bool isAdamFamily(const std::string& type) {
    return type == "adam" || type == "adamw" || type == "nadam" || type == "radam" ||
           type == "adamax";
}

double optimizerBeta(const OptimizerConfig& optimizer, int index) {
    return beta(optimizer, index);
}

} // namespace optiscope
