# Cross build for 64-bit ARM Linux (aarch64) on a Debian/Ubuntu x86-64 host, with the distribution's
# cross compiler (g++-aarch64-linux-gnu) and its arm64 libraries installed through multiarch
# (dpkg --add-architecture arm64; qt6-base-dev:arm64, zlib1g-dev:arm64, libboost1.74-dev:arm64).
# The tests run under QEMU user-mode emulation (qemu-user-static): ctest starts each one through
# CMAKE_CROSSCOMPILING_EMULATOR. Qt's build tools (moc) are the host's: pass -DQT_HOST_PATH=/usr.
# tests/tools/check_arm64.sh configures, builds and runs the non-GUI tests with this file.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# GCC's notes that passing std::pair changed in GCC 10.1 concern linking with objects of older
# compilers only.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")

# Debian multiarch: the arm64 libraries live in /usr/lib/aarch64-linux-gnu beside the host's, the
# headers of architecture-independent packages (Eigen, nlohmann-json) in /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# The arm64 dynamic loader and libraries are multiarch ones (libc6:arm64, pulled in by the Qt
# packages): qemu-aarch64 finds them at their usual paths.
find_program(OPTISCOPE_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(OPTISCOPE_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${OPTISCOPE_QEMU_AARCH64}")
endif()
