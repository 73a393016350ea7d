"""The command line and the client read through one layer: the same facts, the same refusals.

Each case here once went wrong in one of the two paths: logs of a task cloned through two resumes
printed nothing, one damaged run.json hid every run, a pathspec could name files outside runs/,
and --run-id-file naming a directory crashed after creating the run.
"""

import json
import subprocess
import sys

import pytest


def resume(origin, run_flow, env=None):
    id_file = run_flow.workdir / ("resume-%d.id" % len(list(run_flow.workdir.glob("resume-*.id"))))
    result = origin.cli("resume", "--run-id-file", str(id_file), env=env)
    return result, (id_file.read_text().strip() if id_file.exists() else None)


def client(result, code: str) -> subprocess.CompletedProcess:
    """Run client code in a fresh interpreter on the run's datastore (``pathspec`` is defined)."""
    script = ("import warnings\nfrom duoflow import *\nnamespace(None)\n" + code)
    env = result.runner.env({"DUOFLOW_DATASTORE_ROOT": str(result.store)})
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)


def test_logs_of_a_task_cloned_through_two_resumes_are_the_original_task_s(run_flow):
    first = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    assert first.returncode == 1, first.describe()
    second, second_id = resume(first, run_flow, env={"FAIL_AT": "b"})
    assert second.returncode == 1, second.describe()
    third, third_id = resume(first, run_flow)
    assert third.returncode == 0, third.describe()
    pathspec = "ResumeLinearFlow/%s/start/1" % third_id

    logs = first.cli("logs", pathspec, "--stdout")
    assert logs.returncode == 0, logs.describe()
    assert "start ran in %s" % first.run_id in logs.stdout

    read = client(first, "print(Task(%r).stdout, end='')" % pathspec)
    assert read.returncode == 0, read.stderr
    assert read.stdout == logs.stdout


@pytest.fixture
def two_runs(run_flow):
    runs = [run_flow("linear_flow.py", "run") for _ in range(2)]
    for result in runs:
        assert result.returncode == 0, result.describe()
    return runs


def test_a_damaged_run_record_is_listed_as_damaged_and_the_others_normally(two_runs):
    good, bad = two_runs
    (bad.run_dir / "run.json").write_text('{"flow": "LinearFlow", "stat')
    listed = good.cli("runs")
    assert listed.returncode == 0, listed.describe()
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert rows[bad.run_id].split()[1] == "damaged"
    assert str(bad.run_dir / "run.json") in rows[bad.run_id]
    assert rows[good.run_id].split()[1] == "succeeded"

    read = client(good, "with warnings.catch_warnings(record=True) as seen:\n"
                        "    warnings.simplefilter('always')\n"
                        "    print([r.id for r in Flow('LinearFlow').runs()])\n"
                        "print(len(seen), str(seen[0].message).splitlines()[0])\n")
    assert read.returncode == 0, read.stderr
    ids, warning = read.stdout.splitlines()
    assert ids == str([good.run_id])
    assert warning.startswith("1 The datastore record %s" % (bad.run_dir / "run.json"))


def test_opening_a_damaged_run_names_the_file_and_what_to_do(two_runs):
    _, bad = two_runs
    (bad.run_dir / "run.json").write_text('["not a run"]')
    read = client(bad, "Run('LinearFlow/%s')" % bad.run_id)
    assert read.returncode == 1
    assert "DamagedRecordError: The datastore record %s is damaged" % (bad.run_dir / "run.json") in read.stderr
    assert "It holds list, not a JSON object." in read.stderr
    assert "move the run (or task) directory aside" in read.stderr


@pytest.mark.parametrize("record, command", [("task.json", "logs"), ("artifacts.json", "dump")])
def test_a_damaged_task_record_is_named_by_the_command_that_reads_it(two_runs, record, command):
    run = two_runs[0]
    path = run.task_dir("start") / record
    data = path.read_bytes()
    path.write_bytes(b"#" + data[1:])  # the same size: damaged in place, not cut short
    result = run.cli(command, run.pathspec("start"))
    assert result.returncode == 1, result.describe()
    assert "The datastore record %s is damaged" % path in result.stderr
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("pathspec", ["../start/1", "LinearFlow/../start/1", "1.5/start/1",
                                      "LinearFlow/%s/start/..", "LinearFlow/%s/../1"])
def test_a_pathspec_whose_ids_are_not_ids_is_refused(two_runs, pathspec):
    run = two_runs[0]
    if "%s" in pathspec:
        pathspec = pathspec % run.run_id
    for command in ("logs", "dump"):
        result = run.cli(command, pathspec)
        assert result.returncode == 2, result.describe()
        assert "is not a" in result.stderr and "Traceback" not in result.stderr


def test_the_client_and_the_cli_refuse_the_same_ids(two_runs):
    run = two_runs[0]
    read = client(run, "try:\n    Step('LinearFlow/%s/start')['..']\n"
                       "except KeyError as e:\n    print(type(e).__name__, e)\n" % run.run_id)
    assert read.returncode == 0, read.stderr
    assert read.stdout.startswith("NotFoundError Step LinearFlow/%s/start has no task .." % run.run_id)
    assert "A task id is made of letters, digits" in read.stdout


def test_run_id_file_naming_a_directory_is_a_usage_error_before_anything_is_created(run_flow, tmp_path):
    store = tmp_path / "fresh-store"
    target = tmp_path / "a-directory"
    target.mkdir()
    result = run_flow("linear_flow.py", "run", "--run-id-file", str(target),
                      env={"DUOFLOW_DATASTORE_ROOT": str(store)})
    assert result.returncode == 2, result.describe()
    assert "is a directory" in result.stderr and "--run-id-file" in result.stderr
    assert not store.exists()
    assert list(target.iterdir()) == []


def test_tag_edits_refuse_a_run_id_that_is_not_one(two_runs):
    run = two_runs[0]
    result = run.cli("tag", "add", "x", "--run-id", "../../etc")
    assert result.returncode == 2, result.describe()
    assert "'../../etc' is not a run id" in result.stderr


def test_records_written_by_a_run_carry_their_format_version(two_runs):
    run = two_runs[0]
    task = json.loads((run.task_dir("start") / "task.json").read_text())
    from duoflow.datastore.records import FORMAT

    assert FORMAT == 3  # raised with each new field; see records.py's version log
    assert task["format"] == FORMAT and run.run_json()["format"] == FORMAT
