"""R data frames through the column-buffer bridge: an R step writes a frame with every column kind
and its corner cases (NA against NaN, non-ASCII and empty strings, factor NA, fractional and
missing dates, time zones), a later step reads it back (``self$df``, straight from the stored
Arrow columns), reads it again after changing its copy (the task's cache hands out the same
value), a join reads it from its inputs, the R client reads it, and Python sees the documented
pandas view.

Needs R with duoflow's R package (`make test` installs both); DUOFLOW_SKIP_R=1 skips.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

R_FLOW = r'''
library(duoflow)
expected <- function() {
  n <- 300L  # over 64 rows: names and levels travel as buffers too
  i <- seq_len(n)
  data.frame(
    dbl = ifelse(i %% 7 == 0, NA_real_, ifelse(i %% 11 == 0, NaN, i / 3)),
    int = ifelse(i %% 5 == 0, NA_integer_, i),
    lgl = ifelse(i %% 3 == 0, NA, i %% 2 == 0),
    fct = factor(ifelse(i %% 13 == 0, NA, paste0("level-", i %% 70)), levels = paste0("level-", 0:69)),
    day = as.Date("2020-02-29") + ifelse(i %% 17 == 0, NA, i - 150),
    when = as.POSIXct(1.6e9 + i * 3601, origin = "1970-01-01", tz = "Europe/Paris"),
    txt = ifelse(i %% 19 == 0, NA, ifelse(i %% 23 == 0, "", ifelse(i %% 2 == 0, paste0("caf\u00e9-", i), strrep("x", i)))),
    stringsAsFactors = FALSE)
}
check <- function(what, ok) if (!isTRUE(ok)) stop(sprintf("%s: not identical", what))
start <- function(self) {
  self$df <- expected()
  self$branches <- c("a", "b")
}
read <- function(self) {
  df <- self$df
  check("self$df", identical(df, expected()))
  check("UTF-8 marks", all(Encoding(df$txt[grepl("caf", df$txt)]) == "UTF-8"))
  df$dbl[1] <- 1000
  check("second read after changing the copy", identical(self$df, expected()))
  self$nrows <- nrow(df)
}
join <- function(self, inputs) {
  for (input in inputs) check("inputs$x$df", identical(input$df, expected()))
}
metaflow("RDataBuffersFlow") %>%
  step(step = "start", r_function = start, next_step = "read") %>%
  step(step = "read", r_function = read, next_step = c("a", "b")) %>%
  step(step = "a", next_step = "join") %>%
  step(step = "b", next_step = "join") %>%
  step(step = "join", r_function = join, next_step = "end", join = TRUE) %>%
  step(step = "end") %>%
  run()
'''

R_CLIENT = r'''
library(duoflow)
source_expected <- parse(text = commandArgs(trailingOnly = TRUE)[[2]])
eval(source_expected)
df <- new_task("RDataBuffersFlow", commandArgs(trailingOnly = TRUE)[[1]], "start", "1")$artifact("df")
if (!identical(df, expected())) stop("client read: not identical")
cat("client ok\n")
'''


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        if os.environ.get("DUOFLOW_SKIP_R") == "1":
            pytest.skip("DUOFLOW_SKIP_R=1: no R on this machine")
        pytest.fail("Rscript is not installed: run `make test` (it installs R and the R package)")
    return rscript


@pytest.fixture(scope="module")
def r_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("rdata")
    (work / "flow.R").write_text(R_FLOW)
    env = dict(os.environ, DUOFLOW_DATASTORE_ROOT=str(work / "store"))
    env.setdefault("DUOFLOW_PYTHON", sys.executable)
    result = subprocess.run([_rscript(), "flow.R", "run", "--run-id-file", "id"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return work, env, (work / "id").read_text().strip()


def test_r_steps_and_joins_read_the_frame_exactly(r_run):
    work, env, run_id = r_run  # the flow itself checks identical() in R at every read
    from duoflow.client.objects import Flow, Run

    run = Run._load(Flow._in_datastore(str(work / "store"), "RDataBuffersFlow"), run_id, check=False)
    assert run["read"].task.data.nrows == 300


def test_the_r_client_reads_the_frame_exactly(r_run):
    work, env, run_id = r_run
    definition = R_FLOW[R_FLOW.index("expected <- "):R_FLOW.index("check <- ")]
    task_id = sorted(os.listdir(work / "store" / "RDataBuffersFlow" / "runs" / run_id / "start"))[0]
    script = R_CLIENT.replace('"start", "1"', '"start", "%s"' % task_id)
    (work / "client.R").write_text(script)
    result = subprocess.run([_rscript(), "client.R", run_id, definition], cwd=work, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "client ok" in result.stdout, result.stdout + result.stderr


def test_python_sees_the_documented_pandas_view(r_run):
    work, _, run_id = r_run
    from duoflow.client.objects import Flow, Run

    df = Run._load(Flow._in_datastore(str(work / "store"), "RDataBuffersFlow"), run_id, check=False)["start"].task.data.df
    i = np.arange(1, 301)
    assert str(df["dbl"].dtype) == "Float64"
    # pandas 3 counts a NaN in a Float64 column as missing too (R keeps NaN apart: checked above)
    assert df["dbl"].isna().to_numpy().tolist() == ((i % 7 == 0) | (i % 11 == 0)).tolist()
    assert df["dbl"][0] == 1 / 3
    assert str(df["int"].dtype) == "Int32" and df["int"].isna().sum() == (i % 5 == 0).sum()
    assert str(df["lgl"].dtype) == "boolean" and df["lgl"].isna().sum() == 100
    assert isinstance(df["fct"].dtype, pd.CategoricalDtype) and len(df["fct"].cat.categories) == 70
    assert df["fct"].isna().sum() == (i % 13 == 0).sum()
    assert df["day"].dtype == object and df["day"][0] == datetime.date(2019, 10, 3) and df["day"][16] is None
    assert str(df["when"].dtype.tz) == "Europe/Paris"
    assert df["txt"][1] == "café-2" and df["txt"][22] == "" and pd.isna(df["txt"][18])
