target_sources(optiscope_core PRIVATE
  functions/test_function.h
  functions/test_function.cpp
  functions/expression.h
  functions/expression.cpp
  functions/custom_function.h
  functions/custom_function.cpp
  functions/gradient_noise.cpp
  functions/portable_math.h
  functions/portable_math.cpp
)
