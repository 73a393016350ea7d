#' duoflow: reproducible pipelines for R and Python
#'
#' Build a flow with [metaflow()], [step()] and [parameter()], run it with [run()], and pick up
#' a failed run with [resume()]. Step functions read and write artifacts as `self$x`; Python
#' flows and notebooks read the same artifacts.
#'
#' @keywords internal
"_PACKAGE"
