"""Parallel work: two runs of one flow at once in one datastore, and --max-workers.

The tasks of flows/two_runs_flow.py and flows/concurrency_flow.py find out through files in a
shared rendezvous directory whether other runs or tasks run at the same time, so these tests check
what happened, not how long it took.
"""

import pytest


@pytest.fixture
def rendezvous(tmp_path):
    path = tmp_path / "rendezvous"
    path.mkdir()
    return path


@pytest.fixture(scope="module", params=["fork", "spawn"])
def two_runs(request, make_runner):
    """two_runs_flow.py started twice at once in one datastore, with different --alpha; each
    run's start waits in the rendezvous directory until the other run arrives."""
    runner = make_runner(launcher=request.param, name="two-runs")
    meeting = runner.workdir / "rendezvous"
    meeting.mkdir()
    started = [runner.start("two_runs_flow.py", "run", "--rendezvous", str(meeting), "--alpha", alpha)
               for alpha in ("1.5", "2.5")]
    return [run.wait() for run in started]


def test_two_runs_at_once_both_succeed(two_runs):
    for result in two_runs:
        assert result.returncode == 0, result.describe()
        assert result.run_json()["status"] == "succeeded"


def test_two_runs_at_once_overlapped(two_runs):
    # Each run's start step saw the other run's mark while it was waiting for it.
    first, second = two_runs
    assert first.values("start")["met"] == [second.run_id], first.describe()
    assert second.values("start")["met"] == [first.run_id], second.describe()


def test_two_runs_at_once_get_different_run_ids(two_runs):
    assert two_runs[0].run_id != two_runs[1].run_id


def test_two_runs_at_once_keep_their_own_artifacts(two_runs):
    for result, alpha in zip(two_runs, (1.5, 2.5)):
        assert result.values("join")["alphas_seen"] == [alpha]
        end = result.values("end")
        assert end["alpha_in_end"] == alpha
        assert end["order"] == ["0:x", "1:y", "2:z"]
        assert len(result.task_ids("work")) == 3


@pytest.mark.parametrize("workers,width", [(1, 3), (2, 4)])
def test_max_workers_is_never_exceeded(run_flow, launcher, rendezvous, workers, width):
    # Each task holds one of `workers` slot files through its step: a task finding them all taken
    # would show more tasks at once than --max-workers.
    result = run_flow("concurrency_flow.py", "run", "--rendezvous", str(rendezvous), "--mode", "exclusive",
                      "--width", str(width), "--slots", str(workers), "--max-workers", str(workers))
    assert result.returncode == 0, result.describe()
    assert result.values("join")["all_crowded_by"] == [[]] * width


def test_max_workers_runs_tasks_side_by_side(run_flow, launcher, rendezvous):
    result = run_flow("concurrency_flow.py", "run", "--rendezvous", str(rendezvous),
                      "--mode", "together", "--width", "2", "--max-workers", "2")
    assert result.returncode == 0, result.describe()
    assert result.values("join")["all_peers"] == [["together-1"], ["together-0"]]
