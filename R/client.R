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
  pathspec <- check_id(pathspec, kind)
  new_client_object(kind, client_call("open_object", kind, pathspec))
}

child_client <- function(parent, kind, key) {
  key <- check_id(key, kind)
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
  if (inherits(id, "duoflow_client")) return(.subset2(id, "pathspec"))
  if (is.numeric(id) && length(id) == 1L && !is.na(id)) id <- format(id, scientific = FALSE)
  if (!is.character(id) || length(id) != 1L || is.na(id) || !nzchar(id)) {
    duoflow_abort("usage", sprintf("A %s id is one non-empty string", kind),
                  sprintf("Got: %s.", paste(utils::capture.output(utils::str(id)), collapse = " ")))
  }
  id
}

flow_name_of <- function(flow) {
  if (inherits(flow, "flow_client")) return(.subset2(flow, "pathspec"))
  check_id(flow, "flow")
}

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
#'
#' Each object has fields read with `$` (see below) and methods: `flow$run(id)`,
#' `flow$runs_with_tags(...)` (ids of the runs that carry every tag given),
#' `run$step(name)`, `step$task(id)`, `run$artifact(name)` (an artifact of the end step),
#' `task$artifact(name)`, and `$summary()`. On a run or a task, `x$name` also reads the artifact
#' `name` when no field has that name. Artifacts come back as native R values (data frames as
#' data.frames, time stamps as POSIXct; see the round-trip table in the README); a Python object
#' with no R counterpart comes back as a reference to the Python object (`value$value` is
#' reticulate's view of it).
#'
#' The datastore read is `DUOFLOW_DATASTORE_ROOT`, else the nearest `.duoflow/` directory at or
#' above the working directory, as for Python's client. Only runs in the current namespace are
#' seen ([set_namespace()]).
#'
#' @section Fields:
#' All objects: `id`, `pathspec`, `tags` (the run's user and system tags).
#'
#' Flow: `runs` (run ids, newest first), `latest_run`, `latest_successful_run` (run ids, or
#' `NULL`), `created_at`, `finished_at` (POSIXct, UTC).
#'
#' Run: `parent`, `status` (`"running"`, `"succeeded"`, `"failed"`, ...), `successful`,
#' `finished`, `created_at`, `finished_at`, `steps` (names, in execution order), `artifacts`
#' (names of the end step's artifacts), `parameters` (a named list), `origin_run_id` (for a
#' resumed run), `end_task` (a `task_client`, or `NULL`).
#'
#' Step: `parent`, `tasks` (task ids), `a_task` (the first task, a `task_client`), `created_at`,
#' `finished_at`, `doc`.
#'
#' Task: `parent`, `status`, `successful`, `finished`, `created_at`, `finished_at`,
#' `artifacts` (names), `stdout`, `stderr`, `exception` (`NULL`, or the error that ended the
#' task: `type`, `message`, `traceback`), `index` (1-based foreach position, or `NULL`),
#' `current_attempt`, `origin_pathspec`.
#'
#' @section Errors:
#' A missing flow, run, step, task or artifact is an error of class
#' `duoflow_error_not_found` or `duoflow_error_artifact_not_found` that lists what exists and
#' suggests the closest name; an artifact that cannot be decoded here (a Python object whose
#' module this Python lacks) is a `duoflow_error_artifact_decode` naming what it is.
#'
#' @format `flow_client`, `run_client`, `step_client` and `task_client` are generators: call
#'   their `$new()`.
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
#' as.data.frame(step)
#' task <- step_client$new(run, "square")$a_task
#' task$artifact("squared")
#' task$stdout
#' @name client
#' @aliases flow_client run_client step_client task_client
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
    return(open_client("run", check_id(flow, "run")))
  }
  name <- flow_name_of(flow)
  run_id <- check_id(run_id, "run")
  if (run_id %in% c("latest_run", "latest_successful_run")) {
    return(new_client_object("run", client_call("latest_run", name, run_id)))
  }
  open_client("run", paste(name, run_id, sep = "/"))
})

#' @rdname client
#' @export
step_client <- client_generator("step", function(run, step_id = NULL) {
  if (is.null(step_id)) return(open_client("step", check_id(run, "step")))
  if (!inherits(run, "run_client")) run <- run_client$new(run)
  child_client(run, "step", step_id)
})

#' @rdname client
#' @export
task_client <- client_generator("task", function(step, task_id = NULL) {
  if (is.null(task_id)) return(open_client("task", check_id(step, "task")))
  if (!inherits(step, "step_client")) step <- step_client$new(step)
  child_client(step, "task", task_id)
})

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

client_fields <- list(
  flow = c("id", "pathspec", "tags", "runs", "latest_run", "latest_successful_run", "created_at",
           "finished_at"),
  run = c("id", "pathspec", "parent", "tags", "user_tags", "system_tags", "status", "successful",
          "finished", "created_at", "finished_at", "steps", "artifacts", "parameters",
          "origin_run_id", "end_task"),
  step = c("id", "pathspec", "parent", "tags", "tasks", "a_task", "created_at", "finished_at", "doc"),
  task = c("id", "pathspec", "parent", "tags", "user_tags", "system_tags", "status", "successful",
           "finished", "created_at", "finished_at", "artifacts", "stdout", "stderr", "exception",
           "index", "current_attempt", "origin_pathspec")
)

client_methods <- list(
  flow = c("run", "runs_with_tags", "summary"),
  run = c("step", "artifact", "summary"),
  step = c("task", "summary"),
  task = c("artifact", "summary")
)

client_field <- function(x, name) {
  raw <- client_call("field", client_py(x), name)
  switch(name,
    created_at = , finished_at = as_time(raw),
    tags = , user_tags = , system_tags = , runs = , steps = , tasks = , artifacts = as_strings(raw),
    parameters = from_wire(raw),
    end_task = , a_task = if (is.null(raw)) NULL else open_client("task", raw),
    exception = if (is.null(raw)) NULL else structure(raw, class = "duoflow_task_exception"),
    index = , current_attempt = if (is.null(raw)) NULL else as.integer(raw),
    raw)
}

client_method <- function(x, name) {
  force(x)
  switch(name,
    run = function(run_id) run_client$new(x, run_id),
    runs_with_tags = function(...) as_strings(client_call("runs_with_tags", client_py(x), as.list(as.character(c(...))))),
    step = function(step_id) child_client(x, "step", step_id),
    task = function(task_id) child_client(x, "task", task_id),
    artifact = function(name) client_artifact(x, name),
    summary = function(...) summary(x, ...))
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
