// The kernel table of one instruction-set level (compiled once per level, see level.h).
#include "core/simd/level.h"

namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL {

namespace {
template <typename Scalar> TypedKernels<Scalar> typed() {
    TypedKernels<Scalar> k;
    k.convForward = &convForward<Scalar>;
    k.convBackward = &convBackward<Scalar>;
    k.denseCreate = &denseCreate<Scalar>;
    k.denseDestroy = &denseDestroy<Scalar>;
    k.denseReserve = &denseReserve<Scalar>;
    k.denseForward = &denseForward<Scalar>;
    k.denseBackward = &denseBackward<Scalar>;
    k.activationForward = &activationForward<Scalar>;
    k.activationBackward = &activationBackward<Scalar>;
    k.maxPoolForward = &maxPoolForward<Scalar>;
    k.maxPoolBackward = &maxPoolBackward<Scalar>;
    k.adamUpdate = &adamUpdate<Scalar>;
    k.adamDerived = &adamDerived<Scalar>;
    k.adamKeras = &adamKeras<Scalar>;
    k.fmaScalar = &fmaScalar<Scalar>;
    k.fmaInPlace = &fmaInPlace<Scalar>;
    k.fmaDecay = &fmaDecay<Scalar>;
    k.scaleInPlace = &scaleInPlace<Scalar>;
    k.rmspropUpdate = &rmspropUpdate<Scalar>;
    k.adagradUpdate = &adagradUpdate<Scalar>;
    k.adadeltaUpdate = &adadeltaUpdate<Scalar>;
    k.adamaxUpdate = &adamaxUpdate<Scalar>;
    k.nadamUpdate = &nadamUpdate<Scalar>;
    k.radamUpdate = &radamUpdate<Scalar>;
    k.qhmUpdate = &qhmUpdate<Scalar>;
    k.qhadamUpdate = &qhadamUpdate<Scalar>;
    k.adabeliefUpdate = &adabeliefUpdate<Scalar>;
    k.yogiUpdate = &yogiUpdate<Scalar>;
    k.lionUpdate = &lionUpdate<Scalar>;
    return k;
}
} // namespace

const KernelTable& table() {
    static const KernelTable t = [] {
        KernelTable k;
        k.isa = OPTISCOPE_SIMD_ISA;
        k.vectorBytes = kVectorBytes;
        k.registers = kRegisters;
        k.f32 = typed<float>();
        k.f64 = typed<double>();
        return k;
    }();
    return t;
}

} // namespace optiscope::simd::OPTISCOPE_SIMD_LEVEL
