target_sources(optiscope_core PRIVATE
  optim/update_rule.h
)
