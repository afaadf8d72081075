target_sources(optiscope_core PRIVATE
  run/experiment_runner.h run/experiment_runner.cpp
  run/function_run.h run/function_run.cpp
  run/run_parts.h run/run_parts.cpp
  run/trace_writer.h run/trace_writer.cpp
)
