"""Runner: programmatic runs from Python, returning the run or raising a clear error."""

from __future__ import annotations

import shutil

import pytest

from pathlib import Path

from duoflow import Runner
from duoflow.exceptions import UsageError
from duoflow.runner import RunFailedError


FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"


@pytest.fixture
def flow_copy(tmp_path):
    def copy(name):
        target = tmp_path / name
        shutil.copyfile(FLOWS_DIR / name, target)
        return str(target)
    return copy


def test_runner_returns_the_run_with_its_data(flow_copy, tmp_path, capsys):
    runner = Runner(flow_copy("resume_linear_flow.py"), datastore_root=str(tmp_path / "store"))
    with runner.run(alpha=3.5) as running:
        assert running.status == "succeeded"
        assert running.run.data.alpha == 3.5
        assert running.run.successful
        assert running.run["end"].task.data.ran["end"] == running.run_id
    assert "succeeded" in capsys.readouterr().out  # the output streamed through


def test_runner_raises_a_clear_error_when_the_run_fails(flow_copy, tmp_path, monkeypatch):
    runner = Runner(flow_copy("resume_linear_flow.py"), datastore_root=str(tmp_path / "store"),
                    show_output=False, env={"FAIL_AT": "b"})
    with pytest.raises(RunFailedError) as caught:
        runner.run()
    error = caught.value
    assert "failed (exit code 1)" in error.headline
    assert any("planned failure in b" in line for line in error.details)
    assert error.result.run is not None and not error.result.run.successful
    resumed = Runner(runner.flow_file, datastore_root=str(tmp_path / "store"), show_output=False).resume()
    assert resumed.run.successful and resumed.run.origin_run_id == error.result.run_id


def test_runner_passes_options(flow_copy, tmp_path):
    # concurrency_flow's tasks each hold the one slot file through their step: with max_workers=1
    # none finds it taken; dropped, the default (one worker per core) would run them side by side.
    meeting = tmp_path / "rendezvous"
    meeting.mkdir()
    runner = Runner(flow_copy("concurrency_flow.py"), datastore_root=str(tmp_path / "store"),
                    show_output=False, max_workers=1, tags=["nightly", "v2"])
    running = runner.run(rendezvous=str(meeting), mode="exclusive", width=3, slots=1)
    assert {"nightly", "v2"} <= set(running.run.tags)
    assert " launcher, 1 workers)" in running.stdout, running.stdout
    assert running.run["join"].task.data.all_crowded_by == [[], [], []]


def test_runner_refuses_a_missing_flow_file(tmp_path):
    with pytest.raises(UsageError, match="Runner: flow file .*nope.py does not exist"):
        Runner(str(tmp_path / "nope.py"))
