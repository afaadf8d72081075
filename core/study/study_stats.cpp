#include "core/study/study_stats.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

namespace optiscope {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double studentTCritical(double confidence, double dof) {
    const boost::math::students_t dist(dof);
    return boost::math::quantile(dist, 0.5 + confidence / 2.0);
}

SampleStats describeSample(const std::vector<double>& values) {
    SampleStats s;
    double sum = 0.0;
    for (double v : values)
        if (std::isfinite(v)) {
            sum += v;
            ++s.n;
        }
    if (s.n == 0)
        return s;
    s.mean = sum / s.n;
    if (s.n < 2)
        return s;
    // Two passes: the sum of squared deviations from the mean (no cancellation).
    double ss = 0.0;
    for (double v : values)
        if (std::isfinite(v))
            ss += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(ss / (s.n - 1));
    const double half = studentTCritical(0.95, s.n - 1) * s.std / std::sqrt(double(s.n));
    s.ciLow = s.mean - half;
    s.ciHigh = s.mean + half;
    return s;
}

PairedTest pairedTTest(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> diff;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i]))
            diff.push_back(a[i] - b[i]);
    PairedTest t;
    t.difference = describeSample(diff);
    if (t.difference.n < 2 || !(t.difference.std > 0))
        return t;
    const double n = t.difference.n;
    const double stat = t.difference.mean / (t.difference.std / std::sqrt(n));
    const boost::math::students_t dist(n - 1);
    t.pValue =
        std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(stat))));
    return t;
}

} // namespace optiscope
