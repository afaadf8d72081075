#include "core/schedule/torch_schedules.h"

#include <cmath>
#include <numbers>

namespace optiscope {

namespace {

/// Python's a % b for b > 0 (the result has the sign of b).
long long pyMod(long long a, long long b) {
    const long long r = a % b;
    return r < 0 ? r + b : r;
}

} // namespace

double StepLr::next(double lr, long long e) const {
    if (e == 0 || e % m_stepSize != 0)
        return lr;
    return lr * m_gamma;
}

MultiStepLr::MultiStepLr(double lr0, const std::vector<double>& milestones, double gamma)
    : ChainableSchedule(lr0), m_gamma(gamma) {
    for (double m : milestones)
        ++m_counts[static_cast<long long>(m)];
    // torch's constructor runs one step at last_epoch = 0 through the same get_lr.
    m_lr = next(m_lr, 0);
}

double MultiStepLr::next(double lr, long long e) const {
    auto it = m_counts.find(e);
    if (it == m_counts.end())
        return lr;
    return lr * std::pow(m_gamma, static_cast<double>(it->second));
}

double ExponentialLr::next(double lr, long long e) const {
    if (e == 0)
        return lr;
    return lr * m_gamma;
}

double CosineAnnealingLr::next(double lr, long long e) const {
    constexpr double pi = std::numbers::pi;
    const double tMax = static_cast<double>(m_tMax);
    if (e == 0)
        return lr;
    if (pyMod(e - 1 - m_tMax, 2 * m_tMax) == 0)
        return lr + (m_lr0 - m_etaMin) * (1.0 - std::cos(pi / tMax)) / 2.0;
    const double ed = static_cast<double>(e);
    return (1.0 + std::cos(pi * ed / tMax)) / (1.0 + std::cos(pi * (ed - 1.0) / tMax)) *
               (lr - m_etaMin) +
           m_etaMin;
}

double CosineAnnealingWarmRestarts::lr() const {
    constexpr double pi = std::numbers::pi;
    return m_etaMin +
           (m_lr0 - m_etaMin) *
               (1.0 + std::cos(pi * static_cast<double>(m_tCur) / static_cast<double>(m_ti))) / 2.0;
}

void CosineAnnealingWarmRestarts::step(double /*metric*/) {
    m_tCur += 1;
    if (m_tCur >= m_ti) {
        m_tCur -= m_ti;
        m_ti *= m_tMult;
    }
}

LinearLr::LinearLr(double lr0, double startFactor, double endFactor, long long totalIters)
    : ChainableSchedule(lr0 * startFactor), m_start(startFactor), m_end(endFactor),
      m_total(totalIters) {}

double LinearLr::next(double lr, long long e) const {
    if (e > m_total)
        return lr;
    return lr * (1.0 + (m_end - m_start) / (static_cast<double>(m_total) * m_start +
                                            static_cast<double>(e - 1) * (m_end - m_start)));
}

ConstantLr::ConstantLr(double lr0, double factor, long long totalIters)
    : ChainableSchedule(lr0 * factor), m_factor(factor), m_total(totalIters) {}

double ConstantLr::next(double lr, long long e) const {
    if (e != m_total)
        return lr;
    return lr * (1.0 / m_factor);
}

double PolynomialLr::next(double lr, long long e) const {
    if (e > m_total)
        return lr;
    const double t = static_cast<double>(m_total);
    const double factor = std::pow(
        (1.0 - static_cast<double>(e) / t) / (1.0 - static_cast<double>(e - 1) / t), m_power);
    return lr * factor;
}

} // namespace optiscope
