# B8: R data frames through duoflow against R's own saveRDS/readRDS of the same value, in the
# same R session (bench/r_data.py runs it and prints the table). ROWS rows; BENCH_OUT names a
# file each step appends its timings to: phase, type, duoflow wall and CPU s, RDS wall and CPU s.
library(duoflow)

rows <- function() as.numeric(Sys.getenv("ROWS", "1e6"))
# One single-column data.frame per type, and a plain double vector and matrix.
types <- c("double", "integer", "logical", "factor", "Date", "POSIXct", "character", "vector", "matrix")

make_column <- function(type, n) {
  set.seed(1)
  switch(type,
    double = runif(n),
    integer = sample.int(1e6L, n, replace = TRUE),
    logical = sample(c(TRUE, FALSE, NA), n, replace = TRUE),
    factor = factor(sample(letters, n, replace = TRUE), levels = letters),
    Date = as.Date("2000-01-01") + sample.int(9000L, n, replace = TRUE),
    POSIXct = as.POSIXct(1e9 + sample.int(1e8L, n, replace = TRUE), origin = "1970-01-01", tz = "Europe/Paris"),
    character = paste0("item-", sample.int(n, n, replace = TRUE)))
}

# The issue's frame: double, integer, factor, Date, character.
make_frame <- function(n) {
  data.frame(lapply(c(double = "double", integer = "integer", factor = "factor", Date = "Date",
                      character = "character"), make_column, n = n))
}

record <- function(phase, type, duoflow, rds) {
  cat(paste(phase, type, duoflow[[1]], duoflow[[2]], rds[[1]], rds[[2]], sep = "\t"), "\n", sep = "",
      file = Sys.getenv("BENCH_OUT"), append = TRUE)
}

# Wall and CPU (user + system: R and the Python it embeds) seconds of evaluating `expr`, after a
# full garbage collection (else one falls on whichever measurement crosses R's threshold).
timed <- function(expr) {
  invisible(gc(full = TRUE))
  started <- proc.time()
  force(expr)
  used <- proc.time() - started
  c(wall = used[["elapsed"]], cpu = used[["user.self"]] + used[["sys.self"]])
}

rds_times <- function(value) {
  path <- tempfile(fileext = ".rds")
  on.exit(unlink(path))
  list(save = timed(saveRDS(value, path, compress = FALSE)), load = timed(readRDS(path)))
}

# A task stores its artifacts when its function returns; to time one artifact's store alone,
# store it once more, the same way, into a scratch datastore (what the task then does again).
store_times <- function(self, name) {
  helper <- reticulate::py_run_string("
import tempfile, time
from duoflow.datastore.artifacts import store_value
from duoflow.datastore.cas import BlobStore
try:
    from duoflow.datastore.storage.local import LocalStorage
except ImportError:  # older layout
    from duoflow.datastore.storage import LocalStorage

def bench_store(flow, name):
    blobs = BlobStore(LocalStorage(tempfile.mkdtemp(prefix='duoflow-bench-store-')), 'Bench')
    value = flow.__dict__[name]
    wall, cpu = time.perf_counter(), time.process_time()
    store_value(blobs, name, value)
    return [time.perf_counter() - wall, time.process_time() - cpu]
", convert = TRUE)
  unlist(helper$bench_store(duoflow:::py_of(self), name))
}

write_timed <- function(self, name, value) {
  assign_time <- timed(self[[name]] <- value)
  assign_time + store_times(self, name)
}

memory_bytes <- function(field) {
  line <- grep(paste0("^", field, ":"), readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", line)) * 1024
}
reset_peak <- function() try(cat("5", file = "/proc/self/clear_refs"), silent = TRUE)

start <- function(self) {
  df <- make_frame(rows())
  rds <- rds_times(df)
  self$types <- types
  record("write", "frame", write_timed(self, "df", df), rds$save)
}

read_frame <- function(self) {
  invisible(reticulate::import("pyarrow"))  # a one-off import, not the read's memory
  gc()
  before <- memory_bytes("VmRSS")
  reset_peak()
  first <- timed(df <- self$df)
  peak <- memory_bytes("VmHWM") - before
  second <- timed(self$df)
  rds <- rds_times(df)
  record("read", "frame", first, rds$load)
  record("read_again", "frame", second, rds$load)
  record("read_peak", "frame", c(peak, 0), c(as.numeric(object.size(df)), 0))
}

write_column <- function(self) {
  value <- switch(self$input,
    vector = make_column("double", rows()),
    matrix = matrix(make_column("double", rows()), ncol = 10L),
    data.frame(x = make_column(self$input, rows())))
  rds <- rds_times(value)
  self$type <- self$input
  record("write", self$input, write_timed(self, "value", value), rds$save)
}

read_columns <- function(self, inputs) {
  for (input in inputs) {
    type <- input$type
    first <- timed(value <- input$value)
    second <- timed(input$value)
    rds <- rds_times(value)
    record("read", type, first, rds$load)
    record("read_again", type, second, rds$load)
  }
}

metaflow("RDataFlow") %>%
  step(step = "start", r_function = start, next_step = "read_frame") %>%
  step(step = "read_frame", r_function = read_frame, next_step = "write_column", foreach = "types") %>%
  step(step = "write_column", r_function = write_column, next_step = "read_columns") %>%
  step(step = "read_columns", r_function = read_columns, next_step = "end", join = TRUE) %>%
  step(step = "end") %>%
  run()
