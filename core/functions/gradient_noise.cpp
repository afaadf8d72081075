#include "core/functions/portable_math.h"
#include "core/functions/test_function.h"

#include <cmath>

namespace optiscope {

GradientNoise::GradientNoise(double stddev, std::uint64_t seed)
    : m_std(stddev), m_seed(seed), m_engine(seed) {}

void GradientNoise::reset() {
    m_engine.seed(m_seed);
    m_spare = 0.0;
    m_hasSpare = false;
}

double GradientNoise::next() {
    // Box–Muller (1958): two uniforms give two independent standard normals,
    // z0 = √(−2 ln u1)·cos 2πu2 and z1 = √(−2 ln u1)·sin 2πu2; z1 is kept for the next call.
    // The engine is always advanced, even for stddev 0, so that the sequence does not depend on it.
    // stddev 0 gives +0 exactly (0 · a negative draw would be −0).
    const auto scaled = [this](double z) { return m_std == 0.0 ? 0.0 : m_std * z; };
    if (m_hasSpare) {
        m_hasSpare = false;
        return scaled(m_spare);
    }
    // 53-bit uniforms: u1 in (0, 1] (so ln u1 is finite), u2 in [0, 1).
    constexpr double kScale = 1.0 / 9007199254740992.0; // 2^-53
    const double u1 = static_cast<double>((m_engine() >> 11) + 1) * kScale;
    const double u2 = static_cast<double>(m_engine() >> 11) * kScale;
    const double r = std::sqrt(-2.0 * portable::log(u1)); // sqrt is correctly rounded by IEEE-754
    double s = 0.0, c = 0.0;
    portable::sinCosTurns(u2, s, c);
    m_spare = r * s;
    m_hasSpare = true;
    return scaled(r * c);
}

} // namespace optiscope
