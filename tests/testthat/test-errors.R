# Errors that cross the bridge: Python describes each one as a record (code, headline, details,
# hint) and R signals a duoflow_error_<code> condition from it; R keeps no table of Python classes.

test_that("a Python error with any code becomes duoflow_error_<code> with its record's fields", {
  err <- expect_error(duoflow:::call_python(testing()$raise_error, "brand_new_code", "The headline",
                                            list("first detail", "second detail"), "the fix"),
                      class = "duoflow_error_brand_new_code")
  expect_s3_class(err, "duoflow_error")
  expect_identical(err$code, "brand_new_code")
  expect_identical(err$headline, "The headline")
  expect_identical(err$details, c("first detail", "second detail"))
  expect_identical(err$hint, "the fix")
  expect_identical(conditionMessage(err), "The headline\n  first detail\n  second detail\n  Hint: the fix")
})

test_that("a core error keeps its hint apart from its details", {
  store <- withr::local_tempdir()
  withr::local_envvar(DUOFLOW_DATASTORE_ROOT = store)
  err <- expect_error(flow_client$new("NoSuchFlow"), class = "duoflow_error_not_found")
  expect_match(err$headline, "NoSuchFlow", fixed = TRUE)
  expect_false(any(grepl("Hint:", c(err$headline, err$details), fixed = TRUE)))
  expect_type(err$hint, "character")
  expect_true(nzchar(err$hint))
})

test_that("an error that is not duoflow's is duoflow_error_python, named by its type", {
  err <- expect_error(duoflow:::call_python(testing()$raise_exception, "bad value\nsecond line"),
                      class = "duoflow_error_python")
  expect_identical(err$headline, "ValueError: bad value")
  expect_identical(err$details, "second line")
  expect_null(err$hint)
})

test_that("an error raised in R is not mistaken for the last Python error", {
  expect_error(duoflow:::call_python(testing()$raise_error, "earlier", "An earlier Python error"),
               class = "duoflow_error_earlier")
  err <- expect_error(duoflow:::call_python(function() stop("an R error")), "an R error", fixed = TRUE)
  expect_false(inherits(err, "duoflow_error_earlier"))
  expect_false(grepl("earlier", conditionMessage(err), fixed = TRUE))
})

test_that("R suggests names with the core's rule", {
  duoflow:::bridge()  # configures Python
  suggest <- reticulate::import("duoflow.util.suggest")
  cases <- list(list("retyr", c("retry", "catch")), list("RETRY", c("retry", "catch")),
                list("lates_run", c("latest_run", "runs")), list("abcdefgh", c("abxdefgy", "zzz")))
  for (case in cases) {
    expect_identical(duoflow:::did_you_mean(case[[1]], case[[2]]),
                     suggest$did_you_mean(case[[1]], as.list(case[[2]])), info = case[[1]])
  }
  expect_error(decorator("retyr"), "Did you mean 'retry'?", fixed = TRUE, class = "duoflow_error_invalid_decorator")
})
