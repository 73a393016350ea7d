# Decorators from R, run() in an interactive session (a child Rscript), and a missing Python
# package explained.

test_that("catch(), timeout() and environment_variables() work on R steps", {
  dir <- flow_dir()
  writeLines(c(
    "library(duoflow)",
    "boom <- function(self) stop('caught me')",
    "slow <- function(self) Sys.sleep(30)",
    "env <- function(self) { self$seen <- Sys.getenv('GREETING'); self$err <- as.character(self$failure) }",
    "metaflow('DecoFlow') %>%",
    "  step(step = 'start', next_step = 'boom') %>%",
    "  step(catch(var = 'failure'), step = 'boom', r_function = boom, next_step = 'env') %>%",
    "  step(environment_variables(GREETING = 'hi'), step = 'env', r_function = env, next_step = 'end') %>%",
    "  step(step = 'end') %>% run()"), file.path(dir, "deco.R"))
  result <- run_script("deco.R", "run", dir = dir)
  expect_identical(result$status, 0L, info = describe(result))
  expect_identical(artifact(result, "DecoFlow", "env", "seen"), "hi")
  caught <- artifact(result, "DecoFlow", "env", "err")
  # what @catch stored: the failure of 'boom', its type, R's message and the task it happened in
  expect_length(caught, 1L)
  expect_match(caught, "<CaughtException RStepError: caught me", fixed = TRUE)
  expect_match(caught, sprintf("in DecoFlow/%s/boom/", result$run_id), fixed = TRUE)
  expect_match(result$stderr, "@catch: step 'boom' failed", fixed = TRUE)
  writeLines(c(
    "library(duoflow)",
    "metaflow('SlowFlow') %>%",
    "  step(timeout(seconds = 1), step = 'start', r_function = function(self) Sys.sleep(30), next_step = 'end') %>%",
    "  step(step = 'end') %>% run()"), file.path(dir, "slow.R"))
  started <- Sys.time()
  slow <- run_script("slow.R", "run", dir = dir)
  expect_identical(slow$status, 1L)
  expect_lt(as.numeric(difftime(Sys.time(), started, units = "secs")), 25)
  expect_match(slow$stderr, "timed out after 1 s", fixed = TRUE)
})

test_that("an interactive run() runs the flow in a child Rscript and returns its status and run id", {
  dir <- flow_dir()
  flow <- metaflow("ChildFlow") %>%
    step(step = "start", r_function = function(self) self$x <- 41L + 1L, next_step = "end") %>%
    step(step = "end")
  store <- file.path(dir, "store")
  result <- withr::with_envvar(c(DUOFLOW_DATASTORE_ROOT = store,
                                 R_LIBS = paste(.libPaths(), collapse = ":")),
                               withr::with_dir(dir, duoflow:::run_in_child(flow, "run", list(quiet = TRUE))))
  expect_identical(result$status, 0L)
  expect_match(result$run_id, "^[0-9]+$")
  expect_identical(artifact(list(store = store, run_id = result$run_id), "ChildFlow", "start", "x"), 42L)
})

test_that("an interactive run() keeps its runs where the core's rule says, as an absolute path", {
  dir <- flow_dir()
  flow <- metaflow("ChildRootFlow") %>%
    step(step = "start", r_function = function(self) self$x <- 1L, next_step = "end") %>%
    step(step = "end")
  libs <- paste(.libPaths(), collapse = ":")
  # A relative DUOFLOW_DATASTORE_ROOT is the directory under the working directory.
  result <- withr::with_envvar(c(DUOFLOW_DATASTORE_ROOT = "rel-store", R_LIBS = libs),
                               withr::with_dir(dir, duoflow:::run_in_child(flow, "run", list(quiet = TRUE))))
  expect_identical(result$status, 0L)
  expect_identical(result$datastore_root, file.path(normalizePath(dir), "rel-store"))
  expect_true(dir.exists(file.path(dir, "rel-store", "ChildRootFlow")))
  # The S3 datastore without an s3:// root is refused before any child starts.
  err <- withr::with_envvar(c(DUOFLOW_DATASTORE_ROOT = NA, DUOFLOW_DATASTORE = "s3", R_LIBS = libs),
                            withr::with_dir(dir, expect_error(duoflow:::run_in_child(flow, "run", list(quiet = TRUE)),
                                                              class = "duoflow_error_usage")))
  expect_match(err$headline, "The S3 datastore needs an s3:// root", fixed = TRUE)
  expect_false(dir.exists(file.path(dir, ".duoflow")))
})

# A Python that certainly lacks duoflow: a fresh virtual environment made from the test's Python
# (its site-packages start empty, whatever the system has installed).
python_without_duoflow <- function() {
  venv <- tempfile("bare-venv-")
  status <- system2(Sys.getenv("DUOFLOW_PYTHON"), c("-m", "venv", "--without-pip", shQuote(venv)))
  if (status != 0L) stop("could not create a virtual environment in ", venv)
  python <- file.path(venv, if (.Platform$OS.type == "windows") "Scripts/python.exe" else "bin/python")
  has <- system2(python, c("-c", shQuote("import duoflow")), stdout = FALSE, stderr = FALSE,
                 env = "PYTHONPATH=")
  if (has == 0L) stop(python, " can import duoflow: it cannot stand for a Python without it")
  python
}

test_that("a Python without the duoflow package gets an exact install hint", {
  dir <- flow_dir()
  writeLines(c("library(duoflow)",
               "metaflow('NoPy') %>% step(step = 'start', next_step = 'end') %>% step(step = 'end') %>% run()"),
             file.path(dir, "nopy.R"))
  bare <- python_without_duoflow()
  result <- run_script("nopy.R", "run", dir = dir, env = c(sprintf("DUOFLOW_PYTHON=%s", bare), "PYTHONPATH="))
  expect_identical(result$status, 2L, info = describe(result))
  expect_match(result$stderr, "duoflow Python package is not installed", fixed = TRUE)
  expect_match(result$stderr, "pip install", fixed = TRUE)
  expect_match(result$stderr, sprintf("Python used: %s", bare), fixed = TRUE)
})

test_that("run() options become command-line options; parameters keep their names", {
  flow <- metaflow("F") %>% parameter("top_k", default = 1L) %>% parameter("verbose", is_flag = TRUE)
  args <- duoflow:::options_to_args(flow, "run", list(top_k = 3L, max_workers = 2, tag = c("a", "b"),
                                                      verbose = TRUE, quiet = TRUE, with = "retry"))
  expect_identical(args, c("run", "--top_k", "3", "--max-workers", "2", "--tag", "a", "--tag", "b",
                           "--verbose", "--quiet", "--with", "retry"))
})
