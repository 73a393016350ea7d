"""The R bridge's Python side, in process: errors cross as records, the split between what the
R package calls (rbridge/api.py) and what only tests call (rbridge/testing.py), graph errors of
run() from code, and the datastore root R is told."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from duoflow.exceptions import DuoflowError, InvalidGraphError, NotFoundError
from duoflow.rbridge import api, testing

from r_specs import r_spec, r_step

REPO = Path(__file__).resolve().parents[3]


# -- errors as records --------------------------------------------------------------------------

def test_a_duoflow_error_is_a_record_of_its_fields():
    error = NotFoundError("Flow 'X' does not exist", ["Flows: A, B."], "Check the name.")
    assert error.to_record() == {"code": "not_found", "headline": "Flow 'X' does not exist",
                                 "details": ["Flows: A, B."], "hint": "Check the name."}
    assert api.error_record(error) == error.to_record()


def test_any_other_exception_is_a_python_record_named_by_its_type():
    assert api.error_record(ValueError("bad value\nmore\n")) == {
        "code": "python", "headline": "ValueError: bad value", "details": ["more"], "hint": None}
    assert api.error_record(KeyError())["headline"] == "KeyError"


def test_the_test_helper_raises_any_code():
    with pytest.raises(DuoflowError) as caught:
        testing.raise_error("some_code", "Head", ["d"], "h")
    assert caught.value.to_record() == {"code": "some_code", "headline": "Head", "details": ["d"],
                                        "hint": "h"}


# -- what the package calls, and what only tests call --------------------------------------------

def _bridge_calls_in_r_package():
    calls = set()
    for path in (REPO / "R").glob("*.R"):
        calls |= set(re.findall(r"(?:bridge\(\)|\bapi)\$(\w+)", path.read_text()))
    return calls


def test_every_api_function_is_one_the_r_package_calls():
    public = {name for name, value in vars(api).items()
              if inspect.isfunction(value) and value.__module__ == api.__name__ and not name.startswith("_")}
    unused = public - _bridge_calls_in_r_package()
    assert not unused, "api.py functions the R package never calls (test helpers go in testing.py): %s" % unused
    for helper in ("store_roundtrip", "python_view", "read_artifact", "read_fixture"):
        assert hasattr(testing, helper) and not hasattr(api, helper)


def test_run_flow_from_code_raises_every_graph_problem(tmp_path):
    spec = r_spec(r_step("start", ["ned"]), r_step("end"))
    with pytest.raises(InvalidGraphError) as caught:
        api.run_flow(spec, {}, ["run"], str(tmp_path / "bad.R"), "Rscript", check_graph=True)
    assert caught.value.to_record()["details"] == [
        "bad.R  step 'start' goes to 'ned', but no step has that name. Did you mean 'end'?",
        "bad.R  step 'end' is unreachable: no step goes to it from 'start'. Add it to a self.next() "
        "call or delete it."]


# -- where an interactive run keeps its runs ------------------------------------------------------

def test_datastore_root_is_the_cores_rule(tmp_path, monkeypatch):
    monkeypatch.delenv("DUOFLOW_DATASTORE_ROOT", raising=False)
    monkeypatch.delenv("DUOFLOW_DATASTORE", raising=False)
    (tmp_path / ".duoflow").mkdir()
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    assert api.datastore_root(str(work)) == str(tmp_path / ".duoflow")
    fresh = tmp_path / "elsewhere"
    fresh.mkdir()
    monkeypatch.chdir(fresh)
    monkeypatch.setenv("DUOFLOW_DATASTORE_ROOT", "relative-store")
    assert api.datastore_root(str(fresh)) == str(fresh / "relative-store")
    assert not (fresh / "relative-store").exists()  # told, not created
