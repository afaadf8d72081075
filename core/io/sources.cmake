target_sources(optiscope_core PRIVATE
  io/atomic_file.h io/atomic_file.cpp
  io/input_file.h io/input_file.cpp
)
