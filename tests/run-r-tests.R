# Runs the testthat suite against the installed package and ends with a "N passed, N failed"
# line; exits non-zero when a test fails. Used by `make test`.
suppressPackageStartupMessages({
  library(testthat)
  library(duoflow)
})
results <- as.data.frame(testthat::test_dir("tests/testthat", package = "duoflow", load_package = "installed",
                                            reporter = testthat::ProgressReporter$new(show_praise = FALSE),
                                            stop_on_failure = FALSE))
failed <- sum(results$failed > 0 | results$error)
skipped <- sum(results$skipped & !(results$failed > 0 | results$error))
passed <- nrow(results) - failed - skipped
cat(sprintf("testthat: %d passed, %d failed%s\n", passed, failed,
            if (skipped) sprintf(", %d skipped", skipped) else ""))
quit(status = if (failed > 0) 1L else 0L, save = "no")
