"""What the client shows of failed, retried, caught, running and crashed work."""

import datetime
import json

import pytest

from duoflow import Flow, Run
from duoflow.client import TaskException
from duoflow.exceptions import ArtifactNotFoundError, NotFoundError

from client_helpers import kill_group, wait_for


@pytest.fixture
def broken(client):
    return Run("BrokenFlow/%s" % client.ids["BrokenFlow"])


@pytest.fixture
def outcomes(client):
    return Run("OutcomesFlow/%s" % client.ids["OutcomesFlow"])


# -- a failed task ----------------------------------------------------------------------------------

def test_failed_task_state(broken):
    task = broken["boom"].task
    assert task.successful is False
    assert task.finished is False
    assert task.status == "failed"
    assert task.current_attempt == 0
    assert isinstance(task.finished_at, datetime.datetime)
    assert task.index is None and task.foreach_stack == []


def test_failed_task_place_in_the_graph(broken):
    task = broken["boom"].task
    assert [t.pathspec for t in task.parent_tasks] == [broken["start"].task.pathspec]
    assert isinstance(task.created_at, datetime.datetime) and task.created_at <= task.finished_at
    assert [t.pathspec for t in broken["start"].task.child_tasks] == [task.pathspec]


def test_failed_foreach_task_shows_its_index_and_item(store, use_store):
    use_store(store)
    run = Run("SplitFailFlow/%s" % store.run("split_fail_flow.py", "--keep-going", ok=False))
    by_status = {t.status: t for t in run["work"]}
    assert sorted(t.status for t in run["work"]) == ["failed", "succeeded", "succeeded"]
    failed = by_status["failed"]
    assert failed.index == 2 and failed.foreach_stack[0].value == "c"
    assert failed.parent_tasks[0].pathspec == run["start"].task.pathspec
    assert failed.exception.message == "item c fails"


def test_failed_task_exception(broken):
    error = broken["boom"].task.exception
    assert isinstance(error, TaskException)
    assert error.type == "ValueError"
    assert error.message == "cannot divide 7 by zero"
    assert "in divide" in error.traceback and "broken_flow.py" in error.traceback
    assert str(error) == "ValueError: cannot divide 7 by zero"
    assert error.exception == error.message and error.stacktrace == error.traceback
    assert error.attempt == 0
    assert error.pathspec == broken["boom"].task.pathspec


def test_failed_task_logs(broken):
    task = broken["boom"].task
    assert task.stdout == "boom is about to fail\n"
    assert task.stderr.startswith("boom complains on stderr\n")


def test_failed_task_has_no_artifacts(broken):
    task = broken["boom"].task
    assert list(task.artifacts) == []
    with pytest.raises(ArtifactNotFoundError) as info:
        task.data.ratio
    text = str(info.value)
    assert "Task %s has no artifact 'ratio'" % task.pathspec in text
    assert "did not finish" in text and "ValueError: cannot divide 7 by zero" in text


def test_steps_before_the_failure_are_readable(broken):
    start = broken["start"].task
    assert start.successful and start.data.before == "stored before the failure"
    assert start.exception is None


# -- retries and @catch --------------------------------------------------------------------------------

def test_task_that_succeeded_on_retry(outcomes):
    task = outcomes["flaky"].task
    assert task.successful and task.status == "succeeded"
    assert task.current_attempt == 1
    assert task.exception is None
    assert task.stdout == "flaky attempt 1\n"
    assert task.data.good_on == 1


def test_caught_task(outcomes):
    task = outcomes["risky"].task
    assert task.successful is True
    assert task.status == "caught"
    error = task.exception
    assert error.type == "KeyError" and "caught in risky" in error.message
    assert error.attempt == 0
    assert outcomes.successful
    assert "caught in risky" in outcomes.data.err_text


# -- runs that are still going, or whose runtime died ------------------------------------------------

def test_running_then_crashed_run(store, use_store):
    use_store(store)
    flags = store.dir / "flags"
    flags.mkdir()
    proc = store.start("nap_flow.py", "--flagdir", str(flags))
    try:
        assert wait_for(flags / "napping"), "nap never started"
        run = Flow("NapFlow").latest_run
        assert run.status == "running"
        assert run.finished is False and run.successful is False
        assert run.finished_at is None
        assert run["start"].task.successful
        nap = run["nap"].task  # visible from the start of its attempt
        assert nap.status == "running" and nap.finished is False and nap.successful is False
        assert [t.pathspec for t in nap.parent_tasks] == [run["start"].task.pathspec]
        assert isinstance(nap.created_at, datetime.datetime) and nap.finished_at is None
        assert list(nap.artifacts) == [] and nap.current_attempt == 0
        assert "end" not in run
        with pytest.raises(NotFoundError) as info:
            run["end"]
        assert "still going" in str(info.value)
        assert run.end_task is None and not run.data
    finally:
        kill_group(proc)  # the runtime and its task, with SIGKILL: nothing can mark the run ended
    info = json.loads((store.run_dir("NapFlow", run.id) / "run.json").read_text())
    assert info["status"] == "running"
    crashed = Run(run.pathspec)
    assert crashed.status == "crashed"
    assert crashed.finished is True and crashed.successful is False
    assert run.status == "crashed"  # an object made while it ran sees the change too
    assert crashed["nap"].task.status == "failed"  # its runtime is gone: it never ends
    assert Flow("NapFlow").latest_successful_run is None
