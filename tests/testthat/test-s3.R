# The S3 datastore from R: an R flow run with --datastore s3 against a moto S3 server over HTTP
# (started here with base R, stopped at the end), read back through the Python core, and a second
# command that finds the datastore through DUOFLOW_DATASTORE / DUOFLOW_DATASTORE_ROOT alone.

s3_python <- function() {
  python <- Sys.getenv("DUOFLOW_PYTHON")
  if (!nzchar(python)) python <- Sys.which("python3")
  python
}

# Helper Python processes run without R's LD_LIBRARY_PATH: it puts the system's libpython ahead
# of the one a pyenv/venv interpreter was built against (then `import ssl` fails).
py <- function(python, args, ...) system2(python, args, env = "LD_LIBRARY_PATH=", ...)

s3_python_ok <- function(python) {
  nzchar(python) && identical(suppressWarnings(py(python, c("-c", shQuote("import moto.server, boto3")),
                                                  stdout = FALSE, stderr = FALSE)), 0L)
}

# Start `python -m moto.server` on a free port (no processx): a small wrapper writes its pid so the
# test stops exactly the process it started.
start_moto <- function(python, dir) {
  port <- py(python, c("-c", shQuote(paste0("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); ",
                                                 "print(s.getsockname()[1])"))), stdout = TRUE)
  pid_file <- file.path(dir, "moto.pid")
  code <- paste0("import os, sys; open(sys.argv[1], 'w').write(str(os.getpid())); ",
                 "sys.argv = ['moto_server', '-H', '127.0.0.1', '-p', sys.argv[2]]; ",
                 "from moto.server import main; main()")
  py(python, c("-c", shQuote(code), shQuote(pid_file), port), wait = FALSE,
          stdout = file.path(dir, "moto.out"), stderr = file.path(dir, "moto.err"))
  endpoint <- sprintf("http://127.0.0.1:%s", port)
  for (i in 1:150) {
    ok <- tryCatch({
      con <- url(paste0(endpoint, "/moto-api/"), open = "r")
      close(con)
      TRUE
    }, error = function(e) FALSE, warning = function(w) FALSE)
    if (ok && file.exists(pid_file)) break
    Sys.sleep(0.2)
  }
  list(endpoint = endpoint, pid = as.integer(readLines(pid_file, warn = FALSE)[[1]]))
}

test_that("an R flow runs on S3 (--datastore s3) and is read back from there", {
  python <- s3_python()
  skip_if_not(s3_python_ok(python), "moto[server] and boto3 are not installed for DUOFLOW_PYTHON")
  dir <- flow_dir()
  server <- start_moto(python, dir)
  on.exit(tools::pskill(server$pid), add = TRUE)
  aws <- c(AWS_ACCESS_KEY_ID = "testing-key-id", AWS_SECRET_ACCESS_KEY = "testing-secret",
           AWS_DEFAULT_REGION = "us-east-1", AWS_CONFIG_FILE = "/dev/null",
           AWS_SHARED_CREDENTIALS_FILE = "/dev/null", DUOFLOW_S3_ENDPOINT_URL = server$endpoint,
           DUOFLOW_S3_CACHE_DIR = file.path(dir, "s3cache"))
  withr::local_envvar(aws)
  bucket <- sprintf("duoflow-r-%d", Sys.getpid())
  made <- py(python, c("-c", shQuote(sprintf(
    "import boto3, os; boto3.client('s3', endpoint_url=os.environ['DUOFLOW_S3_ENDPOINT_URL']).create_bucket(Bucket='%s')",
    bucket))))
  expect_identical(made, 0L)
  root <- sprintf("s3://%s/store", bucket)
  env <- sprintf("%s=%s", names(aws), aws)

  result <- run_script("shapes.R", c("run", "--alpha", "0.5", "--datastore", "s3", "--datastore-root", root),
                       dir = dir, env = env)
  expect_identical(result$status, 0L, info = describe(result))
  expect_match(result$stdout, root, fixed = TRUE)
  read <- function(step, name) {
    duoflow:::from_wire(testing()$read_artifact(root, "ShapesFlow", result$run_id, step, name))
  }
  expect_identical(read("end", "alpha_seen"), 0.5)
  expect_identical(read("join_groups", "totals"), c(4, 2))
  expect_false(dir.exists(file.path(dir, "store")))  # nothing went to a local datastore

  # The environment alone selects the same S3 datastore.
  tags <- run_script("shapes.R", c("tag", "list", "--run-id", result$run_id), dir = dir,
                     env = c(env, "DUOFLOW_DATASTORE=s3", sprintf("DUOFLOW_DATASTORE_ROOT=%s", root)))
  expect_identical(tags$status, 0L, info = describe(tags))
  expect_match(tags$stdout, paste0("ShapesFlow/", result$run_id), fixed = TRUE)
})
