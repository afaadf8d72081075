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
# Adam's element-wise update loop needs GCC's vectoriser with its dynamic cost model (-O2's
# "very cheap" model refuses it), -fno-math-errno (otherwise std::sqrt must be able to set errno,
# a scalar call on a negative argument) and room for the run-time overlap checks of its nine
# arrays (GCC drops the __restrict of the lambda's local pointers; it needs 36 checks, the
# default limit is 10). Without them the loop stayed scalar: 73% of the 64-64-10 MLP's training
# time. Element-wise only, no reassociation, and vector sqrt/div are correctly rounded like the
# scalar ones: results are unchanged (the bit-exact optimizer tests pass).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_property(SOURCE optim/adam_update.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/core APPEND
    PROPERTY COMPILE_OPTIONS
    "-ftree-vectorize;-fvect-cost-model=dynamic;-fno-math-errno;--param=vect-max-version-for-alias-checks=64")
endif()
