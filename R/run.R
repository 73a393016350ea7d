#' Run a flow
#'
#' Under `Rscript flow.R <command> [options]`, `run()` hands the flow to duoflow's command line:
#' `run`, `resume`, `show`, `check`, `logs`, `dump`, `runs`, `tag`, `--help`; the script then
#' exits with the command's status (0 success, 1 the flow failed, 2 bad input). Without
#' command-line arguments it runs the flow with the options given here. In an interactive session
#' (RStudio), the flow runs in a child `Rscript` process, so your session is never forked; its
#' output streams to the console.
#'
#' @param flow A flow from [metaflow()].
#' @param ... Parameters of the flow (`top_k = 3`) and run options: `max_workers`,
#'   `max_num_splits`, `tag` (a character vector), `with` (decorators for every step, e.g.
#'   `"retry"`), `launcher`, `datastore_root`, `quiet`, `keep_going`; `resume = TRUE` (or a
#'   step name) resumes instead, with `origin_run_id` to pick the run.
#' @return Invisibly, a list with the command's exit `status` (and, in an interactive session, the
#'   `run_id` and `datastore_root`). Called from code, a failed run is an error of class
#'   `duoflow_error_task_failed`.
#' @examples
#' old <- Sys.getenv("DUOFLOW_DATASTORE_ROOT")
#' Sys.setenv(DUOFLOW_DATASTORE_ROOT = file.path(tempdir(), "duoflow-run-example"))
#' metaflow("HelloFlow") %>%
#'   step(step = "start", r_function = function(self) self$x <- 1, next_step = "end") %>%
#'   step(step = "end") %>%
#'   run(quiet = TRUE)
#' Sys.setenv(DUOFLOW_DATASTORE_ROOT = old)
#' @export
run <- function(flow = NULL, ...) {
  options <- list(...)
  resume_from <- options$resume
  options$resume <- NULL
  if (isTRUE(resume_from) || is.character(resume_from)) {
    if (is.character(resume_from)) options$.step <- resume_from
    return(launch(flow, "resume", options))
  }
  launch(flow, "run", options)
}

#' Resume a flow
#'
#' Re-runs the latest run of the flow (or `origin_run_id`) from its first failed step, or from
#' `step`; finished tasks before that point are reused, not run again.
#'
#' @inheritParams run
#' @param step The step to re-run from (default: the first failure).
#' @return Like [run()].
#' @examples
#' old <- Sys.getenv(c("DUOFLOW_DATASTORE_ROOT", "EXAMPLE_FAIL"))
#' Sys.setenv(DUOFLOW_DATASTORE_ROOT = file.path(tempdir(), "duoflow-resume-example"),
#'            EXAMPLE_FAIL = "yes")
#' flow <- metaflow("ResumeExampleFlow") %>%
#'   step(step = "start", r_function = function(self) {
#'     if (Sys.getenv("EXAMPLE_FAIL") == "yes") stop("not ready yet")
#'     self$ready <- TRUE
#'   }, next_step = "end") %>%
#'   step(step = "end")
#' try(run(flow, quiet = TRUE))   # fails in 'start'
#' Sys.setenv(EXAMPLE_FAIL = "no")
#' resume(flow, quiet = TRUE)     # runs 'start' again, with the code as it is now
#' do.call(Sys.setenv, as.list(old))
#' @export
resume <- function(flow = NULL, step = NULL, ...) {
  launch(flow, "resume", c(if (!is.null(step)) list(.step = step), list(...)))
}

launch <- function(flow, command, options) {
  if (!is_flow(flow)) {
    duoflow_abort("not_a_flow", sprintf("%s() needs a flow made by metaflow()", command))
  }
  script <- script_path()
  cli_args <- commandArgs(trailingOnly = TRUE)
  if (interactive() && is.null(script)) return(run_in_child(flow, command, options))
  if (!length(cli_args)) {
    # Called from code (no command line to answer): a failure is an R error, success the status.
    status <- run_here(flow, options_to_args(flow, command, options), script %||% "flow.R", check_graph = TRUE)
    if (status != 0L) {
      duoflow_abort("task_failed", sprintf("The %s of %s failed (exit status %d)", command, flow$name, status),
                    hint = "The output above names the failed task and its logs command.")
    }
    return(invisible(list(status = status)))
  }
  # `Rscript flow.R <command> ...`: the command line decides, and the script exits with its status.
  status <- tryCatch(run_here(flow, cli_args, script %||% "flow.R"), duoflow_error = function(e) {
    message("Error: ", conditionMessage(e))
    2L
  })
  if (!is.null(script) && !interactive()) quit(save = "no", status = status)
  invisible(list(status = status))
}

# With check_graph (run() from code), an invalid graph is a duoflow_error_invalid_graph listing
# every problem; on a command line the command reports it, as for a Python flow.
run_here <- function(flow, argv, script, check_graph = FALSE) {
  check_foreach_artifacts(flow)
  spec <- flow_spec(flow)
  functions <- lapply(flow$steps, function(s) if (is.null(s$r_function)) NULL else step_caller(s$r_function, s$join, s$name))
  functions <- functions[!vapply(functions, is.null, logical(1))]
  rscript <- file.path(R.home("bin"), "Rscript")
  as.integer(call_python(bridge()$run_flow, spec, functions, as.list(argv), script, rscript, check_graph))
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# The R script this process runs (`Rscript flow.R` -> "flow.R"), or NULL.
script_path <- function() {
  args <- commandArgs(trailingOnly = FALSE)
  file <- sub("^--file=", "", args[grepl("^--file=", args)])
  if (length(file)) file[[1]] else NULL
}

# The spec the Python core builds its graph from: plain data, no generated source.
flow_spec <- function(flow) {
  steps <- unname(lapply(flow$steps, function(s) list(
    name = s$name, `next` = as.list(s$next_step), foreach = s$foreach, join = isTRUE(s$join),
    decorators = unname(lapply(s$decorators, function(d) list(name = d$name, attributes = d$attributes))),
    file = s$file, line = s$line)))
  parameters <- unname(lapply(flow$parameters, function(p) list(
    name = p$name, default = p$default, type = p$type, help = p$help, required = p$required,
    is_flag = p$is_flag, separator = p$separator)))
  list(name = flow$name, steps = steps, parameters = parameters)
}

# Wrap a step function so Python can call it with the task's flow object (and join inputs):
# the R error, with its traceback, goes to the task's stderr and fails the task.
step_caller <- function(fn, join, name = "step") {
  force(fn)
  function(py_flow, py_inputs = NULL) {
    self <- new_self(py_flow)
    run_user_code(if (isTRUE(join)) function() fn(self, new_inputs(py_inputs)) else function() fn(self),
                  name)
    NULL
  }
}

# Run a step function; on an R error, fail with R's message and the user's part of the R
# traceback (the task's log and the run's failure summary show both). Warnings are printed to
# the task's stderr as they happen, not deferred to a top level that a task never reaches.
run_user_code <- function(code, name = "step") {
  calls <- NULL
  outcome <- tryCatch(
    withCallingHandlers(code(),
      warning = function(w) {
        message("Warning: ", conditionMessage(w))
        invokeRestart("muffleWarning")
      },
      error = function(e) calls <<- sys.calls()),
    error = function(e) e)
  if (inherits(outcome, "error")) {
    trace <- sub("^fn\\(self", paste0(name, "(self"), user_frames(calls))  # name the step function
    stop(paste0(conditionMessage(outcome),
                if (length(trace)) paste0("\nR traceback (most recent call last):\n",
                                         paste0("  ", trace, collapse = "\n")) else ""), call. = FALSE)
  }
  invisible(NULL)
}

# The frames of the user's code: after duoflow's call of the step function, up to the call that
# entered duoflow again (self$x, a stop() in duoflow) or the condition handling.
user_frames <- function(calls) {
  if (is.null(calls)) return(character())
  text <- vapply(calls, function(call) paste(deparse(call, width.cutoff = 100L, nlines = 1L), collapse = ""), "")
  start <- which(text == "code()")
  if (length(start)) text <- text[-seq_len(start[[1]])]
  stop_at <- grep("^(`\\$<?-?\\.duoflow|`\\[\\[<?-?\\.duoflow|self_(get|set)\\(|call_python\\(|duoflow_abort\\(|value\\[\\[|\\.handleSimpleError|h\\(simpleError|stop\\()", text)
  if (length(stop_at)) text <- text[seq_len(stop_at[[1]] - 1L)]
  text
}

options_to_args <- function(flow, command, options) {
  args <- command
  if (!is.null(options$.step)) args <- c(args, options$.step)
  options$.step <- NULL
  for (name in names(options)) {
    value <- options[[name]]
    if (is.null(value)) next
    is_param <- name %in% names(flow$parameters)
    flag <- if (is_param) paste0("--", name) else paste0("--", gsub("_", "-", name))
    if (is.logical(value) && length(value) == 1L && !is_param) {
      if (isTRUE(value)) args <- c(args, flag)
    } else if (is_param && isTRUE(flow$parameters[[name]]$is_flag)) {
      args <- c(args, if (isTRUE(value)) flag else paste0("--no-", name))
    } else {
      for (v in as.character(value)) args <- c(args, flag, v)
    }
  }
  args
}

check_foreach_artifacts <- function(flow) {
  assigned <- unique(c(names(flow$parameters),
                       unlist(lapply(flow$steps, function(s) assigned_artifacts(s$r_function)))))
  for (s in flow$steps) {
    if (!is.null(s$foreach) && !s$foreach %in% assigned) {
      duoflow_abort("invalid_graph",
                    sprintf("Step '%s' has foreach = \"%s\", but no step assigns self$%s", s$name, s$foreach, s$foreach),
                    sprintf("Artifacts the steps assign: %s.", if (length(assigned)) paste(sort(assigned), collapse = ", ") else "none"),
                    paste0("Assign it before the fan-out, e.g. self$", s$foreach, " <- c(...).",
                           did_you_mean(s$foreach, assigned)))
    }
  }
  invisible(TRUE)
}

# Names assigned as self$name <- ... or self[["name"]] <- ... anywhere in a function's body.
assigned_artifacts <- function(fn) {
  if (!is.function(fn)) return(character())
  found <- character()
  walk <- function(e) {
    if (is.call(e)) {
      if (identical(e[[1]], as.name("<-")) || identical(e[[1]], as.name("="))) {
        target <- e[[2]]
        if (is.call(target) && length(target) == 3L && identical(target[[2]], as.name("self"))) {
          if (identical(target[[1]], as.name("$"))) found <<- c(found, as.character(target[[3]]))
          if (identical(target[[1]], as.name("[[")) && is.character(target[[3]])) found <<- c(found, target[[3]])
        }
      }
      for (part in as.list(e)[-1]) if (!missing(part)) walk(part)
    }
  }
  walk(body(fn))
  unique(found)
}

# In RStudio: save the flow, run it with Rscript in a child process, stream its output.
run_in_child <- function(flow, command, options) {
  rds <- tempfile("duoflow-flow-", fileext = ".rds")
  script <- tempfile("duoflow-run-", fileext = ".R")
  id_file <- tempfile("duoflow-run-id-")
  on.exit(unlink(c(rds, script, id_file)), add = TRUE)
  saveRDS(flow, rds)
  writeLines(c("library(duoflow)", sprintf("flow <- readRDS(%s)", deparse(rds)), "run(flow)"), script)
  args <- options_to_args(flow, command, options)
  if (command %in% c("run", "resume")) args <- c(args, "--run-id-file", id_file)
  rscript <- file.path(R.home("bin"), "Rscript")
  # The flow file is a temporary script: keep the runs where the user works, not beside it.
  root <- call_python(bridge()$datastore_root, getwd())
  env <- c(sprintf("DUOFLOW_DATASTORE_ROOT=%s", root),
           sprintf("R_LIBS=%s", paste(.libPaths(), collapse = .Platform$path.sep)))
  status <- system2(rscript, c(shQuote(script), shQuote(args)), stdout = "", stderr = "", env = env)
  run_id <- if (file.exists(id_file)) readLines(id_file, warn = FALSE)[1] else NULL
  invisible(list(status = status, run_id = run_id, datastore_root = root))
}
