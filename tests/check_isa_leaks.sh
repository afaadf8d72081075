#!/bin/sh
# The ISA-leak check (ctest check_isa_leaks): code outside the AVX2 and AVX-512 kernels must not
# use the wider registers. The kernels are compiled once per instruction-set level; if one of
# their inline functions (Eigen's, the standard library's) were compiled under the same name by
# two levels, the linker would keep one copy for both, and an SSE2-only CPU could run AVX code.
#
#   tests/check_isa_leaks.sh BINARY...
#
# Disassembles each binary (objdump) and fails if a function outside optiscope::simd::avx2 /
# avx512 (and Eigen_avx2 / Eigen_avx512, Eigen renamed for them) uses a ymm or zmm register, or
# a function of the AVX2 level a zmm register. It also fails if no AVX-512 function uses zmm at
# all (the kernels would then not be where this check looks for them).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
status=0
for binary in "$@"; do
    objdump -d --no-show-raw-insn -C "$binary" | awk -v binary="$binary" '
        /^[0-9a-f]+ <.*>:$/ {
            fn = $0
            if (fn ~ /optiscope::simd::avx512::/ || fn ~ /Eigen_avx512::/) level = "avx512"
            else if (fn ~ /optiscope::simd::avx2::/ || fn ~ /Eigen_avx2::/) level = "avx2"
            else level = "baseline"
            next
        }
        /%ymm[0-9]/ { if (level == "baseline") { leak(); } }
        /%zmm[0-9]/ { if (level == "avx512") wide++; else leak(); }
        function leak() {
            if (!(fn in reported)) { print binary ": " fn; print "    " $0; reported[fn] = 1 }
            leaks++
        }
        END {
            if (leaks) { printf "%s: %d instructions outside their level\n", binary, leaks; exit 1 }
            if (!wide) { printf "%s: no AVX-512 kernel found\n", binary; exit 1 }
            printf "%s: no leak (%d zmm instructions, all in the AVX-512 kernels)\n", binary, wide
        }' || status=1
done
exit $status
