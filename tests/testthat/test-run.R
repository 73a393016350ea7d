# Real `Rscript flow.R ...` runs: graph shapes, artifacts, parameters, output, retries,
# failures with their exit codes, resume, show, check and help.

test_that("a flow with branches, nested foreach and a length-1 foreach runs (fork launcher)", {
  result <- run_script("shapes.R", c("run", "--alpha", "0.75"))
  expect_identical(result$status, 0L, info = describe(result))
  expect_match(result$stdout, "start printed", fixed = TRUE)
  expect_match(result$stderr, "start messaged", fixed = TRUE)
  expect_identical(artifact(result, "ShapesFlow", "join_branch", "xs"), c("from a", "from b"))
  expect_identical(artifact(result, "ShapesFlow", "join_branch", "numbers"), c(1.5, NA, 3))
  expect_identical(artifact(result, "ShapesFlow", "join_groups", "totals"), c(4, 2))
  expect_identical(artifact(result, "ShapesFlow", "join_groups", "positions"), c(1L, 2L))
  expect_identical(artifact(result, "ShapesFlow", "join_groups", "grid"), list(c("a1", "a2"), c("b1", "b2")))
  expect_identical(artifact(result, "ShapesFlow", "join_one", "solo_count"), 1L)
  expect_identical(artifact(result, "ShapesFlow", "one", "solo_seen"), "only")
  expect_identical(artifact(result, "ShapesFlow", "end", "alpha_seen"), 0.75)
  expect_identical(artifact(result, "ShapesFlow", "end", "run_id_seen"), result$run_id)
  expect_identical(artifact(result, "ShapesFlow", "end", "task_args")[1:3], c("run", "--alpha", "0.75"))
  frame <- artifact(result, "ShapesFlow", "start", "frame")
  expect_identical(frame, data.frame(g = c("a", "b", "a"), v = c(1, 2, 3), stringsAsFactors = FALSE))
})

test_that("the spawn launcher runs each task as Rscript flow.R step ... and gives the same results", {
  result <- run_script("shapes.R", c("run", "--launcher", "spawn", "--max-workers", "2"))
  expect_identical(result$status, 0L, info = describe(result))
  expect_identical(artifact(result, "ShapesFlow", "join_groups", "grid"), list(c("a1", "a2"), c("b1", "b2")))
  # Only a spawned task is a fresh `Rscript shapes.R step end --run-id <id> ...`.
  args <- artifact(result, "ShapesFlow", "end", "task_args")
  expect_identical(args[1:2], c("step", "end"))
  expect_identical(args[[which(args == "--run-id") + 1L]], result$run_id)
})

test_that("retries happen, a failing step exits 1 with R's message, and resume finishes the run", {
  dir <- flow_dir()
  failed <- run_script("recover.R", "run", dir = dir, env = "FAIL=1")
  expect_identical(failed$status, 1L, info = describe(failed))
  expect_match(failed$stderr, "item 2 is broken", fixed = TRUE)
  expect_match(failed$stderr, "R traceback", fixed = TRUE)
  expect_match(failed$stderr, "Rscript recover.R logs RecoverFlow/", fixed = TRUE)
  expect_identical(artifact(failed, "RecoverFlow", "flaky", "attempts"), 2)
  resumed <- run_script("recover.R", "resume", dir = dir)
  expect_identical(resumed$status, 0L, info = describe(resumed))
  expect_identical(artifact(resumed, "RecoverFlow", "join", "squares"), c(1, 4, 9))
  ran <- artifact(resumed, "RecoverFlow", "join", "ran_in_all")
  expect_identical(ran[[2]], resumed$run_id)
  expect_identical(ran[[1]], failed$run_id)
})

test_that("bad input exits 2: a bad parameter value, an unknown command, an invalid graph", {
  bad_value <- run_script("shapes.R", c("run", "--alpha", "abc"))
  expect_identical(bad_value$status, 2L, info = describe(bad_value))
  expect_match(bad_value$stderr, "alpha", fixed = TRUE)
  unknown <- run_script("shapes.R", "frobnicate")
  expect_identical(unknown$status, 2L, info = describe(unknown))
  dir <- flow_dir()
  writeLines(c("library(duoflow)",
               "metaflow('BadFlow') %>% step(step = 'start', next_step = 'ned') %>% step(step = 'end') %>% run()"),
             file.path(dir, "bad.R"))
  invalid <- run_script("bad.R", "check", dir = dir)
  expect_identical(invalid$status, 2L, info = describe(invalid))
  expect_match(invalid$stderr, "no step has that name. Did you mean 'end'?", fixed = TRUE)
})

test_that("show, check and --help describe the flow without running it", {
  shown <- run_script("shapes.R", "show")
  expect_identical(shown$status, 0L, info = describe(shown))
  expect_match(shown$stdout, "per_group -> inner  (foreach over 'inner_items')", fixed = TRUE)
  checked <- run_script("shapes.R", "check")
  expect_match(checked$stdout, "Flow ShapesFlow is valid", fixed = TRUE)
  help <- run_script("shapes.R", c("run", "--help"))
  expect_identical(help$status, 0L)
  expect_match(help$stdout, "--alpha", fixed = TRUE)
  expect_false(dir.exists(file.path(help$store, "ShapesFlow", "runs")))
})

test_that("parameter names keep their underscores and values are never split", {
  dir <- flow_dir()
  writeLines(c("library(duoflow)",
               "metaflow('ParamFlow') %>% parameter('top_k', default = 5L) %>% parameter('label', default = 'x') %>%",
               "  step(step = 'start', r_function = function(self) { self$k <- self$top_k; self$l <- self$label }, next_step = 'end') %>%",
               "  step(step = 'end') %>% run()"), file.path(dir, "params.R"))
  result <- run_script("params.R", c("run", "--top_k", "3", "--label", "a b_c; $HOME"), dir = dir)
  expect_identical(result$status, 0L, info = describe(result))
  expect_identical(artifact(result, "ParamFlow", "start", "k"), 3L)
  expect_identical(artifact(result, "ParamFlow", "start", "l"), "a b_c; $HOME")
})

test_that("R reads what a Python flow stored", {
  dir <- flow_dir()
  file.copy(test_path("flows", "py_values.py"), dir)
  store <- file.path(dir, "store")
  status <- withr::with_dir(dir, system2(Sys.getenv("DUOFLOW_PYTHON"), c("py_values.py", "run", "--quiet",
                                                                         "--run-id-file", "id"),
                                         env = sprintf("DUOFLOW_DATASTORE_ROOT=%s", store)))
  expect_identical(status, 0L)
  result <- list(store = store, run_id = readLines(file.path(dir, "id"), warn = FALSE))
  get <- function(name) artifact(result, "PyValuesFlow", "start", name)
  expect_identical(get("count"), 3L)
  expect_identical(get("ratio"), 0.25)
  expect_identical(get("label"), "py")
  expect_equal(as.vector(get("vector")), c(1.5, 2.5, NaN))
  expect_identical(as.vector(get("ints")), 1:3)
  expect_identical(unname(get("matrix")[2, ]), c(3, 4, 5))
  frame <- get("frame")
  expect_identical(frame$n, structure(c(1L, NA, 3L), duoflow_dtype = "Int64"))
  expect_identical(frame$s, c("a", "b", NA))
  expect_identical(levels(frame$c), c("x", "y"))
  expect_identical(get("mapping"), list(a = 1L, b = list(1L, 2L)))
  when <- get("when")
  expect_s3_class(when, "POSIXct")
  expect_identical(attr(when, "tzone"), "Europe/Paris")
  expect_identical(get("big"), structure("1180591620717411303424", duoflow_python = "int"))
})
