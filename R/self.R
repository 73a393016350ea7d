# `self` inside an R step: `self$x` reads an artifact, `self$x <- value` stores one, through the
# Python flow object of the running task. `self$input` is the foreach item and `self$index` its
# 1-based position.
#
# Each artifact crosses the bridge once per task: the R value is kept in the proxy's cache and a
# second read returns it. R's copy-on-modify keeps that safe (a step that changes its copy makes
# a new one; the cached value never changes). Values with reference semantics (environments,
# Python objects) are not cached: they are read afresh, as before.

new_self <- function(py_flow) proxy_env(py_flow, "duoflow_self")

proxy_env <- function(py, class) {
  env <- new.env(parent = emptyenv())
  assign(".py", py, envir = env)
  assign(".cache", new.env(parent = emptyenv()), envir = env)
  class(env) <- class
  env
}

py_of <- function(x) get(".py", envir = x, inherits = FALSE)

cache_of <- function(x) get(".cache", envir = x, inherits = FALSE)

# The artifact `name` through `read` (a function returning its wire), converted once.
cached_artifact <- function(x, name, read) {
  cache <- cache_of(x)
  if (exists(name, envir = cache, inherits = FALSE)) return(get(name, envir = cache, inherits = FALSE))
  wire <- read()
  keep <- wire$kind %in% c("vector", "data.frame", "null")
  value <- from_wire(wire)
  rm(wire)
  if (keep) assign(name, value, envir = cache)
  value
}

self_get <- function(x, name) {
  api <- bridge()
  py <- py_of(x)
  switch(name,
    input = from_wire(call_python(api$foreach_input, py)),
    index = call_python(api$foreach_index, py),
    cached_artifact(x, name, function() call_python(api$get_artifact, py, name)))
}

self_set <- function(x, name, value) {
  if (name %in% c("input", "index")) {
    duoflow_abort("read_only", sprintf("self$%s is read-only: it is the foreach position", name),
                  hint = "Store your own value under another name.")
  }
  call_python(bridge()$set_artifact, py_of(x), name, to_wire(value))
  cache <- cache_of(x)
  if (exists(name, envir = cache, inherits = FALSE)) rm(list = name, envir = cache)
  invisible(x)
}

#' Artifacts of the running step
#'
#' Inside a step function, `self$x` reads artifact `x` (from this step or the steps before it),
#' `self$x <- value` stores it, and `self[["x"]]` works too. `self$input` is the current
#' foreach item and `self$index` its 1-based position; parameters read like artifacts.
#'
#' @param x The `self` object a step function receives.
#' @param name,i Artifact name.
#' @param value The value to store.
#' @param ... Unused.
#' @return The artifact's value (for `$` and `[[`), or `self` (for assignment).
#' @name self
#' @examples
#' train <- function(self) {
#'   self$model_size <- length(self$features)
#' }
NULL

#' @rdname self
#' @export
`$.duoflow_self` <- function(x, name) self_get(x, name)

#' @rdname self
#' @export
`[[.duoflow_self` <- function(x, i, ...) self_get(x, i)

#' @rdname self
#' @export
`$<-.duoflow_self` <- function(x, name, value) self_set(x, name, value)

#' @rdname self
#' @export
`[[<-.duoflow_self` <- function(x, i, value) self_set(x, i, value)

#' @rdname self
#' @export
names.duoflow_self <- function(x) unlist(call_python(bridge()$artifact_names, py_of(x)))

#' @export
print.duoflow_self <- function(x, ...) {
  cat("<duoflow step self: ", paste(names(x), collapse = ", "), ">\n", sep = "")
  invisible(x)
}

# The inputs of a join: a list of read-only views, named by step for branch joins
# (inputs$a$x) and in split order for foreach joins (inputs[[i]]$x).
new_inputs <- function(py_inputs) {
  api <- bridge()
  views <- call_python(api$input_views, py_inputs)
  inputs <- lapply(views, proxy_env, class = "duoflow_input")
  steps <- vapply(views, function(v) call_python(api$input_step, v), "")
  if (length(steps) && !anyDuplicated(steps)) names(inputs) <- steps
  attr(inputs, "py_inputs") <- py_inputs
  inputs
}

input_get <- function(x, name) {
  api <- bridge()
  py <- py_of(x)
  switch(name,
    index = call_python(api$input_index, py),
    cached_artifact(x, name, function() call_python(api$input_artifact, py, name)))
}

#' @export
`$.duoflow_input` <- function(x, name) input_get(x, name)

#' @export
`[[.duoflow_input` <- function(x, i, ...) input_get(x, i)

#' @export
`$<-.duoflow_input` <- function(x, name, value) {
  duoflow_abort("read_only", sprintf("Join inputs are read-only (tried to set '%s')", name),
                hint = sprintf("Assign to self$%s in the join instead.", name))
}

#' @export
print.duoflow_input <- function(x, ...) {
  cat("<duoflow join input from step ", call_python(bridge()$input_step, py_of(x)), ">\n", sep = "")
  invisible(x)
}
