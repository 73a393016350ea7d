"""Run: data, steps, status, times, tags, parameters, code, and the errors for what is missing."""

import datetime
import io
import tarfile

import pytest

from duoflow import Flow, Run
from duoflow.client import NamespaceMismatchError, RunCode
from duoflow.exceptions import ArtifactNotFoundError, NotFoundError, UsageError

STEPS = ["start", "outer", "inner", "inner_join", "outer_join", "end"]


@pytest.fixture
def run(client):
    return Run("ClientFlow/%s" % client.ids["ClientFlow"])


def test_run_identity(run, client):
    run_id = client.ids["ClientFlow"]
    assert run.id == run_id
    assert run.pathspec == "ClientFlow/%s" % run_id
    assert run.parent == Flow("ClientFlow")
    assert repr(run) == "Run('ClientFlow/%s')" % run_id
    assert run == Run(run.pathspec) and hash(run) == hash(Run(run.pathspec))


def test_run_data_is_the_end_tasks_artifacts(run):
    assert run.data.x == 43
    assert run.data.all_pairs == ["a10", "a20", "a30", "b10", "b20", "b30"]
    assert run.data.mixed == {"list": [1, 2.5, "three"], "tuple": (1, 2), "set": {3}, "none": None,
                              "bytes": b"\x00\x01", "nested": {"deep": [True, False]}}
    assert run.end_task == run["end"].task
    assert run.end_task.pathspec.startswith(run.pathspec + "/end/")


def test_run_status_of_a_successful_run(run):
    assert run.successful is True
    assert run.finished is True
    assert run.status == "succeeded"


def test_run_times_are_utc_datetimes(run):
    assert isinstance(run.created_at, datetime.datetime)
    assert run.created_at.tzinfo is not None
    assert run.created_at.utcoffset() == datetime.timedelta(0)
    assert run.finished_at >= run.created_at
    assert run.finished_at - run.created_at < datetime.timedelta(minutes=5)


def test_run_tags(run):
    assert run.user_tags == frozenset({"nightly", "exp:1"})
    assert "user:alice" in run.system_tags and "runtime:local" in run.system_tags
    assert any(t.startswith("python_version:") for t in run.system_tags)
    assert run.tags == run.user_tags | run.system_tags
    assert isinstance(run.tags, frozenset)


def test_run_parameters_are_exact_values(run):
    params = run.parameters
    assert params == {"alpha": 0.25, "label": "x y", "config": {"depth": 3, "names": ["a", "b"]}}
    assert type(params["alpha"]) is float
    assert run.data.seen == params


def test_run_steps_newest_first_and_by_name(run):
    assert [s.id for s in run] == STEPS[::-1]
    assert [s.id for s in run.steps()] == STEPS[::-1]
    assert run.steps("nightly") == run.steps()
    assert run.steps("no-such-tag") == []
    assert run["inner"].pathspec == run.pathspec + "/inner"
    assert "inner" in run and "nope" not in run


def test_run_code_snapshot(run, tmp_path):
    code = run.code
    assert isinstance(code, RunCode)
    assert "client_flow.py" in code.files
    assert code.flow_file == "client_flow.py"
    assert "class ClientFlow(FlowSpec):" in code.flowspec
    with tarfile.open(fileobj=io.BytesIO(code.tarball), mode="r:gz") as tar:
        assert "client_flow.py" in tar.getnames()
    where = code.extract(str(tmp_path / "code"))
    assert (tmp_path / "code" / "client_flow.py").read_text() == code.flowspec
    assert where == str(tmp_path / "code")


def test_run_origin_of_a_fresh_run(run):
    assert run.origin_run_id is None
    assert run.origin_pathspec is None


def test_missing_run_names_the_latest_runs(client):
    with pytest.raises(NotFoundError) as info:
        Run("ClientFlow/123")
    text = str(info.value)
    assert "Run ClientFlow/123 does not exist" in text
    assert client.ids["ClientFlow"] in text


def test_run_pathspec_of_the_wrong_shape(client):
    with pytest.raises(UsageError) as info:
        Run("ClientFlow")
    assert "is not a run pathspec" in str(info.value)


def test_missing_step_names_the_steps(run):
    with pytest.raises(NotFoundError) as info:
        run["iner"]
    text = str(info.value)
    assert "has no step 'iner'" in text
    assert "start, outer, inner, inner_join, outer_join, end" in text
    assert "Did you mean 'inner'?" in text


def test_failed_run(client):
    run = Run("BrokenFlow/%s" % client.ids["BrokenFlow"])
    assert run.successful is False
    assert run.finished is True
    assert run.status == "failed"
    assert run.finished_at is not None
    assert run.end_task is None
    assert not run.data
    with pytest.raises(ArtifactNotFoundError) as info:
        run.data.ratio
    assert "end step did not finish" in str(info.value)
    assert "run['boom'].task.data.ratio" in str(info.value)
    assert [s.id for s in run] == ["boom", "start"]


def test_step_that_never_started_says_so(client):
    run = Run("BrokenFlow/%s" % client.ids["BrokenFlow"])
    with pytest.raises(NotFoundError) as info:
        run["end"]
    text = str(info.value)
    assert "has no task in this run (the run is failed)" in text
    assert "run['boom'].task.exception" in text


def test_run_outside_the_namespace(client, use_store):
    use_store(client, user="bob")
    with pytest.raises(NamespaceMismatchError) as info:
        Run("ClientFlow/%s" % client.ids["ClientFlow"])
    text = str(info.value)
    assert "not in the current namespace 'user:bob'" in text
    assert "namespace(None)" in text
    assert isinstance(info.value, NotFoundError)
    assert Run("ClientFlow/%s" % client.ids["ClientFlow"], _namespace_check=False).data.x == 43
