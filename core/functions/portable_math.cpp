#include "core/functions/portable_math.h"

#include <cmath>

namespace optiscope::portable {

double log(double x) {
    // x = m·2^e with m in [√½, √2), then log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
    int e = 0;
    double m = std::frexp(x, &e); // m in [0.5, 1), exact
    if (m < 0.70710678118654752440) {
        m *= 2.0; // exact
        --e;
    }
    const double s = (m - 1.0) / (m + 1.0);
    const double s2 = s * s;
    // atanh(s)/s = Σ s^(2k)/(2k+1); s² ≤ 0.0295 so the k = 12 term is below 2^-60 of the sum.
    double p = 1.0 / 25.0;
    for (int k = 11; k >= 0; --k)
        p = p * s2 + 1.0 / (2 * k + 1);
    const double logm = 2.0 * s * p;
    // ln 2 split so that e·kLn2Hi is exact for |e| < 2^11.
    constexpr double kLn2Hi = 6.93147180369123816490e-01;
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    return e * kLn2Hi + (logm + e * kLn2Lo);
}

namespace {

// Taylor series on [0, π/4]: the degree-19 (sin) and degree-18 (cos) terms are below 1e-19.
double sinSeries(double a) {
    const double a2 = a * a;
    double p = 0.0;
    for (int n = 19; n >= 3; n -= 2) // Horner on a²: 1 − a²/(2·3)(1 − a²/(4·5)(...))
        p = a2 / ((n - 1) * n) * (1.0 - p);
    return a * (1.0 - p);
}

double cosSeries(double a) {
    const double a2 = a * a;
    double p = 0.0;
    for (int n = 18; n >= 2; n -= 2)
        p = a2 / ((n - 1) * n) * (1.0 - p);
    return 1.0 - p;
}

} // namespace

void sinCosTurns(double t, double& s, double& c) {
    constexpr double kTwoPi = 6.28318530717958647692;
    const int q = static_cast<int>(t * 4.0); // quadrant 0..3 (t·4 is exact)
    double r = t - q * 0.25;                 // in [0, ¼), exact
    const bool swap = r > 0.125;
    if (swap)
        r = 0.25 - r;            // exact: r and ¼ share the 2^-53 grid
    const double a = r * kTwoPi; // in [0, π/4]
    double sr = sinSeries(a), cr = cosSeries(a);
    if (swap) {
        const double tmp = sr;
        sr = cr;
        cr = tmp;
    }
    switch (q & 3) {
    case 0:
        s = sr;
        c = cr;
        break;
    case 1:
        s = cr;
        c = -sr;
        break;
    case 2:
        s = -sr;
        c = -cr;
        break;
    default:
        s = -cr;
        c = sr;
        break;
    }
}

} // namespace optiscope::portable
