# Helpers shared by the tests: run flow scripts as a user would (a real `Rscript flow.R ...`
# process, its own temporary directory and datastore) and read their artifacts back.

rscript <- function() file.path(R.home("bin"), "Rscript")

flow_dir <- function() {
  dir <- tempfile("duoflow-test-")
  dir.create(dir)
  dir
}

# Run `Rscript <flow> <args>` in `dir`; returns status, stdout, stderr, the run id (when a run
# started) and where the datastore is.
run_script <- function(flow, args = "run", dir = flow_dir(), env = character()) {
  script <- file.path(dir, basename(flow))
  if (!file.exists(script)) file.copy(test_path("flows", flow), script)
  store <- file.path(dir, "store")
  id_file <- tempfile("run-id-", tmpdir = dir)
  if (length(args) && args[[1]] %in% c("run", "resume")) args <- c(args, "--run-id-file", id_file)
  out <- tempfile(tmpdir = dir)
  err <- tempfile(tmpdir = dir)
  envs <- c(sprintf("DUOFLOW_DATASTORE_ROOT=%s", store),
            sprintf("R_LIBS=%s", paste(.libPaths(), collapse = ":")), env)
  status <- withr::with_dir(dir, system2(rscript(), c(basename(script), shQuote(args)),
                                         stdout = out, stderr = err, env = envs))
  list(status = status, stdout = paste(readLines(out, warn = FALSE), collapse = "\n"),
       stderr = paste(readLines(err, warn = FALSE), collapse = "\n"), dir = dir, store = store,
       run_id = if (file.exists(id_file)) readLines(id_file, warn = FALSE)[[1]] else NA_character_)
}

describe <- function(result) paste0("exit ", result$status, "\n--- stdout ---\n", result$stdout,
                                     "\n--- stderr ---\n", result$stderr)

# The bridge's test-only functions (duoflow.rbridge.testing), once Python is configured.
testing <- function() {
  duoflow:::bridge()
  reticulate::import("duoflow.rbridge.testing", convert = TRUE)
}

# An artifact of a step's first task, read through the Python core.
artifact <- function(result, flow, step, name, run_id = result$run_id) {
  duoflow:::from_wire(testing()$read_artifact(result$store, flow, run_id, step, name))
}

# R value -> Python view -> stored -> loaded -> R value.
roundtrip <- function(x) {
  duoflow:::from_wire(testing()$store_roundtrip(duoflow:::to_wire(x)))
}

python_type <- function(x) testing()$python_view(duoflow:::to_wire(x))$type
