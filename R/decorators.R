#' Step decorators
#'
#' Decorators change how a step runs. Give them to [step()] after the flow:
#' `step(flow, retry(times = 2), step = "train", r_function = train)`.
#' `decorator("retry", times = 2)` is the general form; the helpers fill in the defaults
#' of the Python core.
#'
#' @param x Decorator name: one of `"retry"`, `"catch"`, `"timeout"`, `"environment"`,
#'   `"resources"`.
#' @param ... Named attributes of the decorator (for `environment_variables()`: the variables).
#' @param .convert_args Kept for compatibility with Metaflow's R package; ignored.
#' @return A `duoflow_decorator` value.
#' @examples
#' retry(times = 2)
#' decorator("timeout", minutes = 5)
#' environment_variables(OMP_NUM_THREADS = 1)
#' @export
decorator <- function(x, ..., .convert_args = TRUE) {
  attributes <- list(...)
  known <- c("retry", "catch", "timeout", "environment", "resources")
  if (!is.character(x) || length(x) != 1L || !x %in% known) {
    duoflow_abort("invalid_decorator",
                  sprintf("Unknown decorator %s.%s", format_value(x), did_you_mean(as.character(x)[1], known)),
                  sprintf("Known decorators: %s.", paste(known, collapse = ", ")))
  }
  if (length(attributes) && (is.null(names(attributes)) || any(!nzchar(names(attributes))))) {
    duoflow_abort("invalid_decorator", sprintf("decorator(\"%s\", ...) takes named arguments only", x),
                  hint = sprintf("For example decorator(\"%s\", %s = ...).", x, default_attribute(x)))
  }
  structure(list(name = x, attributes = attributes), class = "duoflow_decorator")
}

default_attribute <- function(name) {
  switch(name, retry = "times", catch = "var", timeout = "seconds", environment = "vars",
         resources = "cpu")
}

#' @rdname decorator
#' @param times How many times to retry a failed task.
#' @param minutes_between_retries Minutes to wait between attempts.
#' @export
retry <- function(times = 3L, minutes_between_retries = 0L) {
  decorator("retry", times = as.integer(times), minutes_between_retries = minutes_between_retries)
}

#' @rdname decorator
#' @param var Artifact name that receives the failure (or `NULL`).
#' @param print_exception Print the failure when it is caught.
#' @export
catch <- function(var = NULL, print_exception = TRUE) {
  decorator("catch", var = var, print_exception = print_exception)
}

#' @rdname decorator
#' @param seconds,minutes,hours The time limit, added up.
#' @export
timeout <- function(seconds = 0L, minutes = 0L, hours = 0L) {
  decorator("timeout", seconds = seconds, minutes = minutes, hours = hours)
}

#' @rdname decorator
#' @param cpu,gpu,memory Resources a scheduler should give the task (recorded locally).
#' @export
resources <- function(cpu = 1L, gpu = 0L, memory = 4096L) {
  decorator("resources", cpu = cpu, gpu = gpu, memory = memory)
}

#' @rdname decorator
#' @export
environment_variables <- function(...) {
  vars <- list(...)
  if (length(vars) && (is.null(names(vars)) || any(!nzchar(names(vars))))) {
    duoflow_abort("invalid_decorator", "environment_variables() takes named values",
                  hint = "For example environment_variables(OMP_NUM_THREADS = 1).")
  }
  decorator("environment", vars = lapply(vars, as.character))
}

#' @export
print.duoflow_decorator <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}

#' @export
format.duoflow_decorator <- function(x, ...) {
  args <- vapply(names(x$attributes), function(n) paste0(n, " = ", format_value(x$attributes[[n]])), "")
  sprintf("@%s(%s)", x$name, paste(args, collapse = ", "))
}

format_value <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.list(x)) return(paste0("list(", paste(names(x), vapply(x, format_value, ""), sep = " = ", collapse = ", "), ")"))
  if (is.character(x)) return(paste0('"', x, '"', collapse = ", "))
  paste(format(x), collapse = ", ")
}
