target_sources(optiscope_core PRIVATE
  functions/test_function.h
)
