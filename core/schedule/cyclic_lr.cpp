#include "core/schedule/cyclic_lr.h"

#include <cmath>

namespace optiscope {

CyclicLr::CyclicLr(const Options& options)
    : m_opt(options), m_totalSize(options.stepSizeUp + options.stepSizeDown),
      m_stepRatio(options.stepSizeUp / (options.stepSizeUp + options.stepSizeDown)) {
    compute();
}

std::optional<double> CyclicLr::momentum() const {
    if (!m_opt.cycleMomentum)
        return std::nullopt;
    return m_momentum;
}

void CyclicLr::step(double /*metric*/) {
    ++m_epoch;
    compute();
}

void CyclicLr::compute() {
    const double e = static_cast<double>(m_epoch);
    const double cycle = std::floor(1.0 + e / m_totalSize);
    const double x = 1.0 + e / m_totalSize - cycle;
    const double scaleFactor = x <= m_stepRatio ? x / m_stepRatio : (x - 1.0) / (m_stepRatio - 1.0);
    double scale = 1.0;
    switch (m_opt.mode) {
    case Mode::Triangular:
        scale = 1.0;
        break;
    case Mode::Triangular2:
        scale = 1.0 / std::pow(2.0, cycle - 1.0);
        break;
    case Mode::ExpRange:
        scale = std::pow(m_opt.gamma, e);
        break;
    }
    const double baseHeight = (m_opt.maxLr - m_opt.baseLr) * scaleFactor;
    m_lr = m_opt.baseLr + baseHeight * scale;
    const double momentumHeight = (m_opt.maxMomentum - m_opt.baseMomentum) * scaleFactor;
    m_momentum = m_opt.maxMomentum - momentumHeight * scale;
}

} // namespace optiscope
