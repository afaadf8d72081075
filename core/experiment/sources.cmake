target_sources(optiscope_core PRIVATE
  experiment/experiment.h
  experiment/experiment_io.h
)
