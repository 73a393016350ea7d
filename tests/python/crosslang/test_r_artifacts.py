"""Python reads what an R flow stored (the R package's own tests read the other direction).

Needs R with duoflow's R package: `make test` installs both (R_LIBS points at the project's R
library). Without R, these tests fail with a message saying how to get it, unless
DUOFLOW_SKIP_R=1 says this machine has no R on purpose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

R_FLOW = '''
library(duoflow)
start <- function(self) {
  self$scalar <- 2.5
  self$ints <- c(1L, NA, 3L)
  self$words <- c("a", NA, "c")
  self$named <- c(x = 1, y = 2)
  self$config <- list(depth = 3L, name = "tree", tags = list("a", "b"))
  self$frame <- data.frame(g = factor(c("lo", "hi")), v = c(1.5, NA), d = as.Date(c("2024-01-01", NA)),
                           stringsAsFactors = FALSE)
  self$when <- as.POSIXct("2024-03-10 12:30:00", tz = "America/New_York")
  self$m <- matrix(1:6, nrow = 2)
  self$fit <- lm(dist ~ speed, data = cars)
}
metaflow("RValuesFlow") %>%
  step(step = "start", r_function = start, next_step = "end") %>%
  step(step = "end") %>%
  run()
'''


@pytest.fixture(scope="module")
def r_run(tmp_path_factory):
    rscript = shutil.which("Rscript")
    if rscript is None:
        if os.environ.get("DUOFLOW_SKIP_R") == "1":
            pytest.skip("DUOFLOW_SKIP_R=1: no R on this machine")
        pytest.fail("Rscript is not installed: run `make test` (it installs R and the R package)")
    work = tmp_path_factory.mktemp("rflow")
    (work / "rvalues.R").write_text(R_FLOW)
    env = dict(os.environ, DUOFLOW_DATASTORE_ROOT=str(work / "store"))
    env.setdefault("DUOFLOW_PYTHON", sys.executable)
    result = subprocess.run([rscript, "rvalues.R", "run", "--run-id-file", "id"], cwd=work, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return work / "store", (work / "id").read_text().strip()


@pytest.fixture(scope="module")
def start_data(r_run):
    from duoflow.client.objects import Flow, Run

    root, run_id = r_run
    return Run._load(Flow._in_datastore(str(root), "RValuesFlow"), run_id, check=False)["start"].task.data


def test_scalars_and_vectors_with_na(start_data):
    assert start_data.scalar == 2.5
    ints = start_data.ints
    assert isinstance(ints, np.ma.MaskedArray) and ints.dtype == np.int32
    assert ints.mask.tolist() == [False, True, False] and ints[0] == 1 and ints[2] == 3
    words = start_data.words  # masked where NA, like every R vector with NA
    assert isinstance(words, np.ma.MaskedArray) and words.mask.tolist() == [False, True, False]
    assert (words[0], words[2]) == ("a", "c")


def test_named_vectors_and_lists(start_data):
    named = start_data.named
    assert isinstance(named, pd.Series) and named.to_dict() == {"x": 1.0, "y": 2.0}
    assert start_data.config == {"depth": 3, "name": "tree", "tags": ["a", "b"]}


def test_data_frame_with_factor_na_and_dates(start_data):
    frame = start_data.frame
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["g", "v", "d"]
    assert list(frame["g"].cat.categories) == ["hi", "lo"] and list(frame["g"]) == ["lo", "hi"]
    assert frame["v"].iloc[0] == 1.5 and pd.isna(frame["v"].iloc[1])
    assert str(frame["d"].iloc[0]) == "2024-01-01" and pd.isna(frame["d"].iloc[1])


def test_time_with_zone_and_matrix(start_data):
    when = start_data.when
    assert isinstance(when, pd.Timestamp) and str(when.tz) == "America/New_York" and when.hour == 12
    assert start_data.m.tolist() == [[1, 3, 5], [2, 4, 6]]


def test_r_only_objects_are_rpy2_objects_in_python(start_data):
    # `make test` installs the "r" extra (rpy2), so Python reads an lm fit as R's own object.
    fit = start_data.fit
    assert type(fit).__module__.startswith("rpy2."), type(fit)
    assert list(fit.rclass) == ["lm"]
    coefficients = dict(zip(fit.rx2("coefficients").names, fit.rx2("coefficients")))
    assert coefficients["speed"] == pytest.approx(3.932409, rel=1e-6)


def test_r_only_objects_say_what_they_are_without_rpy2(r_run, monkeypatch):
    from duoflow.client.objects import Flow, Run
    from duoflow.datastore.codecs.robject import RObjectUnavailableError

    monkeypatch.setitem(sys.modules, "rpy2.robjects", None)  # as if rpy2 were not installed
    root, run_id = r_run
    data = Run._load(Flow._in_datastore(str(root), "RValuesFlow"), run_id, check=False)["start"].task.data
    with pytest.raises(RObjectUnavailableError) as caught:
        data.fit
    message = str(caught.value)
    assert "R object of class 'lm'" in message and "rpy2 is not installed" in message
    assert 'run_client$new("<Flow>/<run id>")$artifact("<name>")' in message
    assert caught.value.code == "artifact_decode"
