#include "core/schedule/one_cycle_lr.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace optiscope {

OneCycleLr::OneCycleLr(const Options& options) : m_opt(options) {
    const double initialLr = m_opt.maxLr / m_opt.divFactor;
    const double minLr = initialLr / m_opt.finalDivFactor;
    const double total = static_cast<double>(m_opt.totalSteps);
    const double hi = m_opt.maxMomentum, lo = m_opt.baseMomentum;
    if (m_opt.threePhase) {
        m_phases = {{m_opt.pctStart * total - 1.0, initialLr, m_opt.maxLr, hi, lo},
                    {2.0 * m_opt.pctStart * total - 2.0, m_opt.maxLr, initialLr, lo, hi},
                    {total - 1.0, initialLr, minLr, hi, hi}};
    } else {
        m_phases = {{m_opt.pctStart * total - 1.0, initialLr, m_opt.maxLr, hi, lo},
                    {total - 1.0, m_opt.maxLr, minLr, lo, hi}};
    }
    compute();
}

std::optional<double> OneCycleLr::momentum() const {
    if (!m_opt.cycleMomentum)
        return std::nullopt;
    return m_momentum;
}

void OneCycleLr::step(double /*metric*/) {
    // Past the end torch raises; we hold the final values.
    if (m_step + 1 >= m_opt.totalSteps)
        return;
    ++m_step;
    compute();
}

double OneCycleLr::anneal(double start, double end, double pct) const {
    if (m_opt.cosine) {
        const double cosOut = std::cos(std::numbers::pi * pct) + 1.0;
        return end + (start - end) / 2.0 * cosOut;
    }
    return (end - start) * pct + start;
}

void OneCycleLr::compute() {
    const double stepNum = static_cast<double>(m_step);
    double startStep = 0.0;
    for (size_t i = 0; i < m_phases.size(); ++i) {
        const Phase& phase = m_phases[i];
        if (stepNum <= phase.endStep || i + 1 == m_phases.size()) {
            const double pct = (stepNum - startStep) / (phase.endStep - startStep);
            m_lr = anneal(phase.startLr, phase.endLr, pct);
            m_momentum = anneal(phase.startMomentum, phase.endMomentum, pct);
            return;
        }
        startStep = phase.endStep;
    }
}

} // namespace optiscope
