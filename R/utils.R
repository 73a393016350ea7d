#' Gather one artifact from every input of a join
#'
#' @param inputs The `inputs` a join step function receives.
#' @param input The artifact's name.
#' @return A list with the artifact of each input, in split order (named by step for a branch join).
#' @examples
#' join <- function(self, inputs) self$medians <- gather_inputs(inputs, "median")
#' @export
gather_inputs <- function(inputs, input) {
  lapply(inputs, function(i) i[[input]])
}

#' Merge the artifacts the inputs of a join agree on
#'
#' Takes over every artifact all inputs have with the same value (by reference: nothing is
#' copied); artifacts already set in the join are kept. Inputs that disagree on an artifact not
#' listed in `exclude` are an error naming it.
#'
#' @param flow The join step's `self`.
#' @param inputs The join step's `inputs`.
#' @param exclude Names of artifacts not to merge.
#' @param include Only merge these artifacts.
#' @return `flow`, invisibly.
#' @examples
#' join <- function(self, inputs) merge_artifacts(self, inputs, exclude = list("score"))
#' @export
merge_artifacts <- function(flow, inputs, exclude = list(), include = list()) {
  py_inputs <- attr(inputs, "py_inputs")
  if (!inherits(flow, "duoflow_self") || is.null(py_inputs)) {
    duoflow_abort("usage", "merge_artifacts(self, inputs) works inside a join step function")
  }
  call_python(bridge()$merge_artifacts, py_of(flow), py_inputs,
              if (length(include)) as.list(unlist(include)) else NULL,
              if (length(exclude)) as.list(unlist(exclude)) else NULL)
  invisible(flow)
}

#' Facts about the running task
#'
#' @param value One of `"flow_name"`, `"run_id"`, `"step_name"`, `"task_id"`, `"retry_count"`,
#'   `"pathspec"`, `"username"`, `"tags"`, `"origin_run_id"`, `"namespace"`.
#' @return The value (inside a running step; an error elsewhere).
#' @examples
#' start <- function(self) message("running ", current("pathspec"))
#' @export
current <- function(value) {
  from_wire(call_python(bridge()$current_value, value))
}
