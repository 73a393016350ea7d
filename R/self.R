# `self` inside an R step: `self$x` reads an artifact, `self$x <- value` stores one, through the
# Python flow object of the running task. `self$input` is the foreach item and `self$index` its
# 1-based position.

new_self <- function(py_flow) {
  env <- new.env(parent = emptyenv())
  assign(".py", py_flow, envir = env)
  class(env) <- "duoflow_self"
  env
}

py_of <- function(x) get(".py", envir = x, inherits = FALSE)

self_get <- function(x, name) {
  api <- bridge()
  py <- py_of(x)
  switch(name,
    input = from_wire(call_python(api$foreach_input, py)),
    index = call_python(api$foreach_index, py),
    from_wire(call_python(api$get_artifact, py, name)))
}

self_set <- function(x, name, value) {
  if (name %in% c("input", "index")) {
    duoflow_abort("read_only", sprintf("self$%s is read-only: it is the foreach position", name),
                  hint = "Store your own value under another name.")
  }
  call_python(bridge()$set_artifact, py_of(x), name, to_wire(value))
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
  inputs <- lapply(views, function(v) {
    env <- new.env(parent = emptyenv())
    assign(".py", v, envir = env)
    class(env) <- "duoflow_input"
    env
  })
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
    from_wire(call_python(api$input_artifact, py, name)))
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
