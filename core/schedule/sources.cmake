target_sources(optiscope_core PRIVATE
  schedule/lr_schedule.h
)
