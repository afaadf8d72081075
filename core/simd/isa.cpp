#include "core/simd/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace optiscope::simd {

const char* isaName(Isa isa) {
    switch (isa) {
    case Isa::Avx2:
        return "avx2";
    case Isa::Avx512:
        return "avx512";
    case Isa::Baseline:
        break;
    }
#if defined(__x86_64__)
    return "sse2";
#else
    return "generic";
#endif
}

bool parseIsa(const std::string& name, Isa* out) {
    if (name == "sse2" || name == "baseline" || name == "generic")
        *out = Isa::Baseline;
    else if (name == "avx2")
        *out = Isa::Avx2;
    else if (name == "avx512")
        *out = Isa::Avx512;
    else
        return false;
    return true;
}

bool isaAvailable(Isa isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init(); // cheap; makes the answers right even during static initialisation
#endif
    switch (isa) {
    case Isa::Baseline:
        return true;
    case Isa::Avx2:
#if defined(OPTISCOPE_SIMD_HAVE_AVX2)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
        return __builtin_cpu_supports("x86-64-v3"); // what -march=x86-64-v3 may use
#else
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
               __builtin_cpu_supports("popcnt");
#endif
#else
        return false;
#endif
    case Isa::Avx512:
#if defined(OPTISCOPE_SIMD_HAVE_AVX512)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
        return __builtin_cpu_supports("x86-64-v4");
#else
        return isaAvailable(Isa::Avx2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");
#endif
#else
        return false;
#endif
    }
    return false;
}

Isa bestIsa() {
    for (Isa isa : {Isa::Avx512, Isa::Avx2})
        if (isaAvailable(isa))
            return isa;
    return Isa::Baseline;
}

Isa activeIsa() {
    static const Isa active = [] {
        Isa best = bestIsa();
        if (const char* env = std::getenv("OPTISCOPE_ISA"); env && *env) {
            Isa wanted;
            if (!parseIsa(env, &wanted))
                std::fprintf(stderr, "OPTISCOPE_ISA=%s: unknown (sse2, avx2 or avx512); using %s\n",
                             env, isaName(best));
            else if (wanted < best)
                best = wanted;
        }
        return best;
    }();
    return active;
}

std::string cpuModelName() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                auto value = line.substr(colon + 1);
                value.erase(0, value.find_first_not_of(" \t"));
                if (!value.empty())
                    return value;
            }
        }
    }
    return "unknown";
}

} // namespace optiscope::simd
