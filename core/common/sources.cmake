target_sources(optiscope_core PRIVATE
  common/params.h common/params.cpp
  common/catalog.h
)
