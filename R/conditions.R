#' Signal a duoflow error
#'
#' Every error duoflow raises in R is a condition of class `duoflow_error_<code>` (and
#' `duoflow_error`), with a headline, details and a hint, like the Python core's errors.
#'
#' @param code Stable error code, e.g. `"invalid_graph"`.
#' @param headline What failed, where.
#' @param details Character vector: what was found, what was expected.
#' @param hint The fix, or a did-you-mean (optional).
#' @param call The call to report (defaults to none, so messages stay readable).
#' @return Never returns; signals an error condition.
#' @keywords internal
duoflow_abort <- function(code, headline, details = character(), hint = NULL, call = NULL) {
  message <- format_error(headline, details, hint)
  cond <- structure(
    class = c(paste0("duoflow_error_", code), "duoflow_error", "error", "condition"),
    list(message = message, call = call, code = code, headline = headline,
         details = details, hint = hint)
  )
  stop(cond)
}

format_error <- function(headline, details = character(), hint = NULL) {
  lines <- headline
  if (length(details)) lines <- c(lines, paste0("  ", details))
  if (!is.null(hint) && nzchar(hint)) lines <- c(lines, paste0("  Hint: ", hint))
  paste(lines, collapse = "\n")
}

# " Did you mean 'x'?" for the closest candidate, or "": the core's rule, so R and Python suggest
# the same names. Only error messages get here; without a working Python there is no suggestion
# (the error being reported matters more than its hint).
did_you_mean <- function(name, candidates) {
  name <- as.character(name)[1]
  candidates <- unique(as.character(candidates))
  if (is.na(name) || !length(candidates)) return("")
  tryCatch(bridge()$did_you_mean(name, as.list(candidates)), error = function(e) "")
}
