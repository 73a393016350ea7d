#' Add a step to a flow
#'
#' A step runs an R function with `self` (read and write artifacts as `self$x`) and goes to the
#' steps in `next_step`: one step, several (a static branch, joined later by a step with
#' `join = TRUE`), or one step per element of an artifact (`foreach = "name"`).
#'
#' @param flow A flow from [metaflow()].
#' @param ... Decorators for this step, e.g. [retry()].
#' @param step The step's name. Every flow has a `"start"` and an `"end"` step. A step is named
#'   from R (`inputs$name` in a join) and from Python (a method of the flow), so its name can be
#'   neither an R reserved word (`if`, `function`, `TRUE`, `NULL`, ...) nor a Python keyword
#'   (`class`, `def`, `None`, ...).
#' @param r_function `function(self)`, or `function(self, inputs)` for a join; `NULL` for a step
#'   that only moves on.
#' @param foreach Name of an artifact to fan out over: the next step runs once per element, with
#'   the element in `self$input` and its 1-based position in `self$index`.
#' @param join `TRUE` when the step joins a branch or a foreach (its function takes `inputs`).
#' @param next_step Name(s) of the step(s) that come next (`NULL` only for `"end"`).
#' @return A new flow with the step added.
#' @examples
#' start <- function(self) self$numbers <- 1:3
#' square <- function(self) self$square <- self$input^2
#' gather <- function(self, inputs) self$squares <- gather_inputs(inputs, "square")
#' metaflow("SquareFlow") %>%
#'   step(step = "start", r_function = start, next_step = "square", foreach = "numbers") %>%
#'   step(step = "square", r_function = square, next_step = "gather") %>%
#'   step(step = "gather", r_function = gather, next_step = "end", join = TRUE) %>%
#'   step(step = "end")
#' @export
step <- function(flow, ..., step, r_function = NULL, foreach = NULL, join = FALSE, next_step = NULL) {
  if (!is_flow(flow)) {
    duoflow_abort("not_a_flow",
                  sprintf("duoflow's step() adds a step to a flow, but it got %s", class(flow)[1]),
                  "The first argument must come from metaflow(\"Name\") (usually through %>%).",
                  "For stepwise model selection, call stats::step() explicitly.")
  }
  if (missing(step)) {
    duoflow_abort("invalid_graph", "step() needs a name: step(flow, step = \"start\", ...)")
  }
  decorators <- list(...)
  check_decorators(decorators, sprintf("step \"%s\"", step))
  check_step_name(step, flow)
  join <- isTRUE(join)
  check_step_function(step, r_function, join)
  next_step <- check_next_step(step, next_step, foreach)
  location <- function_location(r_function)
  flow$steps[[step]] <- list(name = step, r_function = r_function, next_step = next_step,
                             foreach = foreach, join = join, decorators = decorators,
                             file = location$file, line = location$line)
  flow
}

check_step_name <- function(step, flow) {
  if (!is_identifier(step)) {
    duoflow_abort("invalid_graph", sprintf("%s is not a valid step name", format_value(step)),
                  hint = "Use letters, digits and underscores, starting with a letter.")
  }
  if (is_r_reserved_word(step)) {
    duoflow_abort("invalid_graph", sprintf("'%s' is a reserved word in R and cannot name a step", step),
                  sprintf("A join reads each input as inputs$<step>, and inputs$%s is not valid R.", step),
                  sprintf("Rename the step, e.g. '%s_step'.", tolower(step)))
  }
  if (step %in% reserved_names) {
    duoflow_abort("invalid_graph", sprintf("'%s' is a reserved name and cannot name a step", step),
                  sprintf("Reserved: %s.", paste(reserved_names, collapse = ", ")), "Rename the step.")
  }
  if (step %in% names(flow$steps)) {
    duoflow_abort("invalid_graph", sprintf("Flow %s already has a step named '%s'", flow$name, step),
                  hint = "Give each step its own name.")
  }
}

check_step_function <- function(step, r_function, join) {
  if (is.null(r_function)) return(invisible(TRUE))
  if (!is.function(r_function)) {
    duoflow_abort("invalid_graph",
                  sprintf("r_function of step '%s' is %s, not a function", step, class(r_function)[1]),
                  hint = sprintf("Pass the function itself: r_function = %s (without quotes or parentheses).",
                                 if (is.character(r_function)) r_function[1] else "my_function"))
  }
  args <- names(formals(r_function))
  wanted <- if (join) 2L else 1L
  has_dots <- "..." %in% args
  n <- length(setdiff(args, "..."))
  if (n > wanted || (n < wanted && !has_dots)) {
    shape <- if (join) "function(self, inputs)" else "function(self)"
    duoflow_abort("invalid_graph",
                  sprintf("r_function of step '%s' takes %d argument%s (%s); a %s step takes %s",
                          step, n, if (n == 1) "" else "s", paste(args, collapse = ", "),
                          if (join) "join" else "plain", shape),
                  hint = if (!join && n == 2) "If it joins a branch or foreach, add join = TRUE." else NULL)
  }
}

check_next_step <- function(step, next_step, foreach) {
  if (!is.null(next_step) && (!is.character(next_step) || !length(next_step) || anyNA(next_step))) {
    duoflow_abort("invalid_graph", sprintf("next_step of step '%s' must be step names, got %s", step,
                                           format_value(next_step)),
                  hint = "For example next_step = \"train\" or next_step = c(\"a\", \"b\").")
  }
  if (!is.null(foreach)) {
    if (!is_identifier(foreach)) {
      duoflow_abort("invalid_graph", sprintf("foreach of step '%s' must name an artifact, got %s", step,
                                             format_value(foreach)),
                    hint = "For example foreach = \"genres\" after self$genres <- ... in the step.")
    }
    if (length(next_step) != 1L) {
      duoflow_abort("invalid_graph", sprintf("Step '%s' has a foreach, so it needs exactly one next_step", step))
    }
  }
  if (is.null(next_step)) character() else next_step
}

function_location <- function(f) {
  ref <- if (is.function(f)) attr(f, "srcref") else NULL
  if (is.null(ref)) return(list(file = "", line = 0L))
  file <- utils::getSrcFilename(f, full.names = TRUE)
  list(file = if (length(file)) file else "", line = as.integer(ref[[1]]))
}
