target_sources(optiscope_core PRIVATE
  study/study_plan.h study/study_plan.cpp
  study/study_job.h study/study_job.cpp
  study/study_stats.h study/study_stats.cpp
  study/study_results.h study/study_results.cpp
  study/study_runner.h study/study_runner.cpp
  study/study_curves.h study/study_curves.cpp
)
