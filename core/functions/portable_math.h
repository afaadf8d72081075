// Elementary functions built only from IEEE-754 basic operations (+, −, ×, ÷, sqrt, frexp/ldexp),
// which every conforming platform rounds identically. GradientNoise uses them instead of
// std::log / std::sin / std::cos, whose last bit differs between C libraries (glibc, MSVC, Apple
// libm), so that a noise seed gives the same sequence everywhere (SPEC §2, `problem.noise`).
// Accuracy is a few ulp — plenty for noise; the point is determinism, not correct rounding.
// They must be compiled without FMA contraction (the project builds with -ffp-contract=off).
#pragma once

namespace optiscope::portable {

/// Natural logarithm of a finite x > 0.
double log(double x);

/// sin(2πt) and cos(2πt) for t in [0, 1). Taking the angle in turns keeps the argument reduction
/// exact (multiples of ¼ are subtracted from t without rounding).
void sinCosTurns(double t, double& s, double& c);

} // namespace optiscope::portable
