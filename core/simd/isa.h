// The instruction sets OptiScope's kernels are compiled for, and the one this process uses.
//
// The kernels of core/nn (convolution, dense products, activations, max-pooling) and core/optim
// (the update rules' element-wise loops) are compiled once per instruction-set level into
// separate object libraries (core/simd/sources.cmake); the level is decided once, at the first
// call of activeIsa(), from what the CPU reports. The environment variable
// OPTISCOPE_ISA=sse2|avx2|avx512 forces a lower level (clamped to what the CPU and the build
// have), e.g. to measure the AVX2 path on an AVX-512 machine.
#pragma once

#include <string>

namespace optiscope::simd {

/// Ordered: a level includes everything below it. Baseline is the plain build of the library:
/// SSE2 on x86-64 (portable builds), whatever the compiler targets elsewhere.
enum class Isa { Baseline = 0, Avx2 = 1, Avx512 = 2 };

/// "sse2" for the baseline on x86-64 ("generic" elsewhere), "avx2", "avx512".
const char* isaName(Isa isa);
/// Parses isaName()'s names (and "baseline", "generic"); returns false if unknown.
bool parseIsa(const std::string& name, Isa* out);

/// The best level that both this build and this CPU have (AVX2 means AVX2 + FMA; AVX-512 means
/// F, BW, DQ, VL and CD, i.e. x86-64-v4).
Isa bestIsa();
/// The level in use: bestIsa(), lowered by OPTISCOPE_ISA if set. Decided on the first call.
Isa activeIsa();
/// Whether the kernels of `isa` are built in and may run on this CPU.
bool isaAvailable(Isa isa);

/// The CPU's model name ("model name" in /proc/cpuinfo on Linux), or "unknown".
std::string cpuModelName();

} // namespace optiscope::simd
