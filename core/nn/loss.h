// Losses of the small networks, with the reductions of PyTorch's defaults.
#pragma once

#include "core/nn/layers.h"

#include <string>

namespace optiscope::nn {

enum class LossKind {
    /// Softmax cross-entropy on raw logits (torch F.cross_entropy, reduction "mean"):
    /// L = (1/n) Σ_i [logsumexp(out_i) − out_i[label_i]]. Classification only.
    CrossEntropy,
    /// Mean squared error over all elements (torch F.mse_loss, reduction "mean"):
    /// L = (1/(n·k)) Σ_ij (out_ij − target_ij)². For classification the targets are one-hot.
    Mse,
};

/// "cross_entropy" or "mse".
const char* lossName(LossKind kind);
bool parseLoss(const std::string& name, LossKind* out);

/// Softmax cross-entropy of `logits` (n × k) against `labels` (n class indices in [0, k)).
/// If `dLogits` is not null it receives dL/dlogits = (softmax − onehot)/n. The mean is
/// accumulated in double.
template <typename Scalar>
double softmaxCrossEntropy(typename Types<Scalar>::ConstMap logits, const int* labels,
                           typename Types<Scalar>::Map* dLogits);

/// Mean squared error of `out` against `targets` (both n × k); `dOut` (optional) receives
/// 2(out − target)/(n·k).
template <typename Scalar>
double meanSquaredError(typename Types<Scalar>::ConstMap out,
                        typename Types<Scalar>::ConstMap targets,
                        typename Types<Scalar>::Map* dOut);

/// MSE against one-hot targets built from `labels` (classification trained with MSE).
template <typename Scalar>
double meanSquaredErrorOneHot(typename Types<Scalar>::ConstMap out, const int* labels,
                              typename Types<Scalar>::Map* dOut);

/// Number of rows whose arg-max (first on ties) equals the label.
template <typename Scalar>
long long countCorrect(typename Types<Scalar>::ConstMap out, const int* labels);

} // namespace optiscope::nn
