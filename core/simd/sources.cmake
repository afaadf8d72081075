# Run-time dispatch (core/simd/isa.h, kernel_table.h). The kernels' sources are compiled once per
# instruction-set level into an object library of their own, with the level's flags, the level's
# namespace (optiscope::simd::<level>) and Eigen renamed to Eigen_<level> (Eigen is header-only:
# under one name the linker would keep one level's copy of each inline function for all levels,
# and AVX-512 code would leak into the SSE2 path). tests/check_isa_leaks.sh checks the result.
target_sources(optiscope_core PRIVATE
  simd/isa.h simd/isa.cpp
  simd/kernel_table.h simd/kernel_table.cpp
  simd/level.h
  nn/engine_args.h nn/conv_kernels.h
  optim/update_kernels.h
)

set(OPTISCOPE_SIMD_SOURCES
  nn/conv_engine.cpp
  nn/dense_engine.cpp
  nn/pool_engine.cpp
  optim/update_kernels.cpp
  simd/level_table.cpp)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  # (-fvect-cost-model is GCC's; clang builds the fuzz targets.)
  # Convolution: the vectoriser for the layout copies and col2im, and FMA contraction (the
  # network is compared with PyTorch within tolerances). Dense: FMA as Eigen's own kernels do.
  set_source_files_properties(nn/conv_engine.cpp nn/dense_engine.cpp
    DIRECTORY ${PROJECT_SOURCE_DIR}/core
    PROPERTIES COMPILE_OPTIONS
    "-ftree-vectorize;$<$<CXX_COMPILER_ID:GNU>:-fvect-cost-model=dynamic>;-ffp-contract=fast")
  # Max-pooling: the vectoriser with run-time alias checks (-O2's "very cheap" cost model refuses
  # them); comparisons and copies only.
  set_source_files_properties(nn/pool_engine.cpp
    DIRECTORY ${PROJECT_SOURCE_DIR}/core
    PROPERTIES COMPILE_OPTIONS
    "-ftree-vectorize;$<$<CXX_COMPILER_ID:GNU>:-fvect-cost-model=dynamic>")
  # The update loops stay bit-exact: no contraction (std::fma only where torch fuses),
  # -fno-math-errno so that sqrt vectorises, and room for the run-time overlap checks.
  set_source_files_properties(optim/update_kernels.cpp
    DIRECTORY ${PROJECT_SOURCE_DIR}/core
    PROPERTIES COMPILE_OPTIONS
    "-ftree-vectorize;$<$<CXX_COMPILER_ID:GNU>:-fvect-cost-model=dynamic>;-fno-math-errno;-ffp-contract=off")
  # With AVX-512, the update loops keep 32-byte vectors (as -march=native does on Intel): with
  # 64-byte ones a 2-D function's step (two doubles) took 35% longer.
  set_property(SOURCE optim/update_kernels.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/core APPEND
    PROPERTY COMPILE_OPTIONS
    "$<$<STREQUAL:$<TARGET_PROPERTY:NAME>,optiscope_simd_avx512>:-mprefer-vector-width=256>")
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set_property(SOURCE optim/update_kernels.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/core APPEND
      PROPERTY COMPILE_OPTIONS "--param=vect-max-version-for-alias-checks=64")
    # GCC 12 reports false -W(maybe-)uninitialized warnings inside Eigen's GEMM packing.
    set_property(SOURCE nn/dense_engine.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/core APPEND
      PROPERTY COMPILE_OPTIONS "-Wno-maybe-uninitialized;-Wno-uninitialized")
  endif()
endif()

# optiscope_simd_level(NAME ISA VECTOR_BYTES REGISTERS FLAGS...): one level's object library.
# Not linked to optiscope_warnings: its -march=native must not override the level's flags.
function(optiscope_simd_level name isa bytes registers)
  set(target optiscope_simd_${name})
  add_library(${target} OBJECT ${OPTISCOPE_SIMD_SOURCES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE Eigen3::Eigen)
  target_compile_definitions(${target} PRIVATE
    OPTISCOPE_SIMD_LEVEL=${name}
    OPTISCOPE_SIMD_ISA=optiscope::simd::Isa::${isa}
    OPTISCOPE_SIMD_VECTOR_BYTES=${bytes}
    OPTISCOPE_SIMD_REGISTERS=${registers}
    Eigen=Eigen_${name})
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -ffp-contract=off ${ARGN})
  if(OPTISCOPE_SANITIZE)
    target_compile_options(${target} PRIVATE
      -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  endif()
  set_target_properties(${target} PROPERTIES AUTOMOC OFF AUTOUIC OFF AUTORCC OFF)
  target_sources(optiscope_core PRIVATE $<TARGET_OBJECTS:${target}>)
endfunction()

# The baseline: the plain build of the library (SSE2 on x86-64; -march=native with
# OPTISCOPE_NATIVE), the fallback on every CPU.
if(OPTISCOPE_NATIVE)
  optiscope_simd_level(baseline Baseline 16 16 -march=native)
else()
  optiscope_simd_level(baseline Baseline 16 16)
endif()
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND
   CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  optiscope_simd_level(avx2 Avx2 32 16 -march=x86-64-v3 -mtune=generic)
  optiscope_simd_level(avx512 Avx512 64 32 -march=x86-64-v4 -mtune=generic
                       -mprefer-vector-width=512)
  target_compile_definitions(optiscope_core PRIVATE
    OPTISCOPE_SIMD_HAVE_AVX2=1 OPTISCOPE_SIMD_HAVE_AVX512=1)
  set_property(GLOBAL PROPERTY OPTISCOPE_SIMD_X86 ON)
endif()
