"""The local datastore after a run (docs/architecture.md): where it is, run.json, task.json,
DONE markers, content-addressed blobs, the code snapshot."""

import json
import re
import sys
import tarfile

import pytest


@pytest.fixture(scope="module")
def linear(shared_run):
    result = shared_run("linear_flow.py", "run", "--alpha", "0.5", "--tag", "t1", "--tag", "t2")
    assert result.returncode == 0, result.describe()
    return result


STEPS = ["start", "a", "b", "end"]


# -- run.json -------------------------------------------------------------------------------------

def test_run_json_identifies_the_run(linear):
    info = linear.run_json()
    assert info["run_id"] == linear.run_id
    assert info["flow"] == "LinearFlow"
    assert info["status"] == "succeeded"


def test_run_json_records_parameters_and_tags(linear):
    info = linear.run_json()
    assert info["parameters"] == {"alpha": 0.5}
    assert set(info["tags"]) == {"t1", "t2"}
    assert "system_tags" in info


def test_run_json_records_who_when_and_with_what(linear):
    info = linear.run_json()
    assert info["user"]
    assert info["created_at"] and info["finished_at"]
    assert info["versions"]["python"].startswith("%d.%d" % sys.version_info[:2])


def test_run_id_file_names_the_run_directory(linear):
    assert linear.run_dir.is_dir()
    assert (linear.run_dir / "run.json").exists()


# -- code snapshot --------------------------------------------------------------------------------

def test_code_snapshot_holds_the_flow_file(linear):
    sha = linear.run_json()["code"]["sha"]
    package = linear.store / "LinearFlow" / "code" / ("%s.tar.gz" % sha)
    assert package.exists(), package
    with tarfile.open(package) as tar:
        names = tar.getnames()
    assert any(name.split("/")[-1] == "linear_flow.py" for name in names), names


def test_code_snapshot_leaves_out_the_datastore(run_flow):
    # The datastore root (<tmp>/store) sits in the flow's directory; once it holds a run, the next
    # run's snapshot must not take it in.
    first = run_flow("linear_flow.py", "run")
    second = run_flow("linear_flow.py", "run")
    assert first.returncode == 0 and second.returncode == 0, second.describe()
    sha = second.run_json()["code"]["sha"]
    with tarfile.open(second.store / "LinearFlow" / "code" / ("%s.tar.gz" % sha)) as tar:
        names = tar.getnames()
    assert not [name for name in names if name.startswith("store/")], names


# -- tasks ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("step", STEPS)
def test_each_task_is_done_and_described(linear, step):
    task = linear.task_dir(step)
    assert (task / "DONE").exists()
    info = linear.task_json(step)
    assert info["step"] == step
    assert str(info["task_id"]) == task.name
    assert info["attempt"] == 0
    assert info["foreach_stack"] == []
    assert isinstance(info["parents"], list)


def test_parents_link_the_tasks(linear):
    for parent, child in zip(STEPS, STEPS[1:]):
        parent_task = "%s/%s" % (parent, linear.task_ids(parent)[0])
        assert linear.task_json(child)["parents"] == [parent_task]


def test_task_logs_are_stored(linear):
    assert "hello from start" in linear.log("start", "stdout")


# -- blobs ----------------------------------------------------------------------------------------

def blob_files(store):
    return [p for p in (store / "LinearFlow" / "blobs").rglob("*") if p.is_file()]


def test_blobs_are_addressed_by_content(linear):
    blobs = blob_files(linear.store)
    assert blobs
    for blob in blobs:
        assert re.fullmatch(r"[0-9a-f]{2}", blob.parent.name), blob
        assert blob.name.startswith(blob.parent.name), blob


def test_equal_values_are_stored_once(linear):
    artifacts = json.loads((linear.task_dir("start") / "artifacts.json").read_text())
    one, two = artifacts["copy_one"]["sha"], artifacts["copy_two"]["sha"]
    assert one == two
    assert (linear.store / "LinearFlow" / "blobs" / one[:2] / one).exists()


# -- where the datastore is -----------------------------------------------------------------------

def test_datastore_root_option_wins_over_the_environment(run_flow, tmp_path):
    other = tmp_path / "other-store"
    result = run_flow("linear_flow.py", "run", "--datastore-root", str(other))
    assert result.returncode == 0, result.describe()
    assert (other / "LinearFlow" / "runs" / result.run_id / "run.json").exists()
    assert not (result.store / "LinearFlow" / "runs" / result.run_id).exists()


def test_nearest_duoflow_directory_upward_is_used(run_flow, tmp_path):
    project = tmp_path / "project"
    (project / ".duoflow").mkdir(parents=True)
    flow = run_flow.copy_flow("linear_flow.py", dest=project / "flows")
    result = run_flow("linear_flow.py", "run", flow_path=flow, cwd=tmp_path,
                      env={"DUOFLOW_DATASTORE_ROOT": None})
    assert result.returncode == 0, result.describe()
    assert (project / ".duoflow" / "LinearFlow" / "runs" / result.run_id / "run.json").exists()


def test_datastore_is_created_beside_the_flow_file(run_flow, tmp_path):
    assert not any((parent / ".duoflow").is_dir() for parent in tmp_path.parents), (
        "a .duoflow directory above the temporary directory would be used instead")
    project = tmp_path / "project"
    flow = run_flow.copy_flow("linear_flow.py", dest=project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_flow("linear_flow.py", "run", flow_path=flow, cwd=elsewhere,
                      env={"DUOFLOW_DATASTORE_ROOT": None})
    assert result.returncode == 0, result.describe()
    assert (project / ".duoflow" / "LinearFlow" / "runs" / result.run_id / "run.json").exists()
    assert not (elsewhere / ".duoflow").exists()
