find_package(ZLIB REQUIRED)
target_sources(optiscope_core PRIVATE
  nn/layers.h nn/layers.cpp
  nn/loss.h nn/loss.cpp
  nn/network.h nn/network.cpp
  nn/datasets.h nn/datasets.cpp nn/datasets_files.cpp
  nn/trainer.h nn/trainer.cpp
  nn/network_run.h nn/network_run.cpp
)
target_link_libraries(optiscope_core PRIVATE ZLIB::ZLIB)
# GCC 12 reports false -W(maybe-)uninitialized warnings inside Eigen's AVX-512 GEMM packing
# (gemm_pack_rhs, in the compiler's own avx512fintrin.h) when building with -march=native.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(nn/layers.cpp nn/network.cpp nn/trainer.cpp
    DIRECTORY ${PROJECT_SOURCE_DIR}/core
    PROPERTIES COMPILE_OPTIONS "-Wno-maybe-uninitialized;-Wno-uninitialized")
  # The layers' element-wise loops (ReLU mask, max-pool, col2im) need GCC's loop vectoriser with
  # run-time alias checks, which -O2's "very cheap" cost model refuses (element-wise, so results
  # are unchanged: no reassociation).
  set_property(SOURCE nn/layers.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/core APPEND
    PROPERTY COMPILE_OPTIONS "-ftree-vectorize;-fvect-cost-model=dynamic")
endif()
