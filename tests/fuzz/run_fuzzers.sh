#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DOPTISCOPE_FUZZ=ON) in build-fuzz/ and runs each for
# SECONDS seconds (default 30) on its seed corpus. A crash, a sanitizer report or a failed
# round trip stops the script with the reproducer saved in build-fuzz/artifacts/.
#   tests/fuzz/run_fuzzers.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_experiment fuzz_schedule_request fuzz_csv fuzz_idx fuzz_cifar10 fuzz_expression)

build=${OPTISCOPE_FUZZ_BUILD:-build-fuzz}
# -O1 with line tables: quick to build, fast enough to fuzz, readable stack traces.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DOPTISCOPE_FUZZ=ON \
  -DOPTISCOPE_NATIVE=OFF -DOPTISCOPE_BUILD_TESTS=OFF -DOPTISCOPE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

mkdir -p "$build/artifacts"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  seeds=(tests/fuzz/corpus/$name)
  [ "$t" = fuzz_experiment ] && seeds+=(resources/presets)
  # New inputs go to a scratch corpus, so the checked-in seeds stay small.
  work="$build/corpus/$name"
  mkdir -p "$work"
  echo "=== $t: ${seconds}s"
  set +e
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "$work" "${seeds[@]}" 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|ERROR|INFO: Seed|.*abort)"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "$t failed (status $status); reproducer in $build/artifacts/" >&2
    exit "$status"
  fi
done
echo "fuzzers: all ran clean"
