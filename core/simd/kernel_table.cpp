#include "core/simd/kernel_table.h"

#include <atomic>

namespace optiscope::simd {

// Each level's table, from its object library (core/simd/sources.cmake).
namespace baseline {
const KernelTable& table();
}
#if defined(OPTISCOPE_SIMD_HAVE_AVX2)
namespace avx2 {
const KernelTable& table();
}
#endif
#if defined(OPTISCOPE_SIMD_HAVE_AVX512)
namespace avx512 {
const KernelTable& table();
}
#endif

const KernelTable* kernelsFor(Isa isa) {
    if (!isaAvailable(isa))
        return nullptr;
    switch (isa) {
    case Isa::Baseline:
        return &baseline::table();
    case Isa::Avx2:
#if defined(OPTISCOPE_SIMD_HAVE_AVX2)
        return &avx2::table();
#else
        break;
#endif
    case Isa::Avx512:
#if defined(OPTISCOPE_SIMD_HAVE_AVX512)
        return &avx512::table();
#else
        break;
#endif
    }
    return nullptr;
}

namespace {
std::atomic<const KernelTable*>& current() {
    static std::atomic<const KernelTable*> table = [] {
        const KernelTable* t = kernelsFor(activeIsa());
        return t ? t : &baseline::table();
    }();
    return table;
}
} // namespace

const KernelTable& kernels() {
    return *current().load(std::memory_order_relaxed);
}

bool useKernels(Isa isa) {
    const KernelTable* t = kernelsFor(isa);
    if (!t)
        return false;
    current().store(t, std::memory_order_relaxed);
    return true;
}

} // namespace optiscope::simd
