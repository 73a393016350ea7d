# print(), summary() and as.data.frame() for client objects: a run at a glance, and run and task
# history as data frames for base R filtering and plotting.

columns_frame <- function(columns, times = c("created_at", "finished_at")) {
  cols <- lapply(stats::setNames(names(columns), names(columns)), function(name) {
    col <- columns[[name]]
    if (name %in% times) return(as_time(col))
    if (!length(col)) return(character())
    first <- col[[1]]
    if (is.logical(first)) as_flags(col) else if (is.numeric(first)) as_numbers(col) else as_strings(col)
  })
  data.frame(cols, stringsAsFactors = FALSE, check.names = FALSE)
}

durations <- function(start, end) {
  as.difftime(as.numeric(end) - as.numeric(start), units = "secs")
}

format_duration <- function(seconds) {
  seconds <- as.numeric(seconds)
  if (is.na(seconds)) return("-")
  if (seconds < 60) return(sprintf("%.1fs", seconds))
  if (seconds < 3600) return(sprintf("%dm %02ds", seconds %/% 60, round(seconds %% 60)))
  sprintf("%dh %02dm", seconds %/% 3600, round((seconds %% 3600) / 60))
}

format_bytes <- function(bytes) {
  vapply(as.numeric(bytes), function(b) {
    if (is.na(b)) return("-")
    units <- c("B", "kB", "MB", "GB", "TB")
    i <- if (b < 1) 1L else min(length(units), floor(log(b, 1000)) + 1L)
    if (i == 1L) sprintf("%d B", as.integer(b)) else sprintf("%.1f %s", b / 1000^(i - 1L), units[[i]])
  }, character(1))
}

format_time <- function(time) {
  if (!length(time) || is.na(time)) return("-")
  format(time, "%Y-%m-%d %H:%M:%S %Z")
}

# -- as.data.frame -----------------------------------------------------------------------------

#' Run and task history as data frames
#'
#' `as.data.frame()` on a `flow_client` gives one row per run in the namespace (newest first):
#' `id`, `status`, `successful`, `created_at`, `finished_at` (POSIXct, UTC), `duration`
#' (difftime, seconds), `tags` (user tags, comma-separated) and `origin_run_id` (for resumed
#' runs). On a `step_client`, one row per task: `id`, `status`, `successful`, `attempt`, `index`
#' (1-based foreach position), `created_at`, `finished_at`, `duration`, `pathspec`. On a
#' `run_client`, one row per step with its task counts.
#'
#' @param x A `flow_client`, `run_client` or `step_client`.
#' @param row.names,optional Ignored (for the generic).
#' @param ... Ignored.
#' @return A data.frame.
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' runs <- as.data.frame(flow_client$new("ClientDemoFlow"))
#' runs[runs$successful, c("id", "created_at", "duration")]
#' tasks <- as.data.frame(new_step("ClientDemoFlow", "latest_run", "square"))
#' tasks[, c("id", "status", "index")]
#' @name client_data_frames
NULL

#' @rdname client_data_frames
#' @export
as.data.frame.flow_client <- function(x, row.names = NULL, optional = FALSE, ...) {
  frame <- columns_frame(client_call("runs_table", client_py(x)))
  frame$duration <- durations(frame$created_at, frame$finished_at)
  frame[, c("id", "status", "successful", "created_at", "finished_at", "duration", "tags",
            "origin_run_id"), drop = FALSE]
}

#' @rdname client_data_frames
#' @export
as.data.frame.step_client <- function(x, row.names = NULL, optional = FALSE, ...) {
  frame <- columns_frame(client_call("tasks_table", client_py(x)))
  frame$attempt <- as.integer(frame$attempt)
  frame$index <- as.integer(frame$index)
  frame$duration <- durations(frame$created_at, frame$finished_at)
  frame[, c("id", "status", "successful", "attempt", "index", "created_at", "finished_at",
            "duration", "pathspec"), drop = FALSE]
}

#' @rdname client_data_frames
#' @export
as.data.frame.run_client <- function(x, row.names = NULL, optional = FALSE, ...) {
  frame <- columns_frame(client_call("steps_table", client_py(x)), times = "finished_at")
  if (!nrow(frame)) {
    return(data.frame(step = character(), tasks = integer(), succeeded = integer(), failed = integer(),
                      running = integer(), finished_at = .POSIXct(numeric(), tz = "UTC")))
  }
  for (col in c("tasks", "succeeded", "failed", "running")) frame[[col]] <- as.integer(frame[[col]])
  frame
}

artifacts_frame <- function(x) {
  frame <- columns_frame(client_call("artifacts_table", client_py(x)), times = character())
  if (!nrow(frame) || !"name" %in% names(frame)) {
    return(data.frame(name = character(), type = character(), size = numeric()))
  }
  frame$type <- ifelse(nzchar(frame$r_class), paste0("R ", frame$r_class), frame$type)
  frame[, c("name", "type", "encoding", "size"), drop = FALSE]
}

# -- summary -----------------------------------------------------------------------------------

#' Summaries of flows, runs, steps and tasks
#'
#' `summary()` collects what you look at first: for a run its status, times and duration,
#' parameters, steps with their task counts, and the end step's artifacts with their types and
#' sizes; for a flow its runs; for a step its tasks; for a task its status, artifacts and error.
#' `print()` of a client object shows a one-screen version of the same.
#'
#' @param object,x A `flow_client`, `run_client`, `step_client` or `task_client` (or a summary).
#' @param ... Ignored.
#' @return `summary()`: a list of class `summary.<kind>_client` (print it, or take its parts:
#'   `steps` and `artifacts` are data frames). `print()`: `x`, invisibly.
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' run <- new_run("ClientDemoFlow", "latest_run")
#' run
#' s <- summary(run)
#' s$steps
#' s$artifacts
#' summary(new_flow("ClientDemoFlow"))
#' summary(run$step("square"))
#' summary(run$end_task_client())
#' @name client_summary
NULL

#' @rdname client_summary
#' @export
summary.run_client <- function(object, ...) {
  created <- client_field(object, "created_at")
  finished <- client_field(object, "finished_at")
  structure(list(
    pathspec = .subset2(object, "pathspec"), status = client_field(object, "status"),
    created_at = created, finished_at = finished, duration = durations(created, finished),
    tags = client_field(object, "tags"), parameters = client_field(object, "parameters"),
    origin_run_id = client_field(object, "origin_run_id"),
    steps = as.data.frame.run_client(object), artifacts = artifacts_frame(object)
  ), class = "summary.run_client")
}

#' @rdname client_summary
#' @export
print.summary.run_client <- function(x, ...) {
  cat(sprintf("Run %s: %s\n", x$pathspec, x$status))
  cat(sprintf("  started  %s\n  finished %s\n  duration %s\n", format_time(x$created_at),
              format_time(x$finished_at), format_duration(x$duration)))
  if (!is.null(x$origin_run_id)) cat(sprintf("  resumed from run %s\n", x$origin_run_id))
  if (length(x$tags)) cat(sprintf("  tags     %s\n", paste(x$tags, collapse = ", ")))
  if (length(x$parameters)) {
    cat("Parameters:\n")
    for (name in names(x$parameters)) cat(sprintf("  %s = %s\n", name, short_value(x$parameters[[name]])))
  }
  cat("Steps (tasks: succeeded/failed/running):\n")
  if (nrow(x$steps)) {
    width <- max(nchar(x$steps$step))
    for (i in seq_len(nrow(x$steps))) {
      s <- x$steps[i, ]
      cat(sprintf("  %-*s %3d task%s  %d/%d/%d\n", width, s$step, s$tasks, if (s$tasks == 1L) " " else "s",
                  s$succeeded, s$failed, s$running))
    }
  } else {
    cat("  none yet\n")
  }
  print_artifacts(x$artifacts, "Artifacts of the end step:")
  invisible(x)
}

print_artifacts <- function(artifacts, title) {
  if (!nrow(artifacts)) {
    cat(title, "none\n")
    return(invisible())
  }
  cat(title, "\n", sep = "")
  width <- max(nchar(artifacts$name))
  type_width <- max(nchar(artifacts$type))
  for (i in seq_len(nrow(artifacts))) {
    cat(sprintf("  %-*s %-*s %9s\n", width, artifacts$name[[i]], type_width, artifacts$type[[i]],
                format_bytes(artifacts$size[[i]])))
  }
}

short_value <- function(value) {
  text <- paste(utils::capture.output(utils::str(value, give.attr = FALSE, vec.len = 3)), collapse = " ")
  text <- sub("^ ", "", text)
  if (nchar(text) > 60) paste0(substr(text, 1, 57), "...") else text
}

#' @rdname client_summary
#' @export
summary.flow_client <- function(object, ...) {
  runs <- as.data.frame.flow_client(object)
  structure(list(flow = .subset2(object, "pathspec"), runs = runs,
                 latest_run = client_field(object, "latest_run"),
                 latest_successful_run = client_field(object, "latest_successful_run")),
            class = "summary.flow_client")
}

#' @rdname client_summary
#' @export
print.summary.flow_client <- function(x, ...) {
  counts <- table(factor(x$runs$status))
  cat(sprintf("Flow %s: %d run%s (%s)\n", x$flow, nrow(x$runs), if (nrow(x$runs) == 1L) "" else "s",
              if (length(counts)) paste(sprintf("%d %s", as.integer(counts), names(counts)), collapse = ", ") else "none"))
  cat(sprintf("  latest run            %s\n  latest successful run %s\n",
              x$latest_run %||% "-", x$latest_successful_run %||% "-"))
  if (nrow(x$runs)) {
    shown <- utils::head(x$runs, 10)
    cat("Latest runs:\n")
    for (i in seq_len(nrow(shown))) {
      cat(sprintf("  %s  %-11s %s  %s\n", shown$id[[i]], shown$status[[i]],
                  format_time(shown$created_at[i]), format_duration(shown$duration[i])))
    }
  }
  invisible(x)
}

#' @rdname client_summary
#' @export
summary.step_client <- function(object, ...) {
  structure(list(pathspec = .subset2(object, "pathspec"), tasks = as.data.frame.step_client(object)),
            class = "summary.step_client")
}

#' @rdname client_summary
#' @export
print.summary.step_client <- function(x, ...) {
  counts <- table(factor(x$tasks$status))
  cat(sprintf("Step %s: %d task%s (%s)\n", x$pathspec, nrow(x$tasks), if (nrow(x$tasks) == 1L) "" else "s",
              paste(sprintf("%d %s", as.integer(counts), names(counts)), collapse = ", ")))
  shown <- utils::head(x$tasks, 20)
  for (i in seq_len(nrow(shown))) {
    cat(sprintf("  task %s  %-9s attempt %d%s  %s\n", shown$id[[i]], shown$status[[i]], shown$attempt[[i]],
                if (is.na(shown$index[[i]])) "" else sprintf("  index %d", shown$index[[i]]),
                format_duration(shown$duration[i])))
  }
  if (nrow(x$tasks) > nrow(shown)) cat(sprintf("  ... and %d more\n", nrow(x$tasks) - nrow(shown)))
  invisible(x)
}

#' @rdname client_summary
#' @export
summary.task_client <- function(object, ...) {
  created <- client_field(object, "created_at")
  finished <- client_field(object, "finished_at")
  structure(list(pathspec = .subset2(object, "pathspec"), status = client_field(object, "status"),
                 attempt = client_field(object, "current_attempt"), index = client_field(object, "index"),
                 created_at = created, finished_at = finished, duration = durations(created, finished),
                 artifacts = artifacts_frame(object), exception = client_field(object, "exception")),
            class = "summary.task_client")
}

#' @rdname client_summary
#' @export
print.summary.task_client <- function(x, ...) {
  cat(sprintf("Task %s: %s (attempt %d)%s\n", x$pathspec, x$status, x$attempt,
              if (is.null(x$index)) "" else sprintf(", foreach index %d", x$index)))
  cat(sprintf("  started  %s\n  finished %s\n  duration %s\n", format_time(x$created_at),
              format_time(x$finished_at), format_duration(x$duration)))
  print_artifacts(x$artifacts, "Artifacts:")
  if (!is.null(x$exception)) print(x$exception)
  invisible(x)
}

# -- print -------------------------------------------------------------------------------------

#' @rdname client_summary
#' @export
print.run_client <- function(x, ...) {
  cat(sprintf("<run_client> %s\n", .subset2(x, "pathspec")))
  print(summary.run_client(x))
  invisible(x)
}

#' @rdname client_summary
#' @export
print.flow_client <- function(x, ...) {
  cat(sprintf("<flow_client> %s\n", .subset2(x, "pathspec")))
  print(summary.flow_client(x))
  invisible(x)
}

#' @rdname client_summary
#' @export
print.step_client <- function(x, ...) {
  cat(sprintf("<step_client> %s\n", .subset2(x, "pathspec")))
  print(summary.step_client(x))
  invisible(x)
}

#' @rdname client_summary
#' @export
print.task_client <- function(x, ...) {
  cat(sprintf("<task_client> %s\n", .subset2(x, "pathspec")))
  print(summary.task_client(x))
  invisible(x)
}

#' @export
print.duoflow_task_exception <- function(x, ...) {
  cat(format_caught_error(x$type, x$message, x$traceback, x$attempt), sep = "\n")
  invisible(x)
}

# An error as R users read one: "Error (attempt N): Type: message", then the traceback lines
# that do not repeat it (an R step's error carries its R traceback in the message already).
format_caught_error <- function(type, message, traceback, attempt = NULL) {
  message <- strsplit(message %||% "", "\n", fixed = TRUE)[[1]]
  if (!length(message)) message <- ""
  head <- sprintf("Error%s: %s: %s", if (is.null(attempt)) "" else sprintf(" (attempt %s)", attempt),
                  type, message[1])
  trace <- strsplit(traceback %||% "", "\n", fixed = TRUE)[[1]]
  trace <- trace[nzchar(trimws(trace)) & !trace %in% message & !endsWith(trace, paste0(type, ": ", message[1]))]
  c(head, message[-1], if (length(trace)) paste0("  ", trace))
}

#' What `catch(var = ...)` stored, printed as an error
#'
#' The artifact a caught failure leaves (`self$<var>` in a later step, `task$artifact("<var>")`
#' in the client) is a reference to the Python core's record of the error. It prints as the error:
#' its type, message and traceback (an R step's R traceback), and where it happened; `x$value$type`,
#' `x$value$message`, `x$value$traceback`, `x$value$pathspec` and `x$value$attempt` are its parts.
#' Other Python references print as reticulate prints them.
#' @param x A Python reference returned by the client or `self`.
#' @param ... Passed on.
#' @return `x`, invisibly.
#' @keywords internal
#' @method print duoflow.rbridge.convert.PyRef
#' @export
print.duoflow.rbridge.convert.PyRef <- function(x, ...) {
  # py_get_attr() does not convert: a large Python value is not copied into R just to print it.
  value <- reticulate::py_get_attr(x, "value")
  if (!inherits(value, "duoflow.runtime.task.CaughtException")) return(NextMethod())
  part <- function(name) reticulate::py_to_r(reticulate::py_get_attr(value, name))
  cat(sprintf("<caught error in %s>", part("pathspec")),
      format_caught_error(part("type"), part("message"), part("traceback"), part("attempt")), sep = "\n")
  invisible(x)
}
