"""R-native artifacts from Python: an rpy2 object when rpy2 (and R) are there, an RObject
carrier inside R (reticulate) or on request, and otherwise a clear error naming the R class and
how to read the artifact from R.

The rpy2 tests need R: they are skipped only when R is not installed (the Makefile installs it);
with R installed and rpy2 missing they fail, saying how to install it."""

from __future__ import annotations

import shutil
import sys

import pytest
import rowlib

from duoflow.datastore.codecs import RObject, RObjectUnavailableError
from duoflow.exceptions import ArtifactDecodeError

LM = RObject(rowlib.r_blob("lm_fit.bin"), ["lm"])


@pytest.fixture
def ro(monkeypatch):
    """rpy2.robjects, with R started in this process."""
    monkeypatch.delenv("DUOFLOW_R_VIEW", raising=False)
    if shutil.which("R") is None:
        pytest.skip("R is not installed here (Debian: apt-get install r-base-core r-base-dev); "
                    "the rpy2 view of R-native artifacts needs it")
    try:
        import rpy2.robjects as robjects
    except ImportError as exc:
        pytest.fail("R is installed but rpy2 cannot be imported (%s): pip install 'duoflow[r]'" % exc)
    return robjects


def test_rds_entry_records_encoding_and_r_class(store, monkeypatch):
    monkeypatch.setenv("DUOFLOW_R_VIEW", "carrier")
    entry, loaded = store.roundtrip(LM)
    assert entry["encoding"] == "rds" and entry["r_class"] == "lm" and entry["r_classes"] == ["lm"]
    assert entry["type"] == "duoflow.datastore.codecs.robject.RObject"
    assert loaded == LM  # the exact serialize() bytes back
    assert "compression" not in entry or entry["compression"]["method"] == "zstd"


def test_rpy2_view_of_an_lm_fit(store, ro):
    entry = store.save("fit", LM)
    fit = store.load("fit", entry)
    assert list(ro.r["class"](fit)) == ["lm"]
    assert [round(c, 6) for c in ro.r["coef"](fit)] == [0.15, 1.94]
    summary = ro.r["summary"](fit)  # an lm fit can be inspected
    assert round(summary.rx2("r.squared")[0], 4) == 0.9957


def test_rpy2_view_of_a_closure(store, ro):
    entry = store.save("f", RObject(rowlib.r_blob("closure.bin"), ["function"]))
    add_k = store.load("f", entry)
    assert list(add_k(1)) == [11.0]


def test_rpy2_objects_are_stored_as_rds(store, ro):
    fit = ro.r("lm(mpg ~ wt, data = mtcars)")
    entry, loaded = store.roundtrip(fit)
    assert entry["encoding"] == "rds" and entry["r_class"] == "lm"
    assert list(ro.r["coef"](loaded)) == pytest.approx(list(ro.r["coef"](fit)))


def test_without_rpy2_the_error_names_the_r_class_and_the_way_from_r(store, monkeypatch):
    monkeypatch.delenv("DUOFLOW_R_VIEW", raising=False)
    monkeypatch.setitem(sys.modules, "rpy2.robjects", None)  # makes `import rpy2.robjects` fail
    entry = store.save("fit", RObject(LM.data, ["glm", "lm"]))
    with pytest.raises(RObjectUnavailableError) as caught:
        store.load("fit", entry)
    error = caught.value
    assert isinstance(error, ArtifactDecodeError) and error.code == "artifact_decode"
    message = str(error)
    assert "R object of class 'glm', 'lm'" in message
    assert "run_client$new(" in message and "$artifact(" in message and "duoflow[r]" in message


def test_inside_r_the_carrier_is_returned(store, monkeypatch):
    """reticulate's embedded Python has the 'rpycall' module: R unserializes the bytes itself."""
    monkeypatch.delenv("DUOFLOW_R_VIEW", raising=False)
    monkeypatch.setitem(sys.modules, "rpycall", object())
    monkeypatch.setitem(sys.modules, "rpy2.robjects", None)
    entry = store.save("fit", LM)
    assert store.load("fit", entry) == LM


def test_a_blob_that_is_not_r_serialization_is_refused(store, monkeypatch):
    monkeypatch.setenv("DUOFLOW_R_VIEW", "carrier")
    entry = store.save("x", RObject(b"not R at all", ["lm"]))
    with pytest.raises(ArtifactDecodeError, match="R serialize"):
        store.load("x", entry)
