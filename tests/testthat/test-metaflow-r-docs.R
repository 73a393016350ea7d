# The R examples of Metaflow's documentation (basics, failures, debugging, tagging, the client
# page), run as a user runs them: `Rscript flow.R show|run|resume`, then the R client, with
# `library(metaflow)` replaced by `library(duoflow)`. Each test asserts what the docs say happens.
# Then the client-field table: every field of Metaflow R's R6 clients gives the same kind of value.

# Write a flow file (the docs' text) into a fresh directory.
doc_flow <- function(name, lines, dir = flow_dir()) {
  writeLines(c("library(duoflow)", lines), file.path(dir, name))
  dir
}

# `Rscript <flow> <args>` that must succeed (the test fails showing its output otherwise).
run_ok <- function(flow, args = "run", dir, env = character()) {
  result <- run_script(flow, args, dir = dir, env = env)
  expect_identical(result$status, 0L, info = describe(result))
  result
}

# Point the client at a run's datastore for the rest of the calling test.
read_store <- function(result, env = parent.frame()) {
  withr::local_envvar(DUOFLOW_DATASTORE_ROOT = result$store, .local_envir = env)
  withr::defer(set_default_namespace(), envir = env)
  withr::defer(reset_default_metadata(), envir = env)
}

helloworld <- c(
  "start <- function(self){",
  "  print(\"HelloFlow is starting.\")",
  "}",
  "hello <- function(self){",
  "  print(\"Metaflow says: Hi!\")",
  "}",
  "end <- function(self){",
  "  print(\"HelloFlow is all done.\")",
  "}",
  "metaflow(\"HelloFlow\") %>%",
  "  step(step = \"start\", r_function = start, next_step = \"hello\") %>%",
  "  step(step = \"hello\", r_function = hello, next_step = \"end\") %>%",
  "  step(step = \"end\", r_function = end) %>%",
  "  run()")

test_that("basics: helloworld.R show and run, then the client page's navigation", {
  dir <- doc_flow("helloworld.R", helloworld)
  shown <- run_ok("helloworld.R", "show", dir = dir)
  expect_match(shown$stdout, "start -> hello", fixed = TRUE)
  result <- run_ok("helloworld.R", "run", dir = dir)
  expect_match(result$stdout, "Metaflow says: Hi!", fixed = TRUE)
  read_store(result)

  expect_identical(list_flows(), "HelloFlow")
  flow <- flow_client$new("HelloFlow")
  expect_identical(flow$runs, result$run_id)
  run <- run_client$new(flow, result$run_id)
  expect_identical(run_client$new(paste0("HelloFlow/", result$run_id))$pathspec, run$pathspec)
  expect_identical(flow$run(result$run_id)$id, result$run_id)
  expect_identical(run$steps, c("start", "hello", "end"))
  step <- step_client$new(run, "hello")
  expect_identical(step_client$new(paste0("HelloFlow/", result$run_id, "/hello"))$pathspec, step$pathspec)
  expect_type(step$tasks, "character")
  # The documented idiom: a_task is a task id.
  task <- task_client$new(step, step$a_task)
  expect_identical(task$id, step$a_task)
  expect_identical(task_client$new(task$pathspec)$id, task$id)
  expect_match(task$stdout, "Metaflow says: Hi!", fixed = TRUE)
  expect_identical(task$stderr, "")
  expect_null(task$exception)
  expect_true(task$successful)
  expect_identical(run$end_task, run$step("end")$a_task)
  expect_identical(new_task("HelloFlow", result$run_id, "hello", step$a_task)$pathspec, task$pathspec)
  client <- mf_client$new()
  f <- client$flow("HelloFlow")
  s <- client$step(client$run(f, result$run_id), "hello")
  expect_identical(client$task(s, s$a_task)$pathspec, task$pathspec)
})

test_that("a client object where an id is expected: accepted when it fits, else refused saying so", {
  dir <- doc_flow("helloworld.R", helloworld)
  result <- run_ok("helloworld.R", "run", dir = dir)
  read_store(result)
  run <- new_run("HelloFlow", result$run_id)
  step <- run$step("hello")
  task <- step$a_task_client()
  expect_s3_class(task, "task_client")
  expect_identical(task_client$new(step, task)$pathspec, task$pathspec)
  expect_identical(step$task(task)$pathspec, task$pathspec)
  expect_identical(run_client$new(flow_client$new("HelloFlow"), run)$pathspec, run$pathspec)
  expect_identical(task_client$new(task)$pathspec, task$pathspec)

  err <- expect_error(task_client$new(step, run), class = "duoflow_error_usage")
  expect_match(conditionMessage(err), sprintf("Got a run_client (%s) where a task id is expected", run$pathspec),
               fixed = TRUE)
  expect_match(conditionMessage(err), "step$a_task", fixed = TRUE)
  other <- run$step("start")$a_task_client()
  err <- expect_error(task_client$new(step, other), class = "duoflow_error_usage")
  expect_match(conditionMessage(err), sprintf("task_client %s is not a task of %s", other$pathspec, step$pathspec),
               fixed = TRUE)
  err <- expect_error(step_client$new(task), class = "duoflow_error_usage")
  expect_match(conditionMessage(err), "Got a task_client", fixed = TRUE)
  expect_match(conditionMessage(err), "where a step pathspec is expected", fixed = TRUE)
})

test_that("tagging: run --tag, runs_with_tags(...)[[1]], namespaces user:<name>, NULL and a tag", {
  dir <- doc_flow("helloworld.R", helloworld)
  anne <- run_ok("helloworld.R", c("run", "--tag", "crazy_test"), dir = dir, env = "DUOFLOW_USER=anne")
  will <- run_ok("helloworld.R", c("run", "--tag", "xyz_features"), dir = dir, env = "DUOFLOW_USER=will")
  read_store(anne)
  withr::local_envvar(DUOFLOW_USER = "anne")

  expect_identical(get_namespace(), "user:anne")
  run <- flow_client$new("HelloFlow")$runs_with_tags("crazy_test")[[1]]
  expect_s3_class(run, "run_client")
  expect_identical(run$id, anne$run_id)
  expect_true("crazy_test" %in% run$tags)
  expect_length(flow_client$new("HelloFlow")$runs_with_tags("crazy_test", "date:2020-06-01"), 0L)
  expect_identical(flow_client$new("HelloFlow")$latest_run, anne$run_id)
  expect_error(flow_client$new("HelloFlow")$run(will$run_id))

  set_namespace("user:will")
  expect_identical(get_namespace(), "user:will")
  expect_identical(flow_client$new("HelloFlow")$latest_run, will$run_id)
  expect_identical(flow_client$new("HelloFlow")$run(will$run_id)$id, will$run_id)

  set_namespace(NULL)
  expect_null(get_namespace())
  expect_identical(flow_client$new("HelloFlow")$run(anne$run_id)$id, anne$run_id)
  expect_setequal(flow_client$new("HelloFlow")$runs, c(anne$run_id, will$run_id))

  set_namespace("xyz_features")
  expect_identical(flow_client$new("HelloFlow")$latest_run, will$run_id)
  set_default_namespace()
  expect_identical(get_namespace(), "user:anne")
})

test_that("failures: decorator(\"retry\") retries a failing start; catch(var=) keeps the error readable", {
  dir <- doc_flow("retryflow.R", c(
    "start <- function(self){",
    "  if (!file.exists(\"tried\")) {",
    "    file.create(\"tried\")",
    "    stop(\"Bad Luck!\")",
    "  } else {",
    "    print(\"Lucky you!\")",
    "  }",
    "}",
    "end <- function(self){",
    "  print(\"Phew!\")",
    "}",
    "metaflow(\"RetryFlow\") %>%",
    "  step(step=\"start\", decorator(\"retry\"), r_function=start, next_step=\"end\") %>%",
    "  step(step=\"end\", r_function=end) %>%",
    "  run()"))
  retried <- run_ok("retryflow.R", "run", dir = dir)
  expect_match(paste(retried$stdout, retried$stderr), "Bad Luck!", fixed = TRUE)
  expect_match(retried$stdout, "Phew!", fixed = TRUE)

  doc_flow("catchflow.R", dir = dir, c(
    "start <- function(self){",
    "  self$params <- c(1, 0)",
    "}",
    "compute <- function(self){",
    "  if (self$input == 0) stop(\"cannot divide by zero\")",
    "  self$x <- 1 / self$input",
    "}",
    "join <- function(self, inputs){",
    "  for (input in inputs) {",
    "    if (!is.null(input$compute_failed)) {",
    "      print(\"compute failed for parameter:\")",
    "      print(input$compute_failed)",
    "    }",
    "  }",
    "}",
    "metaflow(\"CatchFlow\") %>%",
    "  step(step=\"start\", r_function=start, next_step=\"compute\", foreach=\"params\") %>%",
    "  step(step=\"compute\", decorator(\"catch\", var=\"compute_failed\"), r_function=compute,",
    "       next_step=\"join\") %>%",
    "  step(step=\"join\", r_function=join, join=TRUE, next_step=\"end\") %>%",
    "  step(step=\"end\") %>%",
    "  run()"))
  caught <- run_ok("catchflow.R", "run", dir = dir)
  expect_match(caught$stdout, "compute failed for parameter:", fixed = TRUE)
  expect_match(caught$stdout, "RStepError: cannot divide by zero", fixed = TRUE)
  expect_match(caught$stdout, "R traceback (most recent call last):", fixed = TRUE)
  expect_no_match(caught$stdout, "<Python", fixed = TRUE)

  read_store(caught)
  failed <- Filter(function(t) t$status == "caught", lapply(new_step("CatchFlow", caught$run_id, "compute")$tasks,
                                                             function(id) new_task("CatchFlow", caught$run_id, "compute", id)))
  expect_length(failed, 1L)
  printed <- paste(capture.output(print(failed[[1]]$artifact("compute_failed"))), collapse = "\n")
  expect_match(printed, sprintf("<caught error in %s>", failed[[1]]$pathspec), fixed = TRUE)
  expect_match(printed, "Error (attempt 0): RStepError: cannot divide by zero", fixed = TRUE)
  expect_match(printed, "  compute(self)", fixed = TRUE)
  expect_no_match(printed, "<Python", fixed = TRUE)
  exception <- paste(capture.output(print(failed[[1]]$exception)), collapse = "\n")
  expect_identical(lengths(regmatches(exception, gregexpr("cannot divide by zero", exception))), 1L)
})

test_that("debugging: a failed run, its task's exception and stderr, then resume reuses what succeeded", {
  dir <- doc_flow("debugflow.R", c(
    "start <- function(self){",
    "  self$x <- 1",
    "}",
    "a <- function(self){",
    "  if (Sys.getenv(\"BROKEN\") == \"1\") stop(\"a is broken\")",
    "  self$y <- self$x + 1",
    "}",
    "metaflow(\"DebugFlow\") %>%",
    "  step(step=\"start\", r_function=start, next_step=\"a\") %>%",
    "  step(step=\"a\", r_function=a, next_step=\"end\") %>%",
    "  step(step=\"end\") %>%",
    "  run()"))
  broken <- run_script("debugflow.R", "run", dir = dir, env = "BROKEN=1")
  expect_identical(broken$status, 1L, info = describe(broken))
  fixed <- run_ok("debugflow.R", "resume", dir = dir)
  read_store(fixed)

  failed <- run_client$new("DebugFlow", broken$run_id)
  expect_false(failed$successful)
  expect_null(failed$end_task)
  task <- task_client$new(failed$step("a"), failed$step("a")$a_task)
  expect_false(task$successful)
  expect_identical(task$exception$type, "RStepError")
  expect_match(task$exception$message, "a is broken", fixed = TRUE)
  expect_match(task$stderr, "a is broken", fixed = TRUE)

  run <- run_client$new("DebugFlow", "latest_run")
  expect_identical(run$id, fixed$run_id)
  expect_true(run$successful)
  expect_identical(run$origin_run_id, broken$run_id)
  start <- task_client$new(run$step("start"), run$step("start")$a_task)
  expect_match(start$origin_pathspec, paste0("DebugFlow/", broken$run_id, "/start/"), fixed = TRUE)
  expect_identical(run$artifact("y"), 2)

  # "resume a specific run" and "resume from a step", as the debugging page shows them.
  again <- run_ok("debugflow.R", c("resume", "--origin-run-id", broken$run_id), dir = dir)
  expect_identical(run_client$new("DebugFlow", again$run_id)$origin_run_id, broken$run_id)
  from_start <- run_ok("debugflow.R", c("resume", "start"), dir = dir)
  rerun <- run_client$new("DebugFlow", from_start$run_id)
  expect_null(task_client$new(rerun$step("start"), rerun$step("start")$a_task)$origin_pathspec)
  expect_identical(rerun$origin_run_id, again$run_id)
})

test_that("decorators for remote systems: show and check work, run says what it cannot do", {
  dir <- doc_flow("bigsum.R", c(
    "start <- function(self) {",
    "  self$sum <- sum(1:10)",
    "}",
    "end <- function(self) {",
    "  message(\"sum is: \", self$sum)",
    "}",
    "metaflow(\"BigSumFlowR\") %>%",
    "  step(batch(memory=60000, cpu=1, image=container_image()),",
    "       step=\"start\", r_function=start, next_step=\"end\") %>%",
    "  step(step=\"end\", decorator(\"batch\", memory=1000), r_function=end) %>%",
    "  run()"))
  shown <- run_ok("bigsum.R", "show", dir = dir)
  expect_match(shown$stdout, "@batch(", fixed = TRUE)
  checked <- run_ok("bigsum.R", "check", dir = dir)
  ran <- run_script("bigsum.R", "run", dir = dir)
  expect_identical(ran$status, 2L, info = describe(ran))
  expect_match(ran$stderr, "BigSumFlowR uses what needs a remote system; nothing was run", fixed = TRUE)
  expect_match(ran$stderr, "step 'start': @batch runs steps on AWS Batch", fixed = TRUE)
  expect_match(ran$stderr, "step 'end': @batch", fixed = TRUE)
  expect_false(dir.exists(file.path(ran$store, "BigSumFlowR")) &&
                 length(list.files(file.path(ran$store, "BigSumFlowR"), pattern = "task.json", recursive = TRUE)) > 0)

  expect_match(container_image(), "^rocker/ml:")
  expect_identical(batch(cpu = 2)$attributes, list(cpu = 2, gpu = 0L, memory = 4096L))
  expect_identical(resources(memory = 100)$attributes, list(cpu = 1L, gpu = 0L, memory = 100))
  err <- expect_error(decorator("bach"), class = "duoflow_error_invalid_decorator")
  expect_match(conditionMessage(err), "Did you mean 'batch'?", fixed = TRUE)
})

test_that("metadata: get_metadata(), set_metadata(\"local\"), a path, reset_default_metadata()", {
  dir <- doc_flow("helloworld.R", helloworld)
  result <- run_ok("helloworld.R", "run", dir = dir)
  read_store(result)
  expect_identical(get_metadata(), paste0("local@", result$store))
  expect_identical(set_metadata("local"), paste0("local@", result$store))
  expect_identical(list_flows(), "HelloFlow")

  elsewhere <- withr::local_tempdir()
  withr::local_envvar(DUOFLOW_DATASTORE_ROOT = NA)
  withr::local_dir(elsewhere)
  expect_identical(set_metadata(result$store), paste0("local@", result$store))
  expect_identical(flow_client$new("HelloFlow")$latest_run, result$run_id)
  err <- expect_error(set_metadata("local"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "There is no local datastore to read", fixed = TRUE)
  expect_match(reset_default_metadata(), "^local@")
})

# Metaflow R's R6 fields (R/R/*_client.R in Netflix/metaflow) and the kind of value each gives.
is_id <- function(x) is.character(x) && length(x) == 1L && !is.na(x) && !grepl("/", x, fixed = TRUE)
is_ids <- function(x) is.character(x) && !anyNA(x) && !any(grepl("/", x, fixed = TRUE))
is_time <- function(x) inherits(x, "POSIXct") && length(x) == 1L
is_flag <- function(x) is.logical(x) && length(x) == 1L && !is.na(x)
is_text <- function(x) is.character(x) && length(x) == 1L
is_python_or_null <- function(x) is.null(x) || inherits(x, "python.builtin.object")

metaflow_r_fields <- list(
  flow_client = list(id = is_id, pathspec = is_text, parent = is.null, tags = is.character,
                     created_at = is_time, finished_at = is_time, latest_run = is_id,
                     latest_successful_run = is_id, runs = is_ids),
  run_client = list(id = is_id, created_at = is_time, pathspec = is_text, parent = is_id, tags = is.character,
                    code = is_python_or_null, end_task = is_id, finished = is_flag, finished_at = is_time,
                    successful = is_flag, steps = is_ids, artifacts = is_ids),
  step_client = list(id = is_id, created_at = is_time, pathspec = is_text, parent = is_id, tags = is.character,
                     finished_at = is_time, a_task = is_id, tasks = is_ids),
  task_client = list(id = is_id, pathspec = is_text, parent = is_id, tags = is.character, exception = is.null,
                     created_at = is_time, finished = is_flag, finished_at = is_time, code = is_python_or_null,
                     index = function(x) is.null(x) || (is.integer(x) && length(x) == 1L),
                     metadata_dict = function(x) is.list(x) && !is.null(names(x)) && all(vapply(x, is_text, TRUE)),
                     runtime_name = is_text, stderr = is_text, stdout = is_text, successful = is_flag,
                     artifacts = is_ids)
)

test_that("client-field table: each field of Metaflow R's clients gives the same kind of value", {
  dir <- doc_flow("helloworld.R", helloworld)
  result <- run_ok("helloworld.R", "run", dir = dir)
  read_store(result)
  flow <- flow_client$new("HelloFlow")
  run <- run_client$new(flow, flow$latest_run)
  step <- step_client$new(run, "hello")
  task <- task_client$new(step, step$a_task)
  objects <- list(flow_client = flow, run_client = run, step_client = step, task_client = task)
  for (class in names(metaflow_r_fields)) {
    object <- objects[[class]]
    for (field in names(metaflow_r_fields[[class]])) {
      value <- object[[field]]
      expect_true(metaflow_r_fields[[class]][[field]](value),
                  info = sprintf("%s$%s gave %s", class, field, paste(capture.output(str(value)), collapse = " ")))
    }
    expect_identical(object$super_, object)
    expect_true(object$is_in_namespace())
    expect_true(inherits(object$get_obj(), "python.builtin.object"))
  }
  expect_identical(flow$get_values(), flow$runs)
  expect_identical(run$get_values(), run$steps)
  expect_identical(run[2], "hello")
  expect_identical(step$get_values(), step$tasks)
  expect_identical(task$get_values(), task$artifacts)
  expect_identical(task$runtime_name, "local")
  expect_identical(task$metadata_dict$attempt, "0")
  expect_identical(run$code$flow_file, "helloworld.R")
})
