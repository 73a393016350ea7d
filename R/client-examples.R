# The datastore the help pages' examples read: a small flow (inst/examples/client-demo.R) run once
# per session with `Rscript`, in a temporary directory, exactly as a user runs a flow.

#' A datastore with one finished run, for examples
#'
#' Runs `ClientDemoFlow` (`system.file("examples", "client-demo.R", package = "duoflow")`) in a
#' temporary directory with `Rscript`, once per session, and points the client at its datastore
#' by setting `DUOFLOW_DATASTORE_ROOT`.
#'
#' @return The datastore root, invisibly.
#' @keywords internal
example_datastore <- function() {
  root <- .duoflow$example_root
  if (is.null(root) || !dir.exists(root)) {
    dir <- tempfile("duoflow-example-")
    dir.create(dir)
    root <- file.path(dir, ".duoflow")
    script <- file.path(dir, "client-demo.R")
    file.copy(system.file("examples", "client-demo.R", package = "duoflow"), script)
    env <- c(sprintf("DUOFLOW_DATASTORE_ROOT=%s", root),
             sprintf("R_LIBS=%s", paste(.libPaths(), collapse = .Platform$path.sep)))
    output <- withr_dir(dir, system2(file.path(R.home("bin"), "Rscript"),
                                     c("client-demo.R", "run", "--quiet"),
                                     stdout = TRUE, stderr = TRUE, env = env))
    status <- attr(output, "status") %||% 0L
    if (status != 0L) {
      duoflow_abort("task_failed", "The example flow failed", output)
    }
    .duoflow$example_root <- root
  }
  Sys.setenv(DUOFLOW_DATASTORE_ROOT = root)
  invisible(root)
}

withr_dir <- function(dir, code) {
  old <- setwd(dir)
  on.exit(setwd(old))
  code
}
