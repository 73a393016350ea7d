# The client: past runs read back from the datastore, as with Metaflow's R client.
#
# A client object is a small list (kind, pathspec) with a cache environment that holds the
# Python object (Flow, Run, Step, Task) it wraps. Facts come from python/duoflow/rbridge/client_api.py
# as plain data; artifacts come as wires (never reticulate's numpy/pandas conversion). An
# object saved with saveRDS() and read in another session opens its Python object again.

#' The Python module of the client (loaded once)
#' @return The `duoflow.rbridge.client_api` module.
#' @keywords internal
client_api <- function() {
  bridge()  # configures Python once, and syncs the environment every time
  if (is.null(.duoflow$client)) {
    .duoflow$client <- reticulate::import("duoflow.rbridge.client_api", convert = TRUE)
  }
  .duoflow$client
}

# Every client call goes through client_api(), hence bridge(), which also hands Python R's current
# view of the environment (Sys.setenv(DUOFLOW_DATASTORE_ROOT = ...) after Python started is seen).
client_call <- function(name, ...) {
  call_python(client_api()[[name]], ...)
}

client_kinds <- c(flow = "flow_client", run = "run_client", step = "step_client", task = "task_client")
python_kinds <- c(flow = "Flow", run = "Run", step = "Step", task = "Task")

new_client_object <- function(kind, py) {
  cache <- new.env(parent = emptyenv())
  cache$py <- py
  pathspec <- client_call("field", py, "pathspec")
  structure(list(kind = kind, pathspec = pathspec, cache = cache),
            class = c(client_kinds[[kind]], "duoflow_client"))
}

open_client <- function(kind, pathspec) {
  pathspec <- client_key(pathspec, kind)
  new_client_object(kind, client_call("open_object", kind, pathspec))
}

child_client <- function(parent, kind, key) {
  key <- client_key(key, kind, .subset2(parent, "pathspec"))
  new_client_object(kind, client_call("child", client_py(parent), key))
}

# The Python object of a client object (opened again after saveRDS()/readRDS()).
client_py <- function(x) {
  cache <- .subset2(x, "cache")
  py <- cache$py
  if (is.null(py) || reticulate::py_is_null_xptr(py)) {
    py <- client_call("open_object", .subset2(x, "kind"), .subset2(x, "pathspec"))
    cache$py <- py
  }
  py
}

check_id <- function(id, kind) {
  if (is.numeric(id) && length(id) == 1L && !is.na(id)) id <- format(id, scientific = FALSE)
  if (!is.character(id) || length(id) != 1L || is.na(id) || !nzchar(id)) {
    duoflow_abort("usage", sprintf("A %s id is one non-empty string", kind),
                  sprintf("Got: %s.", paste(utils::capture.output(utils::str(id)), collapse = " ")))
  }
  id
}

# An id (or, without `parent`, a pathspec) given as a string, a number, or a client object. A
# client object of the right kind stands for its id (its pathspec without `parent`) when it belongs
# to `parent` (a pathspec); anything else is refused with what was given and what to pass instead.
client_key <- function(key, kind, parent = NULL) {
  if (!inherits(key, "duoflow_client")) return(check_id(key, kind))
  got <- .subset2(key, "kind")
  pathspec <- .subset2(key, "pathspec")
  id <- sub(".*/", "", pathspec)
  where <- if (is.null(parent)) "pathspec" else "id"
  if (got != kind) {
    duoflow_abort("usage", sprintf("Got a %s (%s) where a %s %s is expected", client_kinds[[got]],
                                   pathspec, kind, where),
                  hint = sprintf("Pass a %s %s (a string), e.g. %s.", kind, where, id_example(kind, where)))
  }
  if (is.null(parent)) return(pathspec)
  if (!identical(sub("/[^/]*$", "", pathspec), parent)) {
    duoflow_abort("usage", sprintf("%s %s is not a %s of %s", client_kinds[[got]], pathspec, kind, parent),
                  hint = sprintf("Open it by its pathspec: %s$new(\"%s\").", client_kinds[[got]], pathspec))
  }
  id
}

id_example <- function(kind, where) {
  if (where == "pathspec") {
    return(switch(kind, flow = "\"HelloFlow\"", run = "\"HelloFlow/12\"", step = "\"HelloFlow/12/start\"",
                  task = "\"HelloFlow/12/start/3\""))
  }
  switch(kind, flow = "\"HelloFlow\"", run = "flow$latest_run", step = "\"start\" or run$steps[[1]]",
         task = "step$a_task or step$tasks[[1]]")
}

flow_name_of <- function(flow) client_key(flow, "flow")

# -- generators: flow_client$new(...) and friends ------------------------------------------------

client_generator <- function(kind, new) {
  structure(list(new = new, classname = client_kinds[[kind]]), class = "duoflow_client_generator")
}

#' @export
print.duoflow_client_generator <- function(x, ...) {
  cat(sprintf("<%s generator> use %s$new(...)\n", x$classname, x$classname))
  invisible(x)
}

#' Read past flows, runs, steps and tasks
#'
#' The client reads what runs stored, from R, as Metaflow's R client does:
#' * `flow_client$new(flow_id)`: a flow, by name.
#' * `run_client$new(flow, run_id)` or `run_client$new("Flow/run_id")`: a run; `run_id` may be
#'   `"latest_run"` or `"latest_successful_run"`; `flow` a `flow_client` or a flow name.
#' * `step_client$new(run, step_id)` or `step_client$new("Flow/run_id/step")`.
#' * `task_client$new(step, task_id)` or `task_client$new("Flow/run_id/step/task_id")`.
#' * `mf_client$new()`: Metaflow R's factory, with `$flow(flow_id)`, `$run(flow, run_id)`,
#'   `$step(run, step_id)` and `$task(step, task_id)`.
#'
#' Each object has fields read with `$` and methods, named as in Metaflow R's R6 classes: a
#' field that Metaflow R's client defines has the same name and gives the same kind of value (an
#' id where Metaflow R gives an id), so code written for Metaflow R's client runs unchanged, e.g.
#' `task_client$new(step, step$a_task)`. duoflow's extras have names of their own.
#'
#' Methods: `flow$run(id)`, `flow$runs_with_tags(...)` (a list of `run_client`s carrying every
#' tag given, newest first, returned invisibly as in Metaflow R), `run$step(name)`,
#' `step$task(id)`, `run$artifact(name)` (an artifact of the end step), `task$artifact(name)`,
#' `$summary()`, and Metaflow R's `$get_obj()` (the Python client object, through reticulate),
#' `$get_values()` (ids of the children: run ids, step names, task ids or artifact names; `x[i]`
#' indexes them) and `$is_in_namespace()`. duoflow's: `flow$run_ids_with_tags(...)` (the ids of
#' those runs), `run$end_task_client()` and `step$a_task_client()` (a `task_client`, or `NULL`).
#'
#' On a run or a task, `x$name` also reads the artifact `name` when no field has that name.
#' Artifacts come back as native R values (data frames as data.frames, time stamps as POSIXct; see
#' the round-trip table in the README); a Python object with no R counterpart comes back as a
#' reference to the Python object (`value$value` is reticulate's view of it).
#'
#' The datastore read is `DUOFLOW_DATASTORE_ROOT`, else the nearest `.duoflow/` directory at or
#' above the working directory, as for Python's client ([set_metadata()] chooses another). Only
#' runs in the current namespace are seen ([set_namespace()]).
#'
#' @section Fields:
#' Every object: `id`, `pathspec`, `parent` (the parent's id; `NULL` for a flow), `tags` (the
#' run's user and system tags), `created_at`, `finished_at` (POSIXct, UTC), `super_` (Metaflow
#' R's base-class view: here the object itself).
#'
#' Flow: `runs` (run ids, newest first), `latest_run`, `latest_successful_run` (run ids, or
#' `NULL`).
#'
#' Run: `steps` (names, in execution order), `artifacts` (names of the end step's artifacts),
#' `end_task` (the end task's id, or `NULL`), `finished`, `successful`, `code` (the run's code
#' snapshot as a Python object, e.g. `run$code$flowspec`, `run$code$files`; `NULL` when none was
#' recorded). duoflow's: `user_tags`, `system_tags`, `status` (`"running"`, `"succeeded"`,
#' `"failed"`, ...), `parameters` (a named list), `origin_run_id` (for a resumed run).
#'
#' Step: `tasks` (task ids), `a_task` (the id of one task: the first). duoflow's: `doc`.
#'
#' Task: `artifacts` (names), `stdout`, `stderr`, `exception` (`NULL`, or the error that ended
#' the task: `type`, `message`, `traceback`), `finished`, `successful`, `index` (the foreach
#' position, 1-based as R counts, or `NULL` outside a foreach), `code` (the run's code snapshot),
#' `metadata_dict` (a named list of strings: attempt, user, pid, launcher, runtime, ...),
#' `runtime_name` (`"local"`). duoflow's: `user_tags`, `system_tags`, `status`,
#' `current_attempt`, `origin_pathspec`.
#'
#' @section Errors:
#' A client object where an id is expected stands for its id when it is of the right kind and
#' belongs to the parent given (`task_client$new(step, task)`); otherwise the error says what was
#' given and what to pass. A missing flow, run, step, task or artifact is an error of class
#' `duoflow_error_not_found` or `duoflow_error_artifact_not_found` that lists what exists and
#' suggests the closest name; an artifact that cannot be decoded here (a Python object whose
#' module this Python lacks) is a `duoflow_error_artifact_decode` naming what it is.
#'
#' @format `flow_client`, `run_client`, `step_client`, `task_client` and `mf_client` are
#'   generators: call their `$new()`.
#' @usage NULL
#' @seealso [new_flow()] and friends, [list_flows()], [set_namespace()].
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' flow <- flow_client$new("ClientDemoFlow")
#' flow$runs
#' run <- run_client$new(flow, "latest_successful_run")
#' run
#' run$successful
#' run$created_at
#' run$steps
#' run$total          # an artifact of the end step
#' run$artifact("frame")
#' summary(run)
#' step <- run$step("square")
#' step$tasks
#' as.data.frame(step)
#' s <- step_client$new(run, "square")
#' task <- task_client$new(s, s$a_task)   # a_task is a task id, as in Metaflow R
#' task$artifact("squared")
#' task$stdout
#' s$a_task_client()$index                # or the task_client itself
#' run$end_task                           # the end task's id
#' run$end_task_client()$artifacts
#' @name client
#' @aliases flow_client run_client step_client task_client mf_client
NULL

#' @rdname client
#' @export
flow_client <- client_generator("flow", function(flow_id) {
  open_client("flow", flow_name_of(flow_id))
})

#' @rdname client
#' @export
run_client <- client_generator("run", function(flow, run_id = NULL) {
  if (is.null(run_id)) {
    if (inherits(flow, "run_client")) return(flow)
    return(open_client("run", flow))
  }
  name <- flow_name_of(flow)
  run_id <- client_key(run_id, "run", name)
  if (run_id %in% c("latest_run", "latest_successful_run")) {
    return(new_client_object("run", client_call("latest_run", name, run_id)))
  }
  open_client("run", paste(name, run_id, sep = "/"))
})

#' @rdname client
#' @export
step_client <- client_generator("step", function(run, step_id = NULL) {
  if (is.null(step_id)) return(open_client("step", run))
  if (!inherits(run, "run_client")) run <- run_client$new(run)
  child_client(run, "step", step_id)
})

#' @rdname client
#' @export
task_client <- client_generator("task", function(step, task_id = NULL) {
  if (is.null(task_id)) return(open_client("task", step))
  if (!inherits(step, "step_client")) step <- step_client$new(step)
  child_client(step, "task", task_id)
})

#' @rdname client
#' @export
mf_client <- structure(list(classname = "mf_client", new = function() {
  list(flow = function(flow_id) flow_client$new(flow_id),
       run = function(flow_client, run_id) run_client$new(flow_client, run_id),
       step = function(run_client, step_id) step_client$new(run_client, step_id),
       task = function(step_client, task_id) task_client$new(step_client, task_id))
}), class = "duoflow_client_generator")

#' Open a flow, run, step or task by its ids
#'
#' Shorthands for the client generators (see [client]): `new_run("Flow", "123")` is
#' `run_client$new("Flow/123")`.
#'
#' @param flow_id Flow name.
#' @param run_id Run id, or `"latest_run"` / `"latest_successful_run"`.
#' @param step_id Step name.
#' @param task_id Task id.
#' @return A `flow_client`, `run_client`, `step_client` or `task_client`.
#' @examples
#' root <- duoflow:::example_datastore()  # runs a small flow in a temporary directory
#' flow <- new_flow("ClientDemoFlow")
#' run <- new_run("ClientDemoFlow", "latest_successful_run")
#' step <- new_step("ClientDemoFlow", run$id, "start")
#' task <- new_task("ClientDemoFlow", run$id, "start", step$tasks[[1]])
#' task$artifact("numbers")
#' @export
new_flow <- function(flow_id) flow_client$new(flow_id)

#' @rdname new_flow
#' @export
new_run <- function(flow_id, run_id) run_client$new(flow_id, run_id)

#' @rdname new_flow
#' @export
new_step <- function(flow_id, run_id, step_id) {
  run <- run_client$new(flow_id, run_id)
  step_client$new(run, step_id)
}

#' @rdname new_flow
#' @export
new_task <- function(flow_id, run_id, step_id, task_id) {
  step <- new_step(flow_id, run_id, step_id)
  task_client$new(step, task_id)
}

# -- fields and methods ------------------------------------------------------------------------

# Fields: first those of Metaflow R's R6 classes (same names, same kinds of value: ids where
# they give ids), then duoflow's own. `super_` is Metaflow R's base-class view: here the object.
client_fields <- list(
  flow = c("id", "pathspec", "parent", "tags", "created_at", "finished_at", "latest_run",
           "latest_successful_run", "runs", "super_"),
  run = c("id", "pathspec", "parent", "tags", "created_at", "finished_at", "code", "end_task",
          "finished", "successful", "steps", "artifacts", "super_",
          "user_tags", "system_tags", "status", "parameters", "origin_run_id"),
  step = c("id", "pathspec", "parent", "tags", "created_at", "finished_at", "a_task", "tasks",
           "super_", "doc"),
  task = c("id", "pathspec", "parent", "tags", "exception", "created_at", "finished", "finished_at",
           "code", "index", "metadata_dict", "runtime_name", "stderr", "stdout", "successful",
           "artifacts", "super_", "user_tags", "system_tags", "status", "current_attempt",
           "origin_pathspec")
)

common_methods <- c("summary", "get_obj", "get_values", "is_in_namespace")

client_methods <- list(
  flow = c("run", "runs_with_tags", "run_ids_with_tags", common_methods),
  run = c("step", "artifact", "end_task_client", common_methods),
  step = c("task", "a_task_client", common_methods),
  task = c("artifact", common_methods)
)

client_field <- function(x, name) {
  if (name == "super_") return(x)
  raw <- client_call("field", client_py(x), name)
  switch(name,
    created_at = , finished_at = as_time(raw),
    tags = , user_tags = , system_tags = , runs = , steps = , tasks = , artifacts = as_strings(raw),
    parameters = from_wire(raw),
    metadata_dict = as.list(raw),
    exception = if (is.null(raw)) NULL else structure(raw, class = "duoflow_task_exception"),
    index = , current_attempt = if (is.null(raw)) NULL else as.integer(raw),
    raw)
}

# A task_client for a field that holds a task's pathspec (NULL when there is no such task).
task_client_of <- function(x, field) {
  pathspec <- client_call("field", client_py(x), field)
  if (is.null(pathspec)) NULL else open_client("task", pathspec)
}

client_method <- function(x, name) {
  force(x)
  switch(name,
    run = function(run_id) run_client$new(x, run_id),
    runs_with_tags = function(...) {
      ids <- client_run_ids_with_tags(x, ...)
      invisible(lapply(ids, function(id) run_client$new(x, id)))
    },
    run_ids_with_tags = function(...) client_run_ids_with_tags(x, ...),
    step = function(step_id) child_client(x, "step", step_id),
    task = function(task_id) child_client(x, "task", task_id),
    end_task_client = function() task_client_of(x, "end_task_pathspec"),
    a_task_client = function() task_client_of(x, "a_task_pathspec"),
    artifact = function(name) client_artifact(x, name),
    get_obj = function() client_py(x),
    get_values = function() as_strings(client_call("child_ids", client_py(x))),
    is_in_namespace = function() isTRUE(client_call("is_in_namespace", client_py(x))),
    summary = function(...) summary(x, ...))
}

client_run_ids_with_tags <- function(flow, ...) {
  as_strings(client_call("runs_with_tags", client_py(flow), as.list(as.character(c(...)))))
}

client_artifact <- function(x, name) {
  name <- check_id(name, "artifact")
  from_wire(client_call("artifact", client_py(x), name))
}

#' @export
`$.duoflow_client` <- function(x, name) {
  kind <- .subset2(x, "kind")
  if (name %in% client_methods[[kind]]) return(client_method(x, name))
  if (name %in% client_fields[[kind]]) return(client_field(x, name))
  if (kind %in% c("run", "task")) return(client_artifact(x, name))
  known <- c(client_fields[[kind]], client_methods[[kind]])
  duoflow_abort("usage", sprintf("A %s has no field '%s'", client_kinds[[kind]], name),
                sprintf("Its fields: %s; methods: %s().", paste(client_fields[[kind]], collapse = ", "),
                        paste(client_methods[[kind]], collapse = "(), ")),
                trimws(did_you_mean(name, known)))
}

#' @export
`[[.duoflow_client` <- function(x, i) `$.duoflow_client`(x, i)

# As in Metaflow R, `x[i]` indexes the ids of the object's children (`x$get_values()`).
#' @export
`[.duoflow_client` <- function(x, i) client_method(x, "get_values")()[i]

#' @export
`$<-.duoflow_client` <- function(x, name, value) {
  duoflow_abort("read_only", sprintf("%s %s is read-only", class(x)[[1]], .subset2(x, "pathspec")),
                "Runs, steps, tasks and their artifacts never change once stored.",
                "Assign artifacts inside a step function, as self$name <- value.")
}

#' @export
`[[<-.duoflow_client` <- `$<-.duoflow_client`

#' @export
names.duoflow_client <- function(x) {
  kind <- .subset2(x, "kind")
  c(client_fields[[kind]], client_methods[[kind]])
}

#' @rawNamespace S3method(utils::.DollarNames, duoflow_client)
.DollarNames.duoflow_client <- function(x, pattern = "") {
  kind <- .subset2(x, "kind")
  candidates <- c(client_fields[[kind]], client_methods[[kind]])
  if (kind %in% c("run", "task")) {
    candidates <- c(candidates, tryCatch(client_field(x, "artifacts"), error = function(e) character()))
  }
  grep(pattern, unique(candidates), value = TRUE)
}

# -- plain-data helpers ------------------------------------------------------------------------

as_time <- function(x) {
  x <- as_numbers(x)
  x[is.nan(x)] <- NA_real_
  .POSIXct(x, tz = "UTC")
}

as_numbers <- function(x) {
  if (is.null(x)) return(numeric())
  vapply(x, function(v) if (is.null(v)) NA_real_ else as.numeric(v), numeric(1), USE.NAMES = FALSE)
}

as_strings <- function(x) {
  if (is.null(x)) return(character())
  vapply(x, function(v) if (is.null(v)) NA_character_ else as.character(v), character(1), USE.NAMES = FALSE)
}

as_flags <- function(x) {
  if (is.null(x)) return(logical())
  vapply(x, function(v) if (is.null(v)) NA else as.logical(v), logical(1), USE.NAMES = FALSE)
}
