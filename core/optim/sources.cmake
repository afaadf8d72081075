# The rules' element-wise loops are in update_kernels.cpp, compiled once per instruction-set level
# (core/simd/sources.cmake).
target_sources(optiscope_core PRIVATE
  optim/update_rule.h
  optim/update_rule.cpp
  optim/update_detail.h
  optim/sgd_update.h
  optim/sgd_update.cpp
  optim/adagrad_update.h
  optim/adagrad_update.cpp
  optim/rmsprop_update.h
  optim/rmsprop_update.cpp
  optim/adadelta_update.h
  optim/adadelta_update.cpp
  optim/adam_update.h
  optim/adam_update.cpp
  optim/adamax_update.h
  optim/adamax_update.cpp
  optim/nadam_update.h
  optim/nadam_update.cpp
  optim/radam_update.h
  optim/radam_update.cpp
  optim/lion_update.h
  optim/lion_update.cpp
  optim/qhm_update.h
  optim/qhm_update.cpp
  optim/qhadam_update.h
  optim/qhadam_update.cpp
  optim/adabelief_update.h
  optim/adabelief_update.cpp
  optim/yogi_update.h
  optim/yogi_update.cpp
)
