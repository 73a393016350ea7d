# B8: the R client reads `df` of PandasFrameFlow's start task (run id and task id in argv) twice,
# against readRDS of the same R value; appends its timings to BENCH_OUT as r_data_flow.R does.
library(duoflow)
args <- commandArgs(trailingOnly = TRUE)
timed <- function(expr) {
  invisible(gc(full = TRUE))
  started <- proc.time()
  force(expr)
  used <- proc.time() - started
  c(used[["elapsed"]], used[["user.self"]] + used[["sys.self"]])
}
task <- new_task("PandasFrameFlow", args[[1]], "start", args[[2]])
invisible(reticulate::import("pyarrow"))  # a one-off import, not the read
first <- timed(df <- task$artifact("df"))
second <- timed(task$artifact("df"))
path <- tempfile(fileext = ".rds")
saveRDS(df, path, compress = FALSE)
rds <- timed(readRDS(path))
cat(sprintf("%s\tframe\t%f\t%f\t%f\t%f\n", c("client_read", "client_read_again"), c(first[1], second[1]),
            c(first[2], second[2]), rds[1], rds[2]), sep = "", file = Sys.getenv("BENCH_OUT"), append = TRUE)
