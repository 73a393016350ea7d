# The client's global choices: which flows exist, and which namespace the client reads.

#' The flows of the datastore
#'
#' Names of every flow that has runs in the datastore the client reads: `DUOFLOW_DATASTORE_ROOT`,
#' else the nearest `.duoflow/` directory at or above the working directory.
#'
#' @return A character vector of flow names, sorted.
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' list_flows()
#' @export
list_flows <- function() {
  as_strings(client_call("flow_names"))
}

#' The namespace the client reads
#'
#' The client sees only runs tagged with the current namespace: by default `user:<you>` (your
#' user name, or `DUOFLOW_USER`). `set_namespace("user:ana")` reads Ana's runs (any tag works,
#' e.g. `"team:forecast"`); `set_namespace(NULL)` reads every run. Objects already opened keep the
#' namespace they were opened in.
#'
#' @param ns A tag such as `"user:ana"`, or `NULL` for every run.
#' @return `set_namespace()` and `set_default_namespace()`: the namespace now in use, invisibly.
#'   `get_namespace()`: the namespace in use (`NULL` when every run is seen).
#' @examples
#' get_namespace()
#' set_namespace(NULL)        # every user's runs
#' get_namespace()
#' set_namespace("team:forecast")
#' set_default_namespace()    # back to user:<you>
#' @export
set_namespace <- function(ns = NULL) {
  if (!is.null(ns) && (!is.character(ns) || length(ns) != 1L || is.na(ns) || !nzchar(trimws(ns)))) {
    duoflow_abort("usage", "set_namespace() takes a tag such as \"user:ana\", or NULL",
                  hint = "set_namespace(NULL) shows the runs of every user.")
  }
  invisible(client_call("set_namespace", ns))
}

#' @rdname set_namespace
#' @export
get_namespace <- function() {
  client_call("get_namespace")
}

#' @rdname set_namespace
#' @export
set_default_namespace <- function() {
  invisible(client_call("default_namespace"))
}

#' The datastore the client reads
#'
#' Metaflow R's metadata functions. `get_metadata()` says which datastore the client reads, as
#' `"local@<path>"` (or `"s3@s3://bucket/prefix"`). `set_metadata()` chooses another one for every
#' later client call: `"local"` (the local datastore: a local `DUOFLOW_DATASTORE_ROOT`, else the
#' nearest `.duoflow/` at or above the working directory), `"local@/path"` or a path (the
#' datastore, or the directory holding its `.duoflow/`), or `"s3://bucket/prefix"`.
#' `reset_default_metadata()` goes back to the default. Objects already opened keep reading
#' where they were opened.
#'
#' @param ms Where to read: `"local"`, `"local@/path"`, a path, `"s3://bucket/prefix"`, or `NULL`
#'   for the default.
#' @return The datastore now read, as `get_metadata()` gives it.
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' get_metadata()
#' set_metadata(root)
#' list_flows()
#' reset_default_metadata()
#' @export
set_metadata <- function(ms = NULL) {
  if (!is.null(ms) && (!is.character(ms) || length(ms) != 1L || is.na(ms))) {
    duoflow_abort("usage", "set_metadata() takes one string such as \"local\" or \"local@/path\", or NULL")
  }
  client_call("set_metadata", ms)
}

#' @rdname set_metadata
#' @export
get_metadata <- function() {
  client_call("get_metadata")
}

#' @rdname set_metadata
#' @export
reset_default_metadata <- function() {
  client_call("default_metadata")
}
