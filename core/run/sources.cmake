target_sources(optiscope_core PRIVATE
  run/function_run.h run/function_run.cpp
  run/trace_writer.h run/trace_writer.cpp
)
