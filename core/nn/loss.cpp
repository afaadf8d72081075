#include "core/nn/loss.h"

#include <cmath>

namespace optiscope::nn {

using Eigen::Index;

const char* lossName(LossKind kind) {
    return kind == LossKind::CrossEntropy ? "cross_entropy" : "mse";
}

bool parseLoss(const std::string& name, LossKind* out) {
    if (name == "cross_entropy") {
        *out = LossKind::CrossEntropy;
        return true;
    }
    if (name == "mse") {
        *out = LossKind::Mse;
        return true;
    }
    return false;
}

template <typename Scalar>
double softmaxCrossEntropy(typename Types<Scalar>::ConstMap logits, const int* labels,
                           typename Types<Scalar>::Map* dLogits) {
    const Index n = logits.rows(), k = logits.cols();
    double total = 0.0;
    const Scalar invN = Scalar(1) / static_cast<Scalar>(n);
    for (Index i = 0; i < n; ++i) {
        const Scalar* z = logits.data() + i * k;
        Scalar m = z[0];
        for (Index j = 1; j < k; ++j)
            m = std::max(m, z[j]);
        Scalar sum = 0;
        for (Index j = 0; j < k; ++j)
            sum += std::exp(z[j] - m);
        const Scalar lse = m + std::log(sum);
        total += static_cast<double>(lse - z[labels[i]]);
        if (dLogits) {
            Scalar* d = dLogits->data() + i * k;
            const Scalar inv = Scalar(1) / sum;
            for (Index j = 0; j < k; ++j)
                d[j] = std::exp(z[j] - m) * inv * invN;
            d[labels[i]] -= invN;
        }
    }
    return n > 0 ? total / static_cast<double>(n) : 0.0;
}

template <typename Scalar>
double meanSquaredError(typename Types<Scalar>::ConstMap out,
                        typename Types<Scalar>::ConstMap targets,
                        typename Types<Scalar>::Map* dOut) {
    const Index count = out.size();
    if (count == 0)
        return 0.0;
    double total = 0.0;
    const Scalar scale = Scalar(2) / static_cast<Scalar>(count);
    for (Index i = 0; i < count; ++i) {
        const Scalar diff = out.data()[i] - targets.data()[i];
        total += static_cast<double>(diff) * static_cast<double>(diff);
        if (dOut)
            dOut->data()[i] = scale * diff;
    }
    return total / static_cast<double>(count);
}

template <typename Scalar>
double meanSquaredErrorOneHot(typename Types<Scalar>::ConstMap out, const int* labels,
                              typename Types<Scalar>::Map* dOut) {
    const Index n = out.rows(), k = out.cols();
    if (n == 0)
        return 0.0;
    double total = 0.0;
    const Scalar scale = Scalar(2) / static_cast<Scalar>(n * k);
    for (Index i = 0; i < n; ++i) {
        for (Index j = 0; j < k; ++j) {
            const Scalar diff = out(i, j) - (j == labels[i] ? Scalar(1) : Scalar(0));
            total += static_cast<double>(diff) * static_cast<double>(diff);
            if (dOut)
                (*dOut)(i, j) = scale * diff;
        }
    }
    return total / static_cast<double>(n * k);
}

template <typename Scalar>
long long countCorrect(typename Types<Scalar>::ConstMap out, const int* labels) {
    long long correct = 0;
    for (Index i = 0; i < out.rows(); ++i) {
        Index best = 0;
        out.row(i).maxCoeff(&best);
        if (best == labels[i])
            ++correct;
    }
    return correct;
}

#define OPTISCOPE_NN_LOSS(S)                                                                       \
    template double softmaxCrossEntropy<S>(Types<S>::ConstMap, const int*, Types<S>::Map*);        \
    template double meanSquaredError<S>(Types<S>::ConstMap, Types<S>::ConstMap, Types<S>::Map*);   \
    template double meanSquaredErrorOneHot<S>(Types<S>::ConstMap, const int*, Types<S>::Map*);     \
    template long long countCorrect<S>(Types<S>::ConstMap, const int*);
OPTISCOPE_NN_LOSS(float)
OPTISCOPE_NN_LOSS(double)
#undef OPTISCOPE_NN_LOSS

} // namespace optiscope::nn
