"""After a failed attempt: @retry, then @catch, then the task fails; time limits; what is said
about a task that ended without a word (policy.after_failure, next_attempt, deadline, exit_reason)."""

from __future__ import annotations

import pytest

from duoflow.runtime import policy
from duoflow.runtime.context import TaskRequest
from duoflow.runtime.policy import CATCH, FAIL, RETRY, AfterFailure

from graphs import decorators, linear_graph


def node_with(**decos):
    return linear_graph("work", work=decorators(**decos))["work"]


def actions(node, attempts, catch_fallback=False):
    return [policy.after_failure(node, attempt, catch_fallback).action for attempt in attempts]


# -- retry and catch ------------------------------------------------------------------------------

def test_a_plain_step_fails_at_once():
    assert policy.after_failure(node_with(), 0, False) == AfterFailure(FAIL)


def test_retry_gives_times_more_attempts_then_fails():
    assert actions(node_with(retry={"times": 2}), range(4)) == [RETRY, RETRY, FAIL, FAIL]


def test_retry_default_is_three_more_attempts():
    assert actions(node_with(retry=None), range(5)) == [RETRY, RETRY, RETRY, FAIL, FAIL]


def test_retry_zero_times_fails_at_once():
    assert actions(node_with(retry={"times": 0}), [0]) == [FAIL]


def test_retry_without_a_pause_waits_zero_seconds():
    assert policy.after_failure(node_with(retry={"times": 1}), 0, False).wait == 0.0


@pytest.mark.parametrize("minutes,seconds", [(0.5, 30.0), (2, 120.0), (0.01, 0.6)])
def test_minutes_between_retries_becomes_the_wait_in_seconds(minutes, seconds):
    then = policy.after_failure(node_with(retry={"times": 1, "minutes_between_retries": minutes}), 0, False)
    assert then == AfterFailure(RETRY, pytest.approx(seconds))


def test_catch_without_retry_runs_the_fallback_after_the_first_failure():
    assert policy.after_failure(node_with(catch=None), 0, False) == AfterFailure(CATCH)


def test_catch_comes_after_the_retries_are_spent():
    assert actions(node_with(retry={"times": 2}, catch={"var": "oops"}), range(3)) == [RETRY, RETRY, CATCH]


def test_a_failed_catch_fallback_is_final():
    node = node_with(retry={"times": 2}, catch=None)
    assert actions(node, range(4), catch_fallback=True) == [FAIL] * 4


def test_a_fallback_failure_never_waits():
    assert policy.after_failure(node_with(catch=None), 1, True).wait == 0.0


def test_catch_and_retry_decide_per_step():
    graph = linear_graph("a", "b", a=decorators(catch=None), b=decorators(retry={"times": 1}))
    assert policy.after_failure(graph["a"], 0, False).action == CATCH
    assert policy.after_failure(graph["b"], 0, False).action == RETRY
    assert policy.after_failure(graph["start"], 0, False).action == FAIL


# -- the next attempt -----------------------------------------------------------------------------

def test_next_attempt_is_the_same_task_once_more():
    request = TaskRequest("work", "7", ["start/1"], 2, attempt=1)
    again = policy.next_attempt(request, catch_fallback=False)
    assert (again.step, again.task_id, again.input_paths, again.split_index) == ("work", "7", ["start/1"], 2)
    assert again.attempt == 2 and not again.catch_fallback
    assert request.attempt == 1  # the failed attempt's request is left as it was


def test_next_attempt_can_be_the_catch_fallback():
    again = policy.next_attempt(TaskRequest("work", "3"), catch_fallback=True)
    assert again.attempt == 1 and again.catch_fallback


# -- launching after a failure --------------------------------------------------------------------

@pytest.mark.parametrize("keep_going,failed,expected", [
    (False, False, True), (False, True, False), (True, False, True), (True, True, True)])
def test_may_launch_stops_new_tasks_after_a_failure_unless_keep_going(keep_going, failed, expected):
    assert policy.may_launch(keep_going, failed) is expected


# -- time limits ----------------------------------------------------------------------------------

def test_no_timeout_no_deadline():
    assert policy.deadline(node_with(), 100.0) is None


@pytest.mark.parametrize("attributes,seconds", [
    ({"seconds": 5}, 5.0), ({"minutes": 1, "seconds": 30}, 90.0), ({"hours": 1}, 3600.0)])
def test_deadline_is_start_plus_the_timeout(attributes, seconds):
    assert policy.deadline(node_with(timeout=attributes), 100.0) == pytest.approx(100.0 + seconds)


# -- a task that ended without a word -------------------------------------------------------------

def test_a_timed_out_task_says_its_limit():
    kind, message = policy.exit_reason(node_with(timeout={"seconds": 2.5}), -9, timed_out=True)
    assert kind == "TimeoutError"
    assert message == "The task timed out after 2.5 s (@timeout) and was killed"


def test_a_killed_task_names_the_signal():
    assert policy.exit_reason(node_with(), -9, timed_out=False) == (
        "TaskKilled", "The task was killed by signal 9 (SIGKILL)")


def test_an_unknown_signal_number_is_given_bare():
    assert policy.exit_reason(node_with(), -200, timed_out=False) == (
        "TaskKilled", "The task was killed by signal 200")


@pytest.mark.parametrize("code", [0, 1, 3])
def test_an_early_exit_gives_the_exit_code(code):
    assert policy.exit_reason(node_with(), code, timed_out=False) == (
        "TaskExited", "The task exited before finishing (exit code %d)" % code)


def test_retry_counts_given_as_r_numbers_work_the_same():
    # R's spec holds numbers as doubles: retry(times = 2) arrives as 2.0
    node = linear_graph("work", work={"decorators": [{"name": "retry", "attributes": {"times": 2.0}}]})["work"]
    assert actions(node, range(3)) == [RETRY, RETRY, FAIL]


def test_a_missing_pause_means_no_wait():
    node = linear_graph("work", work={"decorators": [{"name": "retry", "attributes": {"times": 1}}]})["work"]
    assert policy.after_failure(node, 0, False) == AfterFailure(RETRY, 0.0)
