"""Parallel work: two runs of one flow at once in one datastore, and --max-workers.

The tasks of flows/concurrency_flow.py find out through files whether other tasks run at the same
time, so these tests check what happened, not how long it took.
"""

import pytest


@pytest.fixture(scope="module", params=["fork", "spawn"])
def two_runs(request, make_runner):
    """foreach_flow.py started twice at once in one datastore, with different --alpha."""
    runner = make_runner(launcher=request.param, name="two-runs")
    started = [runner.start("foreach_flow.py", "run", "--alpha", alpha) for alpha in ("1.5", "2.5")]
    return [run.wait() for run in started]


def test_two_runs_at_once_both_succeed(two_runs):
    for result in two_runs:
        assert result.returncode == 0, result.describe()
        assert result.run_json()["status"] == "succeeded"


def test_two_runs_at_once_get_different_run_ids(two_runs):
    assert two_runs[0].run_id != two_runs[1].run_id


def test_two_runs_at_once_keep_their_own_artifacts(two_runs):
    for result, alpha in zip(two_runs, (1.5, 2.5)):
        end = result.values("end")
        assert end["alpha_in_end"] == alpha
        assert end["order"] == ["0:x", "1:y", "2:z"]
        assert len(result.task_ids("work")) == 3


@pytest.fixture
def rendezvous(tmp_path):
    path = tmp_path / "rendezvous"
    path.mkdir()
    return path


def test_max_workers_one_runs_one_task_at_a_time(run_flow, launcher, rendezvous):
    result = run_flow("concurrency_flow.py", "run", "--rendezvous", str(rendezvous),
                      "--mode", "exclusive", "--width", "3", "--max-workers", "1")
    assert result.returncode == 0, result.describe()
    assert result.values("join")["all_peers"] == [[], [], []]


def test_max_workers_runs_tasks_side_by_side(run_flow, launcher, rendezvous):
    result = run_flow("concurrency_flow.py", "run", "--rendezvous", str(rendezvous),
                      "--mode", "together", "--width", "2", "--max-workers", "2")
    assert result.returncode == 0, result.describe()
    assert result.values("join")["all_peers"] == [["together-1"], ["together-0"]]
