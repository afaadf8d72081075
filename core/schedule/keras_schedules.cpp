#include "core/schedule/keras_schedules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace optiscope {

double ExponentialDecay::valueAt(long long s) const {
    double p = static_cast<double>(s) / m_decaySteps;
    if (m_staircase)
        p = std::floor(p);
    return m_lr0 * std::pow(m_decayRate, p);
}

NaturalExpDecay::NaturalExpDecay(double lr0, double decaySteps, double decayRate, bool staircase)
    : ExponentialDecay(lr0, decaySteps, std::exp(-decayRate), staircase) {}

double InverseTimeDecay::valueAt(long long s) const {
    double p = static_cast<double>(s) / m_decaySteps;
    if (m_staircase)
        p = std::floor(p);
    return m_lr0 / (1.0 + m_decayRate * p);
}

double PolynomialDecay::valueAt(long long s) const {
    double step = static_cast<double>(s);
    double decaySteps = m_decaySteps;
    if (m_cycle) {
        const double multiplier = step == 0.0 ? 1.0 : std::ceil(step / m_decaySteps);
        decaySteps = decaySteps * multiplier;
    } else {
        step = std::min(step, decaySteps);
    }
    const double p = step / decaySteps;
    return (m_lr0 - m_endLr) * std::pow(1.0 - p, m_power) + m_endLr;
}

double CosineDecay::decay(double s, double from) const {
    const double completed = s / m_decaySteps;
    const double cosineDecayed = 0.5 * (1.0 + std::cos(std::numbers::pi * completed));
    const double decayed = (1.0 - m_alpha) * cosineDecayed + m_alpha;
    return from * decayed;
}

double CosineDecay::valueAt(long long s) const {
    double step = static_cast<double>(s);
    if (!m_warmupTarget)
        return decay(std::min(step, m_decaySteps), m_lr0);
    step = std::min(step, m_decaySteps + m_warmupSteps);
    if (step < m_warmupSteps) {
        const double completed = step / m_warmupSteps;
        const double delta = *m_warmupTarget - m_lr0;
        return delta * completed + m_lr0;
    }
    return decay(step - m_warmupSteps, *m_warmupTarget);
}

double CosineDecayRestarts::valueAt(long long s) const {
    double completed = static_cast<double>(s) / m_firstDecaySteps;
    double restart = 0.0;
    if (m_tMul == 1.0) {
        restart = std::floor(completed);
        completed -= restart;
    } else {
        restart = std::floor(std::log(1.0 - completed * (1.0 - m_tMul)) / std::log(m_tMul));
        const double sumR = (1.0 - std::pow(m_tMul, restart)) / (1.0 - m_tMul);
        completed = (completed - sumR) / std::pow(m_tMul, restart);
    }
    const double mFac = std::pow(m_mMul, restart);
    const double cosineDecayed = 0.5 * mFac * (1.0 + std::cos(std::numbers::pi * completed));
    const double decayed = (1.0 - m_alpha) * cosineDecayed + m_alpha;
    return m_lr0 * decayed;
}

double PiecewiseConstantDecay::valueAt(long long s) const {
    const double step = static_cast<double>(s);
    for (size_t i = 0; i < m_boundaries.size(); ++i)
        if (step <= m_boundaries[i])
            return m_values[i];
    return m_values.back();
}

} // namespace optiscope
