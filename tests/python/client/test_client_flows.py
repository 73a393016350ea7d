"""Flow, list_flows, Metaflow().flows, the datastore the client reads, and `import duoflow`."""

import os
import subprocess
import sys

import pytest

from duoflow import Flow, Run, get_metadata, list_flows, metadata
from duoflow.client import Metaflow
from duoflow.client.state import default_metadata
from duoflow.exceptions import NotFoundError, UsageError

from client_helpers import REPO_PYTHON, Store, flow_env


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """TinyFlow run three times (the middle one with a tag), then BrokenFlow once."""
    target = Store(tmp_path_factory.mktemp("three-runs"))
    ids = [target.run("tiny_flow.py", "--n", str(n), *(["--tag", "middle"] if n == 2 else []))
           for n in (1, 2, 3)]
    target.run("broken_flow.py", ok=False)
    return target, ids


def test_flow_names_its_runs_newest_first(three_runs, use_store):
    target, ids = three_runs
    use_store(target)
    flow = Flow("TinyFlow")
    assert [run.id for run in flow.runs()] == ids[::-1]
    assert [run.id for run in flow] == ids[::-1]
    assert flow.id == flow.pathspec == "TinyFlow"
    assert flow.parent is None


def test_latest_run_and_latest_successful_run(three_runs, use_store):
    target, ids = three_runs
    use_store(target)
    assert Flow("TinyFlow").latest_run.id == ids[-1]
    assert Flow("TinyFlow").latest_successful_run.id == ids[-1]
    broken = Flow("BrokenFlow")
    assert broken.latest_run is not None and not broken.latest_run.successful
    assert broken.latest_successful_run is None


def test_runs_filtered_by_tag_in_every_form(three_runs, use_store):
    target, ids = three_runs
    use_store(target)
    flow = Flow("TinyFlow")
    assert [r.id for r in flow.runs("middle")] == [ids[1]]
    assert [r.id for r in flow.runs(tag="middle")] == [ids[1]]
    assert [r.id for r in flow.runs(["middle"])] == [ids[1]]
    assert [r.id for r in flow.runs(tag=["middle", "user:alice"])] == [ids[1]]
    assert list(flow.runs("middle", "nope")) == []
    assert [r.id for r in flow.runs("runtime:local")] == ids[::-1]


def test_flow_indexing_by_run_id(three_runs, use_store):
    target, ids = three_runs
    use_store(target)
    flow = Flow("TinyFlow")
    assert flow[ids[0]] == Run("TinyFlow/%s" % ids[0])
    assert ids[0] in flow and "123" not in flow


def test_missing_flow_names_the_flows_that_exist(three_runs, use_store):
    target, _ = three_runs
    use_store(target)
    with pytest.raises(NotFoundError) as info:
        Flow("TinyFlw")
    text = str(info.value)
    assert "Flow 'TinyFlw' does not exist" in text
    assert "'BrokenFlow', 'TinyFlow'" in text
    assert "Did you mean 'TinyFlow'?" in text


def test_flow_name_that_is_a_pathspec_is_refused(three_runs, use_store):
    use_store(three_runs[0])
    with pytest.raises(UsageError) as info:
        Flow("TinyFlow/123")
    assert "use Run('TinyFlow/123')" in str(info.value)


def test_list_flows_and_metaflow_flows(three_runs, use_store):
    use_store(three_runs[0])
    assert [f.id for f in list_flows()] == ["BrokenFlow", "TinyFlow"]
    assert [f.id for f in Metaflow().flows] == ["BrokenFlow", "TinyFlow"]


def test_metadata_chooses_the_datastore(three_runs, monkeypatch, tmp_path):
    target, ids = three_runs
    monkeypatch.delenv("DUOFLOW_DATASTORE_ROOT", raising=False)
    monkeypatch.setenv("DUOFLOW_USER", "alice")
    monkeypatch.chdir(tmp_path)
    assert metadata("local@%s" % target.root) == "local@%s" % target.root
    assert get_metadata() == "local@%s" % target.root
    assert Flow("TinyFlow").latest_run.id == ids[-1]
    assert metadata(str(target.root)) == "local@%s" % target.root
    default_metadata()
    with pytest.raises(NotFoundError) as info:
        Flow("TinyFlow")
    assert "No duoflow datastore found" in str(info.value)
    assert "metadata('local@" in str(info.value)


def test_metadata_accepts_the_directory_holding_dot_duoflow(tmp_path, monkeypatch):
    (tmp_path / ".duoflow" / "SomeFlow" / "runs").mkdir(parents=True)
    monkeypatch.chdir("/")
    assert metadata("local@%s" % tmp_path) == "local@%s" % (tmp_path / ".duoflow")
    assert [f.id for f in list_flows()] == ["SomeFlow"]


def test_metadata_refuses_what_it_cannot_read(tmp_path):
    with pytest.raises(UsageError):
        metadata("service@http://example.com")
    with pytest.raises(NotFoundError):
        metadata(str(tmp_path / "missing"))


def test_datastore_is_found_upward_from_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / ".duoflow" / "UpFlow" / "runs").mkdir(parents=True)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.delenv("DUOFLOW_DATASTORE_ROOT", raising=False)
    monkeypatch.chdir(deep)
    assert get_metadata() == "local@%s" % (tmp_path / ".duoflow")
    assert Flow("UpFlow").latest_run is None


def test_import_duoflow_does_not_import_the_client():
    code = ("import sys, duoflow; assert 'duoflow.client' not in sys.modules; "
            "from duoflow import Flow; assert 'duoflow.client' in sys.modules; "
            "assert Flow is duoflow.client.Flow; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], env=flow_env("alice"), capture_output=True,
                         text=True, cwd=str(REPO_PYTHON))
    assert out.stdout.strip() == "ok", out.stderr
    assert os.path.isdir(REPO_PYTHON)


def test_unknown_top_level_name_is_an_attribute_error():
    import duoflow

    with pytest.raises(AttributeError):
        duoflow.NoSuchThing  # noqa: B018
