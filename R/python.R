# Reaching the Python core. Python is found the reticulate way (RETICULATE_PYTHON, virtualenvs,
# PATH), with one override: DUOFLOW_PYTHON, the interpreter that has the duoflow package.
# Nothing happens at package load; the first call that needs Python configures it.

.duoflow <- new.env(parent = emptyenv())

#' The Python module of the R bridge (loaded once)
#' @return The `duoflow.rbridge.api` module.
#' @keywords internal
bridge <- function() {
  if (is.null(.duoflow$api)) {
    use_duoflow_python()
    if (!reticulate::py_module_available("duoflow")) {
      config <- tryCatch(reticulate::py_config()$python, error = function(e) "(none found)")
      duoflow_abort("python_missing",
                    "The duoflow Python package is not installed in the Python that R uses",
                    sprintf("Python used: %s", config),
                    paste("Install it there: <that python> -m pip install duoflow (or, in a checkout,",
                          "`make install` and set DUOFLOW_PYTHON=<checkout>/.venv/bin/python)."))
    }
    .duoflow$api <- reticulate::import("duoflow.rbridge.api", convert = TRUE)
  }
  sync_python_env()
  .duoflow$api
}

use_duoflow_python <- function() {
  python <- Sys.getenv("DUOFLOW_PYTHON")
  if (!nzchar(python)) return(invisible(FALSE))
  if (!file.exists(python)) {
    duoflow_abort("python_missing", sprintf("DUOFLOW_PYTHON points to %s, which does not exist", python),
                  hint = "Set it to a Python interpreter that has the duoflow package.")
  }
  # RETICULATE_PYTHON is what reticulate honours first (before looking for Poetry or virtualenv
  # projects around the working directory); use_python() makes the choice explicit as well.
  Sys.setenv(RETICULATE_PYTHON = python)
  reticulate::use_python(python, required = TRUE)
  invisible(TRUE)
}

#' Call the Python core, turning its errors into classed R conditions
#'
#' A Python error becomes a `duoflow_error_<code>` condition made from the record Python gives
#' for it (code, headline, details, hint: `error_record()` in `duoflow.rbridge.api`); R keeps no
#' table of Python classes and parses no message. An error raised in R is left as it is.
#' @param f A function of the bridge module.
#' @param ... Its arguments.
#' @return What `f` returns.
#' @keywords internal
call_python <- function(f, ...) {
  tryCatch(f(...), error = function(e) {
    if (inherits(e, "duoflow_error")) stop(e)
    exception <- python_exception(e)
    if (is.null(exception)) stop(e)
    record <- bridge()$error_record(exception)
    duoflow_abort(record$code, record$headline, as.character(unlist(record$details)), record$hint)
  })
}

# The Python exception behind an R error, or NULL for an error raised in R. Newer reticulate
# signals the exception itself; reticulate 1.28 (Debian's) signals an Rcpp error with the text of
# Python's traceback.format_exception_only() and keeps the exception for py_last_error(), which
# may still hold an older error: it is this error's when the text names its type and ends with
# its message.
python_exception <- function(e) {
  if (inherits(e, "python.builtin.BaseException")) return(e)
  if (!inherits(e, "Rcpp::exception")) return(NULL)
  last <- tryCatch(reticulate::py_last_error(), error = function(e2) NULL)
  exception <- attr(last, "exception", exact = TRUE)
  text <- conditionMessage(e)
  if (is.null(exception) || !grepl(last$type, text, fixed = TRUE) ||
      !endsWith(text, paste0(last$value, "\n"))) {
    return(NULL)
  }
  exception
}

# R's Sys.setenv() (and withr::local_envvar()) change the process environment, but Python's
# os.environ is a copy taken when Python started, and the core reads its settings there
# (DUOFLOW_DATASTORE_ROOT, DUOFLOW_USER, AWS credentials, ...). Before each call, give Python
# the variables it reads that changed on the R side since the last call (a cheap no-op otherwise);
# bridge() does this, and every call into Python goes through it.
synced_env_pattern <- "^(DUOFLOW_|AWS_)"

sync_python_env <- function() {
  env <- Sys.getenv()
  env <- as.list(env[grepl(synced_env_pattern, names(env))])
  env <- env[order(names(env))]
  last <- .duoflow$synced_env
  if (identical(env, last) || !reticulate::py_available()) return(invisible())
  gone <- setdiff(names(last), names(env))
  values <- c(env, stats::setNames(rep(list(NULL), length(gone)), gone))
  os <- reticulate::import("os", convert = FALSE)
  for (name in names(values)) {
    if (is.null(values[[name]])) {
      os$environ$pop(name, NULL)
    } else {
      os$environ$`__setitem__`(name, values[[name]])
    }
  }
  .duoflow$synced_env <- env
  invisible()
}
