target_sources(optiscope_core PRIVATE
  schedule/lr_schedule.h schedule/lr_schedule.cpp
  schedule/keras_schedules.h schedule/keras_schedules.cpp
  schedule/torch_schedules.h schedule/torch_schedules.cpp
  schedule/one_cycle_lr.h schedule/one_cycle_lr.cpp
  schedule/cyclic_lr.h schedule/cyclic_lr.cpp
  schedule/reduce_lr_on_plateau.h schedule/reduce_lr_on_plateau.cpp
)
