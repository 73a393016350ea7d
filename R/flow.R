#' Start a flow
#'
#' `metaflow("Name")` starts an empty flow; add steps and parameters with [step()] and
#' [parameter()], then [run()] it. A flow is an ordinary immutable R value: every verb returns a
#' new flow and nothing is assigned anywhere else.
#'
#' @param cls The flow's name (a valid identifier, like a Python class name).
#' @param ... Flow-level decorators (recorded with the flow).
#' @return A `duoflow_flow` value.
#' @examples
#' flow <- metaflow("HelloFlow") %>%
#'   step(step = "start", r_function = function(self) self$greeting <- "hi", next_step = "end") %>%
#'   step(step = "end")
#' flow
#' @export
metaflow <- function(cls, ...) {
  if (!is_identifier(cls)) {
    duoflow_abort("invalid_graph", sprintf("%s is not a valid flow name", format_value(cls)),
                  hint = "Use letters, digits and underscores, starting with a letter: metaflow(\"MyFlow\").")
  }
  decorators <- list(...)
  check_decorators(decorators, sprintf("metaflow(\"%s\", ...)", cls))
  structure(list(name = cls, steps = list(), parameters = list(), decorators = decorators),
            class = "duoflow_flow")
}

#' Is this a duoflow flow?
#' @param x Any value.
#' @return `TRUE` for values made by [metaflow()].
#' @examples
#' is_flow(metaflow("A"))
#' @export
is_flow <- function(x) inherits(x, "duoflow_flow")

#' @export
print.duoflow_flow <- function(x, ...) {
  cat(format(x, ...), sep = "\n")
  invisible(x)
}

#' @export
format.duoflow_flow <- function(x, ...) {
  n_steps <- length(x$steps)
  n_params <- length(x$parameters)
  lines <- sprintf("<duoflow flow %s: %d step%s, %d parameter%s>", x$name, n_steps,
                   if (n_steps == 1) "" else "s", n_params, if (n_params == 1) "" else "s")
  if (n_params) {
    lines <- c(lines, "Parameters:")
    for (p in x$parameters) {
      default <- if (is.null(p$default)) "" else paste0(", default ", format_value(p$default))
      help <- if (is.null(p$help)) "" else paste0(": ", p$help)
      lines <- c(lines, sprintf("  --%s (%s%s)%s", p$name, p$type, default, help))
    }
  }
  if (n_steps) {
    lines <- c(lines, "Steps:")
    for (s in x$steps) lines <- c(lines, paste0("  ", describe_step(s)))
  }
  lines
}

describe_step <- function(s) {
  kind <- if (isTRUE(s$join)) " (join)" else ""
  text <- if (length(s$next_step)) sprintf("%s%s -> %s", s$name, kind, paste(s$next_step, collapse = ", "))
          else sprintf("%s%s", s$name, kind)
  if (!is.null(s$foreach)) text <- sprintf("%s  (foreach over '%s')", text, s$foreach)
  decos <- vapply(s$decorators, format, "")
  if (length(decos)) text <- paste(text, paste(decos, collapse = " "))
  if (is.null(s$r_function) && s$name != "end") text <- paste(text, "[no function]")
  text
}

is_identifier <- function(x) {
  is.character(x) && length(x) == 1L && !is.na(x) && grepl("^[A-Za-z][A-Za-z0-9_]*$", x)
}

# R's reserved words (if, function, TRUE, NULL, next, ...: see ?Reserved): valid-looking names
# that R code cannot write after `$`. make.names() is R's own test for them.
is_r_reserved_word <- function(x) is_identifier(x) && make.names(x) != x

# Names that would shadow what every step's self offers (as in the Python core).
reserved_names <- c("next", "input", "index", "foreach_stack", "merge_artifacts")

check_decorators <- function(decorators, where) {
  for (d in decorators) {
    if (!inherits(d, "duoflow_decorator")) {
      duoflow_abort("invalid_decorator", sprintf("%s got %s where a decorator was expected", where,
                                                 format_value(d)),
                    hint = "Pass decorators made by retry(), catch(), timeout(), resources(), environment_variables() or decorator().")
    }
  }
  invisible(TRUE)
}
