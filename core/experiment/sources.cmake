target_sources(optiscope_core PRIVATE
  experiment/experiment.h experiment/experiment.cpp
  experiment/experiment_io.h experiment/experiment_io.cpp experiment/experiment_writer.cpp
  experiment/help_index.h experiment/help_index.cpp
  experiment/json_reader.h experiment/json_reader.cpp
  experiment/study_grid.h experiment/study_grid.cpp
)
