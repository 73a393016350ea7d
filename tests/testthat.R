library(testthat)
library(duoflow)

test_check("duoflow")
