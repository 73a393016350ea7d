# The R client: flow_client, run_client, step_client, task_client and new_*(), their fields,
# artifacts as native R values, print/summary/as.data.frame, namespaces and errors.

# The demo flow runs once; every test gets its own copy of its directory and datastore, so what
# one test adds (more flows, more runs) no other test sees, whatever order they run in.
demo_run <- local({
  pristine <- NULL
  function() {
    if (is.null(pristine)) {
      dir <- flow_dir()
      file.copy(system.file("examples", "client-demo.R", package = "duoflow"), file.path(dir, "client-demo.R"))
      pristine <<- run_script("client-demo.R", c("run", "--scale", "3"), dir = dir)
      expect_identical(pristine$status, 0L, info = describe(pristine))
    }
    dir <- flow_dir()
    copied <- file.copy(list.files(pristine$dir, full.names = TRUE, all.files = TRUE, no.. = TRUE), dir,
                        recursive = TRUE, copy.date = TRUE)
    stopifnot(all(copied))
    utils::modifyList(pristine, list(dir = dir, store = file.path(dir, "store")))
  }
})

# Read the demo's datastore in this process (the client follows DUOFLOW_DATASTORE_ROOT).
use_store <- function(result, env = parent.frame()) {
  withr::local_envvar(DUOFLOW_DATASTORE_ROOT = result$store, .local_envir = env)
  withr::defer(set_default_namespace(), envir = env)
}

test_that("flow_client: id, runs, latest runs, times, tags, list_flows()", {
  result <- demo_run()
  use_store(result)
  flow <- flow_client$new("ClientDemoFlow")
  expect_s3_class(flow, "flow_client")
  expect_identical(flow$id, "ClientDemoFlow")
  expect_identical(flow$pathspec, "ClientDemoFlow")
  expect_identical(flow$runs, result$run_id)
  expect_identical(flow$latest_run, result$run_id)
  expect_identical(flow$latest_successful_run, result$run_id)
  expect_s3_class(flow$created_at, "POSIXct")
  expect_identical(attr(flow$created_at, "tzone"), "UTC")
  expect_true(flow$finished_at >= flow$created_at)
  expect_identical(flow$tags, character())
  expect_identical(flow$run_ids_with_tags("runtime:local"), result$run_id)
  expect_identical(flow$run_ids_with_tags("runtime:local", "no-such-tag"), character())
  expect_identical(flow$runs_with_tags("runtime:local")[[1]]$id, result$run_id)
  expect_identical(flow$runs_with_tags("runtime:local", "no-such-tag"), list())
  expect_identical(list_flows(), "ClientDemoFlow")
  expect_identical(new_flow("ClientDemoFlow")$id, "ClientDemoFlow")
  expect_true(all(c("runs", "latest_run", "run", "summary") %in% names(flow)))
})

test_that("run_client: by pathspec, by flow and id, latest_run and latest_successful_run", {
  result <- demo_run()
  use_store(result)
  pathspec <- paste0("ClientDemoFlow/", result$run_id)
  by_path <- run_client$new(pathspec)
  expect_s3_class(by_path, "run_client")
  expect_identical(by_path$id, result$run_id)
  expect_identical(by_path$pathspec, pathspec)
  expect_identical(by_path$parent, "ClientDemoFlow")
  flow <- flow_client$new("ClientDemoFlow")
  expect_identical(run_client$new(flow, result$run_id)$pathspec, pathspec)
  expect_identical(run_client$new("ClientDemoFlow", "latest_run")$id, result$run_id)
  expect_identical(run_client$new(flow, "latest_successful_run")$id, result$run_id)
  expect_identical(flow$run(result$run_id)$id, result$run_id)
  expect_identical(new_run("ClientDemoFlow", result$run_id)$id, result$run_id)
  expect_identical(new_run("ClientDemoFlow", "latest_run")$id, result$run_id)
})

test_that("run fields: status, times, steps, tags, parameters, artifacts", {
  result <- demo_run()
  use_store(result)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  expect_true(run$successful)
  expect_true(run$finished)
  expect_identical(run$status, "succeeded")
  expect_s3_class(run$created_at, "POSIXct")
  expect_s3_class(run$finished_at, "POSIXct")
  expect_true(run$finished_at >= run$created_at)
  expect_identical(run$steps, c("start", "square", "join", "end"))
  expect_true(any(startsWith(run$tags, "user:")))
  expect_identical(run$parameters, list(scale = 3))
  expect_identical(run$artifacts, c("finished_when", "frame", "numbers", "scale", "squares", "total"))
  expect_null(run$origin_run_id)
  expect_type(run$end_task, "character")
  expect_s3_class(run$end_task_client(), "task_client")
  expect_match(run$end_task_client()$pathspec, paste0("/end/", run$end_task, "$"))
})

test_that("artifacts come back as native R values: run$x, run$artifact(), task$artifact()", {
  result <- demo_run()
  use_store(result)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  expect_identical(run$total, 42)
  expect_identical(run[["total"]], 42)
  expect_identical(run$artifact("squares"), c(3, 12, 27))
  expect_identical(run$frame, data.frame(x = 1:3, label = c("a", "b", "c"), stringsAsFactors = FALSE))
  when <- run$finished_when
  expect_s3_class(when, "POSIXct")
  expect_equal(as.numeric(when), as.numeric(as.POSIXct("2024-01-02 03:04:05", tz = "UTC")))
  expect_identical(attr(when, "tzone"), "UTC")
  task <- run$step("square")$a_task_client()
  expect_identical(task$artifact("squared"), 3)
  expect_identical(task$squared, 3)
})

test_that("step_client and task_client: tasks, fields, logs, index, new_step() and new_task()", {
  result <- demo_run()
  use_store(result)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  step <- step_client$new(run, "square")
  expect_s3_class(step, "step_client")
  expect_identical(step$id, "square")
  expect_identical(step$parent, result$run_id)
  expect_length(step$tasks, 3L)
  expect_s3_class(step$created_at, "POSIXct")
  expect_s3_class(step$finished_at, "POSIXct")
  expect_identical(step_client$new(paste0(run$pathspec, "/square"))$tasks, step$tasks)
  expect_identical(new_step("ClientDemoFlow", result$run_id, "square")$tasks, step$tasks)
  expect_identical(run$step("square")$tasks, step$tasks)

  tasks <- lapply(step$tasks, function(id) task_client$new(step, id))
  expect_setequal(vapply(tasks, function(t) t$index, integer(1)), 1:3)
  first <- tasks[[which(vapply(tasks, function(t) t$index, integer(1)) == 1L)]]
  expect_s3_class(first, "task_client")
  expect_true(first$successful)
  expect_true(first$finished)
  expect_identical(first$status, "succeeded")
  expect_identical(first$parent, "square")
  expect_s3_class(first$created_at, "POSIXct")
  expect_s3_class(first$finished_at, "POSIXct")
  expect_identical(first$current_attempt, 0L)
  expect_identical(first$stdout, "square of 1 \n")
  expect_identical(first$stderr, "")
  expect_null(first$exception)
  expect_identical(first$artifacts, c("frame", "numbers", "scale", "squared"))
  expect_identical(first$tags, run$tags)
  expect_identical(task_client$new(first$pathspec)$id, first$id)
  expect_identical(step$task(first$id)$pathspec, first$pathspec)
  expect_identical(new_task("ClientDemoFlow", result$run_id, "square", first$id)$squared, 3)
  start <- run$step("start")$a_task_client()
  expect_null(start$index)
  expect_match(start$stderr, "start: three numbers", fixed = TRUE)
})

test_that("as.data.frame() gives a flow's runs and a step's tasks (and a run's steps)", {
  result <- demo_run()
  use_store(result)
  runs <- as.data.frame(flow_client$new("ClientDemoFlow"))
  expect_identical(names(runs), c("id", "status", "successful", "created_at", "finished_at", "duration",
                                  "tags", "origin_run_id"))
  expect_identical(runs$id, result$run_id)
  expect_identical(runs$successful, TRUE)
  expect_s3_class(runs$created_at, "POSIXct")
  expect_s3_class(runs$duration, "difftime")
  expect_true(runs$duration >= 0)
  tasks <- as.data.frame(new_step("ClientDemoFlow", "latest_run", "square"))
  expect_identical(nrow(tasks), 3L)
  expect_identical(sort(tasks$index), 1:3)
  expect_identical(tasks$status, rep("succeeded", 3))
  expect_type(tasks$attempt, "integer")
  expect_s3_class(tasks$finished_at, "POSIXct")
  steps <- as.data.frame(run_client$new("ClientDemoFlow", "latest_run"))
  expect_identical(steps$step, c("start", "square", "join", "end"))
  expect_identical(steps$tasks, c(1L, 3L, 1L, 1L))
  expect_identical(steps$succeeded, c(1L, 3L, 1L, 1L))
})

test_that("print() and summary() show status, duration, steps with task counts, artifacts", {
  result <- demo_run()
  use_store(result)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  s <- summary(run)
  expect_s3_class(s, "summary.run_client")
  expect_identical(s$status, "succeeded")
  expect_s3_class(s$duration, "difftime")
  expect_identical(s$steps$tasks, c(1L, 3L, 1L, 1L))
  expect_identical(s$artifacts$name, run$artifacts)
  expect_identical(s$artifacts$type[s$artifacts$name == "frame"], "R data.frame")
  expect_true(all(s$artifacts$size > 0))
  printed <- paste(capture.output(print(run)), collapse = "\n")
  expect_match(printed, paste0("<run_client> ClientDemoFlow/", result$run_id), fixed = TRUE)
  expect_match(printed, "succeeded", fixed = TRUE)
  expect_match(printed, "duration", fixed = TRUE)
  expect_match(printed, "square +3 tasks", perl = TRUE)
  expect_match(printed, "frame +R data.frame +[0-9.]+ (B|kB)", perl = TRUE)
  expect_match(printed, "scale = num 3", fixed = TRUE)
  expect_identical(capture.output(run$summary()), capture.output(print(s)))

  flow_text <- paste(capture.output(print(flow_client$new("ClientDemoFlow"))), collapse = "\n")
  expect_match(flow_text, "Flow ClientDemoFlow: 1 run (1 succeeded)", fixed = TRUE)
  step_text <- paste(capture.output(print(run$step("square"))), collapse = "\n")
  expect_match(step_text, "3 tasks (3 succeeded)", fixed = TRUE)
  expect_match(step_text, "index 2", fixed = TRUE)
  task_text <- paste(capture.output(print(run$end_task_client())), collapse = "\n")
  expect_match(task_text, "succeeded (attempt 0)", fixed = TRUE)
  expect_match(task_text, "total", fixed = TRUE)
  expect_s3_class(summary(flow_client$new("ClientDemoFlow")), "summary.flow_client")
  expect_s3_class(summary(run$step("square")), "summary.step_client")
  expect_s3_class(summary(run$end_task_client()), "summary.task_client")
})

test_that("namespaces: get_namespace(), set_namespace(), set_default_namespace()", {
  result <- demo_run()
  use_store(result)
  expect_match(get_namespace(), "^user:")
  default <- get_namespace()
  expect_identical(set_namespace("user:somebody-else"), "user:somebody-else")
  expect_identical(get_namespace(), "user:somebody-else")
  expect_identical(flow_client$new("ClientDemoFlow")$runs, character())
  expect_null(flow_client$new("ClientDemoFlow")$latest_run)
  err <- expect_error(run_client$new("ClientDemoFlow", "latest_run"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "set_namespace(NULL)", fixed = TRUE)
  expect_error(run_client$new(paste0("ClientDemoFlow/", result$run_id)),
               class = "duoflow_error_namespace_mismatch")
  set_namespace(NULL)
  expect_null(get_namespace())
  expect_identical(flow_client$new("ClientDemoFlow")$runs, result$run_id)
  expect_identical(set_default_namespace(), default)
  expect_error(set_namespace(""), class = "duoflow_error_usage")
})

test_that("errors are classed and say what exists, with a did-you-mean", {
  result <- demo_run()
  use_store(result)
  err <- expect_error(flow_client$new("ClientDemoFlw"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "Did you mean 'ClientDemoFlow'?", fixed = TRUE)
  err <- expect_error(run_client$new("ClientDemoFlow", "123"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), result$run_id, fixed = TRUE)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  err <- expect_error(run$step("sqare"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "Did you mean 'square'?", fixed = TRUE)
  err <- expect_error(step_client$new(run, "sqare"), class = "duoflow_error_not_found")
  err <- expect_error(run$step("square")$task("999"), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "Its tasks", fixed = TRUE)
  err <- expect_error(run$totl, class = "duoflow_error_artifact_not_found")
  expect_match(conditionMessage(err), "Did you mean 'total'?", fixed = TRUE)
  expect_match(conditionMessage(err), "Its artifacts: finished_when, frame", fixed = TRUE)
  expect_error(run$artifact("nothing"), class = "duoflow_error_artifact_not_found")
  err <- expect_error(flow_client$new("ClientDemoFlow")$lates_run, class = "duoflow_error_usage")
  expect_match(conditionMessage(err), "Did you mean 'latest_run'?", fixed = TRUE)
  expect_error(run$total <- 1, class = "duoflow_error_read_only")
  expect_error(run_client$new("not a pathspec"), class = "duoflow_error_usage")
  expect_error(run_client$new("ClientDemoFlow", NA), class = "duoflow_error_usage")
  empty <- withr::local_tempdir()
  withr::local_envvar(DUOFLOW_DATASTORE_ROOT = NA)
  withr::local_dir(empty)
  err <- expect_error(list_flows(), class = "duoflow_error_not_found")
  expect_match(conditionMessage(err), "No duoflow datastore found", fixed = TRUE)
})

test_that("a failed run: status, exception, stderr, latest_run vs latest_successful_run", {
  result <- demo_run()
  dir <- result$dir
  writeLines(c(
    "library(duoflow)",
    "metaflow('ClientFailFlow') %>%",
    "  step(step = 'start', next_step = 'end', r_function = function(self) {",
    "    self$before <- 1L",
    "    if (Sys.getenv('FAIL') == '1') stop('the data is not there')",
    "  }) %>%",
    "  step(step = 'end') %>%",
    "  run()"), file.path(dir, "fail.R"))
  good <- run_script("fail.R", "run", dir = dir)
  expect_identical(good$status, 0L, info = describe(good))
  bad <- run_script("fail.R", "run", dir = dir, env = "FAIL=1")
  expect_identical(bad$status, 1L, info = describe(bad))
  use_store(result)
  flow <- flow_client$new("ClientFailFlow")
  expect_identical(flow$runs, c(bad$run_id, good$run_id))
  expect_identical(flow$latest_run, bad$run_id)
  expect_identical(flow$latest_successful_run, good$run_id)
  failed <- run_client$new(flow, bad$run_id)
  expect_false(failed$successful)
  expect_identical(failed$status, "failed")
  expect_null(failed$end_task)
  task <- failed$step("start")$a_task_client()
  expect_false(task$successful)
  expect_identical(task$status, "failed")
  exception <- task$exception
  expect_s3_class(exception, "duoflow_task_exception")
  expect_match(exception$message, "the data is not there", fixed = TRUE)
  expect_output(print(exception), "the data is not there", fixed = TRUE)
  expect_match(task$stderr, "the data is not there", fixed = TRUE)
  err <- expect_error(failed$before, class = "duoflow_error_artifact_not_found")
  expect_match(conditionMessage(err), "end step did not finish", fixed = TRUE)
  runs <- as.data.frame(flow)
  expect_identical(runs$successful, c(FALSE, TRUE))
  expect_match(paste(capture.output(print(failed)), collapse = "\n"), "start +1 task +0/1/0", perl = TRUE)
})

test_that("Python artifacts: a Python object R can hold, and one it cannot read says what it is", {
  result <- demo_run()
  dir <- result$dir
  dir.create(file.path(dir, "py"))
  writeLines(c("class Secret:", "    def __init__(self, v):", "        self.v = v"),
             file.path(dir, "py", "secretmod.py"))
  writeLines(c(
    "from fractions import Fraction",
    "import pandas as pd",
    "from duoflow import FlowSpec, step",
    "from secretmod import Secret",
    "class PyOnlyFlow(FlowSpec):",
    "    @step",
    "    def start(self):",
    "        self.ratio = Fraction(1, 3)",
    "        self.secret = Secret(7)",
    "        self.table = pd.DataFrame({'a': [1, 2], 'b': ['x', None]})",
    "        self.next(self.end)",
    "    @step",
    "    def end(self):",
    "        pass",
    "if __name__ == '__main__':",
    "    PyOnlyFlow()"), file.path(dir, "py", "pyonly.py"))
  out <- withr::with_dir(file.path(dir, "py"), system2(
    Sys.getenv("DUOFLOW_PYTHON"), c("pyonly.py", "run", "--quiet"), stdout = TRUE, stderr = TRUE,
    env = sprintf("DUOFLOW_DATASTORE_ROOT=%s", result$store)))
  expect_null(attr(out, "status"), info = paste(out, collapse = "\n"))
  use_store(result)
  run <- run_client$new("PyOnlyFlow", "latest_run")
  table <- run$table
  expect_s3_class(table, "data.frame")
  expect_identical(table$b, c("x", NA))
  expect_equal(table$a, c(1L, 2L), ignore_attr = TRUE)  # an int64 column keeps its dtype as an attribute
  ratio <- run$ratio
  expect_true(inherits(ratio, "python.builtin.object"))
  expect_match(format(ratio), "Fraction", fixed = TRUE)
  err <- expect_error(run$secret, class = "duoflow_error_artifact_decode")
  expect_match(conditionMessage(err), "Cannot load artifact 'secret'", fixed = TRUE)
  expect_match(conditionMessage(err), "secretmod", fixed = TRUE)
  s <- summary(run)
  expect_true("secret" %in% s$artifacts$name)
})

test_that("the client works inside a running step: it reads another flow's latest run", {
  result <- demo_run()
  dir <- result$dir
  writeLines(c(
    "library(duoflow)",
    "metaflow('ReaderFlow') %>%",
    "  step(step = 'start', next_step = 'end', r_function = function(self) {",
    "    other <- run_client$new('ClientDemoFlow', 'latest_successful_run')",
    "    self$other_total <- other$total",
    "    self$other_run <- other$id",
    "    self$other_steps <- as.data.frame(other)$tasks",
    "    self$flows <- list_flows()",
    "  }) %>%",
    "  step(step = 'end') %>%",
    "  run()"), file.path(dir, "reader.R"))
  reader <- run_script("reader.R", "run", dir = dir)
  expect_identical(reader$status, 0L, info = describe(reader))
  expect_identical(artifact(reader, "ReaderFlow", "start", "other_total"), 42)
  expect_identical(artifact(reader, "ReaderFlow", "start", "other_run"), result$run_id)
  expect_identical(artifact(reader, "ReaderFlow", "start", "other_steps"), c(1L, 3L, 1L, 1L))
  expect_true("ClientDemoFlow" %in% artifact(reader, "ReaderFlow", "start", "flows"))
})

test_that("a fresh R session that never ran a flow reads results (nearest .duoflow/ above it)", {
  dir <- flow_dir()
  file.copy(system.file("examples", "client-demo.R", package = "duoflow"), file.path(dir, "client-demo.R"))
  # No DUOFLOW_DATASTORE_ROOT: the run stores in the .duoflow/ beside the flow ...
  script <- file.path(dir, "client-demo.R")
  status <- withr::with_dir(dir, system2(rscript(), c("client-demo.R", "run", "--quiet"), stdout = FALSE,
                                         stderr = FALSE, env = c("DUOFLOW_DATASTORE_ROOT=",
                                         sprintf("R_LIBS=%s", paste(.libPaths(), collapse = ":")))))
  expect_identical(status, 0L)
  expect_true(dir.exists(file.path(dir, ".duoflow")))
  # ... and a new Rscript, started in a subdirectory, finds it by looking upward.
  sub <- file.path(dir, "analysis", "notebooks")
  dir.create(sub, recursive = TRUE)
  code <- paste(
    "library(duoflow)",
    "run <- run_client$new('ClientDemoFlow', 'latest_successful_run')",
    "cat('total=', run$total, '\\n', sep = '')",
    "cat('frame=', nrow(run$frame), '\\n', sep = '')",
    "cat('flows=', list_flows(), '\\n', sep = '')",
    "print(run)", sep = "; ")
  out <- withr::with_dir(sub, system2(rscript(), c("-e", shQuote(code)), stdout = TRUE, stderr = TRUE,
                                      env = c("DUOFLOW_DATASTORE_ROOT=",
                                              sprintf("R_LIBS=%s", paste(.libPaths(), collapse = ":")))))
  text <- paste(out, collapse = "\n")
  expect_null(attr(out, "status"), info = text)
  expect_match(text, "total=28", fixed = TRUE)
  expect_match(text, "frame=3", fixed = TRUE)
  expect_match(text, "flows=ClientDemoFlow", fixed = TRUE)
  expect_match(text, "Run ClientDemoFlow/[0-9]+: succeeded", perl = TRUE)
})

test_that("a client object saved with saveRDS() opens again after readRDS()", {
  result <- demo_run()
  use_store(result)
  run <- run_client$new("ClientDemoFlow", "latest_run")
  file <- withr::local_tempfile(fileext = ".rds")
  saveRDS(run, file)
  again <- readRDS(file)
  expect_identical(again$total, 42)
  expect_identical(again$id, run$id)
})
