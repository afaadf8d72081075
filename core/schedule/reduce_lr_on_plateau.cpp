#include "core/schedule/reduce_lr_on_plateau.h"

#include <algorithm>
#include <limits>

namespace optiscope {

ReduceLrOnPlateau::ReduceLrOnPlateau(double lr0, const Options& options)
    : m_opt(options), m_lr(lr0), m_best(options.maxMode ? -std::numeric_limits<double>::infinity()
                                                        : std::numeric_limits<double>::infinity()) {
}

void ReduceLrOnPlateau::step(double metric) {
    m_reduced = false;
    if (m_opt.flavor == Flavor::Torch)
        stepTorch(metric);
    else
        stepKeras(metric);
}

void ReduceLrOnPlateau::stepTorch(double a) {
    bool better = false;
    if (!m_opt.maxMode && m_opt.relThreshold)
        better = a < m_best * (1.0 - m_opt.threshold);
    else if (!m_opt.maxMode)
        better = a < m_best - m_opt.threshold;
    else if (m_opt.relThreshold)
        better = a > m_best * (m_opt.threshold + 1.0);
    else
        better = a > m_best + m_opt.threshold;

    if (better) {
        m_best = a;
        m_bad = 0;
    } else {
        ++m_bad;
    }
    if (m_cooldownCounter > 0) {
        --m_cooldownCounter;
        m_bad = 0;
    }
    if (m_bad > m_opt.patience) {
        const double oldLr = m_lr;
        const double newLr = std::max(oldLr * m_opt.factor, m_opt.minLr);
        if (oldLr - newLr > m_opt.eps) {
            m_lr = newLr;
            m_reduced = true;
        }
        m_cooldownCounter = m_opt.cooldown;
        m_bad = 0;
    }
}

void ReduceLrOnPlateau::stepKeras(double a) {
    if (m_cooldownCounter > 0) {
        --m_cooldownCounter;
        m_bad = 0;
    }
    const bool better = m_opt.maxMode ? a > m_best + m_opt.minDelta : a < m_best - m_opt.minDelta;
    if (better) {
        m_best = a;
        m_bad = 0;
    } else if (m_cooldownCounter <= 0) {
        ++m_bad;
        if (m_bad >= m_opt.patience) {
            const double oldLr = m_lr;
            if (oldLr > static_cast<double>(static_cast<float>(m_opt.minLr))) {
                m_lr = std::max(oldLr * m_opt.factor, m_opt.minLr);
                m_cooldownCounter = m_opt.cooldown;
                m_bad = 0;
                m_reduced = true;
            }
        }
    }
}

} // namespace optiscope
