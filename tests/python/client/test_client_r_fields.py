"""What the R client (duoflow.rbridge.client_api) gives for Metaflow R's fields: ids where
Metaflow R's R6 classes give ids, the task's metadata and runtime, and set_metadata("local")."""

import pytest

from duoflow import Flow, Run
from duoflow.exceptions import NotFoundError
from duoflow.rbridge import client_api


@pytest.fixture
def run(client):
    return Run("ClientFlow/%s" % client.ids["ClientFlow"])


def test_ids_where_metaflow_r_gives_ids(run):
    step = run["inner"]
    assert client_api.field(step, "a_task") == step.task.id
    assert client_api.field(step, "a_task_pathspec") == step.task.pathspec
    assert client_api.field(run, "end_task") == run.end_task.id
    assert client_api.field(run, "end_task_pathspec") == run.end_task.pathspec
    assert client_api.field(run.parent, "parent") is None
    assert client_api.child_ids(run.parent) == [r.id for r in run.parent.runs()]
    assert client_api.child_ids(run) == run._step_names()
    assert client_api.child_ids(step) == step._task_ids()
    assert client_api.child_ids(run.end_task) == sorted(a.id for a in run.end_task.artifacts)
    assert client_api.is_in_namespace(run) is True


def test_task_metadata_and_runtime(run):
    task = run["start"].task
    metadata = client_api.field(task, "metadata_dict")
    assert metadata["attempt"] == "0" and metadata["runtime"] == "local"
    assert all(isinstance(v, str) for v in metadata.values())
    assert client_api.field(task, "runtime_name") == "local"
    assert client_api.field(task, "code") is task.code


def test_set_metadata_local_reads_the_local_datastore(client, tmp_path, monkeypatch):
    assert client_api.set_metadata("local") == "local@%s" % client.root
    assert Flow("ClientFlow").latest_run is not None
    monkeypatch.delenv("DUOFLOW_DATASTORE_ROOT")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotFoundError, match="There is no local datastore to read"):
        client_api.set_metadata("local")
    assert client_api.default_metadata() == "local@%s" % (tmp_path / ".duoflow")
