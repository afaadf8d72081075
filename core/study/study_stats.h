// The statistics of a study's tables (SPEC §6): mean, sample standard deviation and the 95 %
// confidence interval of a mean (Student's t), and the two-sided paired t-test of a run against
// its no-decay twin. Student's t distribution comes from Boost.Math.
#pragma once

#include <limits>
#include <vector>

namespace optiscope {

struct SampleStats {
    int n = 0;
    double mean = std::numeric_limits<double>::quiet_NaN();
    double std = std::numeric_limits<double>::quiet_NaN(); ///< sample (n − 1); NaN when n < 2
    /// mean ± t(0.975, n − 1) · std / √n; NaN when n < 2.
    double ciLow = std::numeric_limits<double>::quiet_NaN();
    double ciHigh = std::numeric_limits<double>::quiet_NaN();
};

/// Statistics of the finite values of `values` (NaNs — diverged repeats — are left out).
SampleStats describeSample(const std::vector<double>& values);

struct PairedTest {
    SampleStats difference; ///< of the differences a − b
    /// Two-sided p-value of the paired t-test (H0: mean difference 0); NaN when n < 2 or every
    /// difference is the same.
    double pValue = std::numeric_limits<double>::quiet_NaN();
};

/// Paired by index; pairs where either value is not finite are left out.
PairedTest pairedTTest(const std::vector<double>& a, const std::vector<double>& b);

/// t(1 − α/2, dof): the two-sided critical value (2.776 for 95 % and 4 dof).
double studentTCritical(double confidence, double dof);

} // namespace optiscope
