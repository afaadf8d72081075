target_sources(optiscope_core PRIVATE
  run/function_run.h
)
