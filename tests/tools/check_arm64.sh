#!/usr/bin/env bash
# The aarch64 (64-bit ARM) build, checked on an x86-64 machine: cross-compiles the library and the
# tests that need neither Qt Widgets nor optiscope-cli (-DOPTISCOPE_BUILD_GUI=OFF: the numerical
# tests, tst_datasets, tst_help_and_presets) with cmake/toolchain-aarch64-linux-gnu.cmake and runs
# them under QEMU user-mode emulation (ctest starts each one through qemu-aarch64). Off x86 only
# the baseline kernels are built (core/simd/sources.cmake); this is where they are compiled and
# run for ARM. Not part of .ci/run.
#
#   tests/tools/check_arm64.sh [BUILD_DIR]        (default: build-arm64)
#
# Installs nothing. Needs, on Debian 12 (as root, once):
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install --no-install-recommends g++-aarch64-linux-gnu qemu-user-static \
#       qt6-base-dev:arm64 zlib1g-dev:arm64 libboost1.74-dev:arm64
# plus the host's packages of debian-packages.txt (host Qt 6 for moc, Eigen, nlohmann-json).
# OPTISCOPE_REFERENCE_DIR (environment) overrides the folder of the PyTorch/Keras golden data.
# On a 2-core x86-64 machine: 3 to 5 min to build (-j2), 1 to 2 min for the tests under QEMU.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-arm64}

missing=
for tool in aarch64-linux-gnu-g++ qemu-aarch64-static cmake ninja; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
for f in /usr/lib/aarch64-linux-gnu/cmake/Qt6Test/Qt6TestConfig.cmake /usr/lib/qt6/libexec/moc; do
  [ -e "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
  echo "missing:$missing (see the packages at the top of $0)" >&2
  exit 2
fi

reference=()
[ -n "${OPTISCOPE_REFERENCE_DIR:-}" ] && reference=(-DOPTISCOPE_REFERENCE_DIR="$OPTISCOPE_REFERENCE_DIR")

start=$SECONDS
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-aarch64-linux-gnu.cmake" \
  -DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR=/usr/lib/x86_64-linux-gnu/cmake \
  -DOPTISCOPE_BUILD_GUI=OFF -DOPTISCOPE_BUILD_BENCH=OFF "${reference[@]}"
cmake --build "$build" -j2
built=$SECONDS
readelf -h "$build/tests/tst_dispatch" | grep -q AArch64 ||
  { echo "$build/tests/tst_dispatch is not an aarch64 binary" >&2; exit 1; }
# Emulated: allow ten times the native timeout of 600 s per test.
status=0
ctest --test-dir "$build" --output-on-failure -j2 --timeout 6000 || status=$?
echo "aarch64 check: configure + build $((built - start)) s, tests (qemu) $((SECONDS - built)) s"
exit $status
