#' Step decorators
#'
#' Decorators change how a step runs. Give them to [step()] after the flow:
#' `step(flow, retry(times = 2), step = "train", r_function = train)`.
#' `decorator("retry", times = 2)` is the general form; the helpers fill in the defaults
#' of the Python core.
#'
#' Decorators for systems duoflow does not run (`decorator("batch", ...)`, [batch()],
#' `"kubernetes"`, `"conda"`, `"pypi"`, `"secrets"`, ...: every name the Python core knows) are
#' accepted when the flow is defined, so a flow written for Metaflow R loads unchanged: `show` and
#' `check` work. `run` refuses such a flow before any task starts, with the Python core's message
#' naming each such step and what to do instead.
#'
#' @param x Decorator name: `"retry"`, `"catch"`, `"timeout"`, `"environment"`, `"resources"`,
#'   or another decorator the Python core knows (`"batch"`, `"kubernetes"`, `"card"`, ...).
#' @param ... Named attributes of the decorator (for `environment_variables()`: the variables).
#' @param .convert_args Kept for compatibility with Metaflow's R package; ignored.
#' @return A `duoflow_decorator` value; `container_image()`: the image name Metaflow R gives
#'   `batch()` by default (`"rocker/ml:<R version>"`), for flows that pass it explicitly.
#' @examples
#' retry(times = 2)
#' decorator("timeout", minutes = 5)
#' environment_variables(OMP_NUM_THREADS = 1)
#' @export
decorator <- function(x, ..., .convert_args = TRUE) {
  attributes <- list(...)
  local <- c("retry", "catch", "timeout", "environment", "resources")
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% local && !x %in% core_decorators()) {
    known <- core_decorators()
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

# A decorator whose NULL attributes mean "not given" (Metaflow R's defaults that have no value).
decorator_without_nulls <- function(name, attributes) {
  do.call(decorator, c(name, Filter(Negate(is.null), attributes)))
}

# Every decorator name the Python core knows (its table of decorators), asked once per session.
core_decorators <- function() {
  if (is.null(.duoflow$decorators)) {
    bridge()
    module <- reticulate::import("duoflow.decorators", convert = FALSE)
    builtins <- reticulate::import_builtins(convert = FALSE)
    .duoflow$decorators <- as.character(reticulate::py_to_r(builtins$sorted(module$SPECS)))
  }
  .duoflow$decorators
}

default_attribute <- function(name) {
  switch(name, retry = "times", catch = "var", timeout = "seconds", environment = "vars",
         resources = , batch = , kubernetes = "cpu", "value")
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
#' @param shared_memory As in Metaflow R's `resources()` and `batch()` (`NULL` is left out; for
#'   `resources()` the Python core says whether it takes a value).
#' @export
resources <- function(cpu = 1L, gpu = 0L, memory = 4096L, shared_memory = NULL) {
  decorator_without_nulls("resources", list(cpu = cpu, gpu = gpu, memory = memory,
                                            shared_memory = shared_memory))
}

#' @rdname decorator
#' @param image,queue,iam_role,execution_role,max_swap,swappiness AWS Batch
#'   settings, as in Metaflow R's `batch()` (recorded; `NULL` ones are left out).
#' @export
batch <- function(cpu = 1L, gpu = 0L, memory = 4096L, image = NULL, queue = NULL, iam_role = NULL,
                  execution_role = NULL, shared_memory = NULL, max_swap = NULL, swappiness = NULL) {
  decorator_without_nulls("batch", list(cpu = cpu, gpu = gpu, memory = memory, image = image,
                                        queue = queue, iam_role = iam_role,
                                        execution_role = execution_role, shared_memory = shared_memory,
                                        max_swap = max_swap, swappiness = swappiness))
}

#' @rdname decorator
#' @export
container_image <- function() {
  tags <- c("3.5.2", "3.5.3", "3.6.0", "3.6.1", "4.0.0", "4.0.1", "4.0.2")
  version <- paste(R.version$major, R.version$minor, sep = ".")
  if (version %in% tags) return(paste0("rocker/ml:", version))
  minor <- sub("^(\\d+\\.\\d+).*", "\\1", version)
  tag <- if (utils::compareVersion(minor, "3.5") < 0) "3.5.2" else
    switch(minor, "3.5" = "3.5.3", "3.6" = "3.6.1", "4.0.2")
  paste0("rocker/ml:", tag)
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
