// Conv2dLayer's forward and backward passes (core/nn/layers.h), compiled once per
// instruction-set level (core/simd/sources.cmake) and called through simd::kernels(). The
// layer owns the buffers and lays them out for 64-byte vectors, which fit every level's
// vectors; the kernels (conv_kernels.h) use the level's own width and register blocking.
#include "core/nn/conv_kernels.h"

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

namespace {

template <typename Scalar> void toPlanar(const nn::ConvArgs<Scalar>& a, Index n, const Scalar* in) {
    const Index sample = a.c * a.inPlane;
    const Index cols = a.c * a.h * a.w;
    for (Index s = 0; s < n; ++s)
        hwcToPlanar(in + s * cols, a.c, a.h, a.w,
                    a.planarIn + s * sample + a.padding * a.inRow + a.padding, a.inPlane, a.inRow);
}

template <typename Scalar>
void forwardHwc(const nn::ConvArgs<Scalar>& a, Index n, const Scalar* in, Scalar* out) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = a.c, w = a.w, oc = a.oc, ho = a.ho, wo = a.wo, k = a.k;
    const Index inCols = a.c * a.h * a.w, outCols = oc * ho * wo;
    const Scalar* b = a.params + oc * a.patch;
    // Weights as [tap][out channel], tap = (ky·k + kx)·c + ci.
    for (Index o = 0; o < oc; ++o)
        for (Index t = 0; t < a.patch; ++t)
            a.transposed[t * oc + o] = a.params[o * a.patch + t];
    // Pixels per block: a divisor of the row if one is 5..8, else 8 with the last block moved
    // back to overlap the previous one (it recomputes the same values).
    Index pixels = std::min<Index>(8, wo);
    for (Index pb : {8, 7, 6, 5})
        if (wo % pb == 0) {
            pixels = pb;
            break;
        }
    // With 16 registers, two vectors of output channels per block (and at most 6 pixels).
    const bool pairs = !kManyRegisters && oc % (2 * L) == 0;
    if (pairs && pixels > 6) {
        pixels = std::min<Index>(6, wo);
        for (Index pb : {6, 5, 4})
            if (wo % pb == 0) {
                pixels = pb;
                break;
            }
    }
    auto run = [&](auto pc) {
        constexpr int P = decltype(pc)::value;
        for (Index s = 0; s < n; ++s)
            for (Index y = 0; y < ho; ++y)
                for (Index x = 0; x < wo; x += P) {
                    const Index x0 = std::min<Index>(x, wo - P);
                    const Scalar* src = in + s * inCols + (y * w + x0) * c;
                    Scalar* dst = out + s * outCols + (y * wo + x0) * oc;
                    if constexpr (!kManyRegisters && P <= 6) {
                        if (pairs) {
                            for (Index j = 0; j < oc; j += 2 * L)
                                hwcConvBlock<Scalar, P, 2>(src, w * c, c, k, a.transposed + j, oc,
                                                           b + j, dst + j);
                            continue;
                        }
                    }
                    for (Index j = 0; j < oc; j += L)
                        hwcConvBlock<Scalar, P>(src, w * c, c, k, a.transposed + j, oc, b + j,
                                                dst + j);
                }
    };
    using std::integral_constant;
    switch (pixels) {
    case 1:
        run(integral_constant<int, 1>{});
        break;
    case 2:
        run(integral_constant<int, 2>{});
        break;
    case 3:
        run(integral_constant<int, 3>{});
        break;
    case 4:
        run(integral_constant<int, 4>{});
        break;
    case 5:
        run(integral_constant<int, 5>{});
        break;
    case 6:
        run(integral_constant<int, 6>{});
        break;
    case 7:
        run(integral_constant<int, 7>{});
        break;
    default:
        run(integral_constant<int, 8>{});
        break;
    }
}

template <typename Scalar>
void weightGradHwc(const nn::ConvArgs<Scalar>& a, const Scalar* in, const Scalar* g) {
    constexpr Index L = Simd<Scalar>::lanes;
    const Index c = a.c, w = a.w, oc = a.oc, ho = a.ho, wo = a.wo, k = a.k;
    const Index run = k * c;
    if constexpr (!kManyRegisters) {
        // 16 registers: taps in blocks of 6, 4, 2, 1 × two vectors of output channels (each
        // broadcast input feeds two multiply-adds), where the channels come in pairs.
        if (oc % (2 * L) == 0) {
            for (Index j = 0; j < oc; j += 2 * L)
                for (Index ky = 0; ky < k; ++ky) {
                    Index t = 0;
                    auto blocks = [&](auto tbc) {
                        constexpr int TB = decltype(tbc)::value;
                        for (; t + TB <= run; t += TB)
                            hwcWeightGradBlock<Scalar, TB, 2>(
                                in + ky * w * c + t, w, c, g + j, oc, ho, wo,
                                a.weightGrad + (ky * run + t) * oc + j);
                    };
                    blocks(std::integral_constant<int, 6>{});
                    blocks(std::integral_constant<int, 4>{});
                    blocks(std::integral_constant<int, 2>{});
                    blocks(std::integral_constant<int, 1>{});
                }
            return;
        }
    }
    for (Index j = 0; j < oc; j += L) {
        for (Index ky = 0; ky < k; ++ky) {
            // The row's taps in blocks of 16 (32 registers only), 8, 4, 2, 1.
            Index t = 0;
            auto blocks = [&](auto tbc) {
                constexpr int TB = decltype(tbc)::value;
                for (; t + TB <= run; t += TB)
                    hwcWeightGradBlock<Scalar, TB>(in + ky * w * c + t, w, c, g + j, oc, ho, wo,
                                                   a.weightGrad + (ky * run + t) * oc + j);
            };
            if constexpr (kManyRegisters)
                blocks(std::integral_constant<int, 16>{});
            blocks(std::integral_constant<int, 8>{});
            blocks(std::integral_constant<int, 4>{});
            blocks(std::integral_constant<int, 2>{});
            blocks(std::integral_constant<int, 1>{});
        }
    }
}

template <typename Scalar>
void inputGradHwc(const nn::ConvArgs<Scalar>& a, const Scalar* g, Scalar* dIn) {
    constexpr Index L = Simd<Scalar>::lanes;
    // Blocks of PX pixels × up to NV vectors of taps: 4 × 5 with 32 registers, 3 × 3 with 16.
    constexpr Index maxPx = kManyRegisters ? 4 : 3;
    constexpr Index maxNv = kManyRegisters ? 5 : 3;
    const Index c = a.c, w = a.w, oc = a.oc, ho = a.ho, wo = a.wo, k = a.k;
    const Index stride = roundUp(a.patch, L);
    const Index pixels = ho * wo;
    // Patch gradients of every output pixel (a pixels × oc by oc × patch product); the last
    // block of pixels is moved back to overlap (it rewrites the same values).
    const Index px = std::min<Index>(maxPx, pixels);
    for (Index t0 = 0; t0 < stride; t0 += maxNv * L) {
        const Index nv = std::min<Index>(maxNv, (stride - t0) / L);
        for (Index p = 0; p < pixels; p += px) {
            const Index p0 = std::min(p, pixels - px);
            const Scalar* gp = g + p0 * oc;
            const Scalar* wp = a.transposed + t0;
            Scalar* dp = a.patchGrad + p0 * stride + t0;
            auto run = [&](auto nvc) {
                constexpr int NV = decltype(nvc)::value;
                switch (px) {
                case 1:
                    hwcPatchGradBlock<Scalar, NV, 1>(gp, oc, wp, stride, dp);
                    break;
                case 2:
                    hwcPatchGradBlock<Scalar, NV, 2>(gp, oc, wp, stride, dp);
                    break;
                case 3:
                    hwcPatchGradBlock<Scalar, NV, 3>(gp, oc, wp, stride, dp);
                    break;
                default:
                    if constexpr (maxPx >= 4)
                        hwcPatchGradBlock<Scalar, NV, 4>(gp, oc, wp, stride, dp);
                    break;
                }
            };
            using std::integral_constant;
            switch (nv) {
            case 1:
                run(integral_constant<int, 1>{});
                break;
            case 2:
                run(integral_constant<int, 2>{});
                break;
            case 3:
                run(integral_constant<int, 3>{});
                break;
            case 4:
                if constexpr (maxNv >= 4)
                    run(integral_constant<int, 4>{});
                break;
            default:
                if constexpr (maxNv >= 5)
                    run(integral_constant<int, 5>{});
                break;
            }
        }
    }
    // col2im: a kernel row of a patch is k·c contiguous input values of one HWC row.
    std::fill(dIn, dIn + c * a.h * w, Scalar(0));
    auto col2im = [&](auto runc) {
        const Index run = runc; // k·c, a constant for LeNet's 5×5 on 6 channels
        for (Index y = 0; y < ho; ++y)
            for (Index x = 0; x < wo; ++x) {
                const Scalar* src = a.patchGrad + (y * wo + x) * stride;
                for (Index ky = 0; ky < k; ++ky) {
                    Scalar* __restrict dst = dIn + ((y + ky) * w + x) * c;
                    const Scalar* __restrict part = src + ky * run;
                    for (Index t = 0; t < run; ++t)
                        dst[t] += part[t];
                }
            }
    };
    if (k * c == 30)
        col2im(std::integral_constant<Index, 30>{});
    else
        col2im(k * c);
}

template <typename Scalar>
void weightGradPlanar(const nn::ConvArgs<Scalar>& a, const Scalar* planarIn, const Scalar* gp) {
    constexpr Index L = Simd<Scalar>::lanes;
    // Blocks of OB output channels × KC taps kx: 4 × 5 with 32 registers, 2 × 5 with 16.
    constexpr Index maxOb = kManyRegisters ? 4 : 2;
    const Index c = a.c, oc = a.oc, ho = a.ho, wo = a.wo, k = a.k;
    const Index perRow = roundUp(wo, L) / L;
    const Index accO = a.patch * L, accKx = c * L;
    Scalar* db = a.grads + oc * a.patch;
    using Vec = typename Simd<Scalar>::Vec;
    for (Index o = 0; o < oc; ++o) {
        // Vector partial sums (the planar rows are zero beyond the output width).
        Vec sum{};
        for (Index y = 0; y < ho; ++y)
            for (Index x = 0; x < perRow * L; x += L) {
                Vec v;
                std::memcpy(&v, gp + o * a.gPlane + y * a.gRow + x, sizeof(Vec));
                sum += v;
            }
        for (Index l = 0; l < L; ++l)
            db[o] += sum[l];
    }
    for (Index ci = 0; ci < c; ++ci) {
        for (Index ky = 0; ky < k; ++ky) {
            const Scalar* inRow = planarIn + ci * a.inPlane + ky * a.inRow;
            for (Index kx0 = 0; kx0 < k; kx0 += 5) {
                const Index kc = std::min<Index>(5, k - kx0);
                for (Index o0 = 0; o0 < oc; o0 += maxOb) {
                    Scalar* acc = a.weightGrad + o0 * accO + (ky * k + kx0) * accKx + ci * L;
                    const Scalar* gb = gp + o0 * a.gPlane;
                    const Scalar* ib = inRow + kx0;
                    switch (std::min<Index>(maxOb, oc - o0)) {
                    case 1:
                        weightGradKx<Scalar, 1>(kc, ib, a.inRow, gb, a.gPlane, a.gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    case 2:
                        weightGradKx<Scalar, 2>(kc, ib, a.inRow, gb, a.gPlane, a.gRow, ho, perRow,
                                                acc, accO, accKx);
                        break;
                    case 3:
                        if constexpr (maxOb >= 3)
                            weightGradKx<Scalar, 3>(kc, ib, a.inRow, gb, a.gPlane, a.gRow, ho,
                                                    perRow, acc, accO, accKx);
                        break;
                    default:
                        if constexpr (maxOb >= 4)
                            weightGradKx<Scalar, 4>(kc, ib, a.inRow, gb, a.gPlane, a.gRow, ho,
                                                    perRow, acc, accO, accKx);
                        break;
                    }
                }
            }
        }
    }
}

} // namespace

template <typename Scalar>
void convForward(const nn::ConvArgs<Scalar>& a, Index n, const Scalar* in, Scalar* out) {
    if (a.channelVectorised) {
        forwardHwc(a, n, in, out);
        return;
    }
    toPlanar(a, n, in);
    const Scalar* b = a.params + a.oc * a.patch;
    const Index outCols = a.oc * a.ho * a.wo;
    for (Index s = 0; s < n; ++s) {
        planarConv(a.planarIn + s * a.c * a.inPlane, a.inPlane, a.inRow, a.c, a.k, a.params, a.oc,
                   a.planarOut, a.outPlane, a.outRow, a.ho, a.wo);
        planarToHwc(a.planarOut, a.outPlane, a.outRow, a.oc, a.ho, a.wo, b, out + s * outCols);
    }
}

template <typename Scalar>
void convBackward(const nn::ConvArgs<Scalar>& a, Index n, const Scalar* in, const Scalar* dOut,
                  Scalar* dIn, bool planarValid) {
    constexpr Index L = Simd<Scalar>::lanes;
    using Vec = typename Simd<Scalar>::Vec;
    const Index c = a.c, h = a.h, w = a.w, oc = a.oc, ho = a.ho, wo = a.wo, k = a.k;
    const Index patch = a.patch;
    const Index q = k - 1 - a.padding;
    const Index inCols = c * h * w, outCols = oc * ho * wo;
    const bool hwc = a.channelVectorised;
    Scalar* db = a.grads + oc * patch;
    std::fill(db, db + oc, Scalar(0));
    std::fill(a.weightGrad, a.weightGrad + oc * patch * L, Scalar(0));
    if (dIn && hwc) {
        // Weights as [out channel][tap], rows padded with zeros to whole vectors.
        const Index stride = roundUp(patch, L);
        for (Index o = 0; o < oc; ++o)
            for (Index t = 0; t < stride; ++t)
                a.transposed[o * stride + t] = t < patch ? a.params[o * patch + t] : Scalar(0);
    } else if (dIn) {
        // Flipped kernel with swapped channel axes: [ci][ky][kx][o] = w[o][k-1-ky][k-1-kx][ci].
        for (Index o = 0; o < oc; ++o)
            for (Index ky = 0; ky < k; ++ky)
                for (Index kx = 0; kx < k; ++kx)
                    for (Index ci = 0; ci < c; ++ci)
                        a.flipped[((ci * k + ky) * k + kx) * oc + o] =
                            a.params[((o * k + (k - 1 - ky)) * k + (k - 1 - kx)) * c + ci];
    }
    if (!hwc && !planarValid)
        toPlanar(a, n, in); // not the input of the last forward()
    for (Index s = 0; s < n; ++s) {
        const Scalar* g = dOut + s * outCols;
        // The output gradient, planar with a zero border of q (zero beyond the output width),
        // for the planar weight gradient and for dL/d(input).
        Scalar* gp = a.planarGrad + q * a.gRow + q;
        if (hwc) {
            for (Index j = 0; j < oc; j += L) {
                Vec sum{};
                for (Index i = 0; i < ho * wo; ++i) {
                    Vec v;
                    std::memcpy(&v, g + i * oc + j, sizeof(Vec));
                    sum += v;
                }
                for (Index l = 0; l < L; ++l)
                    db[j + l] += sum[l];
            }
            weightGradHwc(a, in + s * inCols, g);
        } else {
            hwcToPlanar(g, oc, ho, wo, gp, a.gPlane, a.gRow);
            weightGradPlanar(a, a.planarIn + s * c * a.inPlane, gp);
        }
        if (!dIn)
            continue;
        if (hwc) {
            inputGradHwc(a, g, dIn + s * inCols);
            continue;
        }
        planarConv(a.planarGrad, a.gPlane, a.gRow, oc, k, a.flipped, c, a.planarOut, a.dInPlane,
                   a.dInRow, h, w);
        planarToHwc<Scalar>(a.planarOut, a.dInPlane, a.dInRow, c, h, w, nullptr, dIn + s * inCols);
    }
    Scalar* dw = a.grads;
    if (hwc) { // partial sums laid out [tap][out channel]
        for (Index o = 0; o < oc; ++o)
            for (Index t = 0; t < patch; ++t)
                dw[o * patch + t] = a.weightGrad[t * oc + o];
        return;
    }
    for (Index i = 0; i < oc * patch; ++i) {
        const Scalar* lanes = a.weightGrad + i * L;
        Scalar sum = 0;
        for (Index l = 0; l < L; ++l)
            sum += lanes[l];
        dw[i] = sum;
    }
}

template void convForward<float>(const nn::ConvArgs<float>&, Index, const float*, float*);
template void convForward<double>(const nn::ConvArgs<double>&, Index, const double*, double*);
template void convBackward<float>(const nn::ConvArgs<float>&, Index, const float*, const float*,
                                  float*, bool);
template void convBackward<double>(const nn::ConvArgs<double>&, Index, const double*, const double*,
                                   double*, bool);

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
