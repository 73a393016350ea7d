"""Step decorators under both launchers: @retry (and `run --with retry`), @catch, @timeout,
@environment, @resources, and what `current` tells a step."""

import pytest


# -- @retry ---------------------------------------------------------------------------------------

@pytest.fixture
def retried(shared_run, launcher):
    """flaky fails on attempts 0 and 1 and succeeds on attempt 2 (@retry(times=2))."""
    return shared_run("retry_flow.py", "run", launcher=launcher)


@pytest.fixture
def exhausted(shared_run, launcher):
    """flaky fails on every attempt it gets."""
    return shared_run("retry_flow.py", "run", "--failures", "5", launcher=launcher)


def test_retry_succeeds_on_the_last_attempt(retried):
    assert retried.returncode == 0, retried.describe()
    assert retried.values("flaky")["succeeded_on_attempt"] == 2


def test_retry_keeps_one_directory_per_attempt(retried):
    assert retried.attempts("flaky") == [0, 1, 2]
    assert retried.task_json("flaky")["attempt"] == 2


@pytest.mark.parametrize("attempt", [0, 1, 2])
def test_retry_keeps_the_logs_of_each_attempt(retried, attempt):
    stdout = retried.log("flaky", "stdout", attempt)
    stderr = retried.log("flaky", "stderr", attempt)
    assert "flaky attempt %d on stdout" % attempt in stdout
    assert "flaky attempt %d on stderr" % attempt in stderr
    others = {0, 1, 2} - {attempt}
    assert not any("flaky attempt %d" % other in stdout for other in others)


def test_retry_failures_show_in_the_earlier_attempts_logs(retried):
    assert "flaky fails on attempt 0" in retried.log("flaky", "stderr", 0)


def test_retry_gives_up_after_its_times(exhausted):
    assert exhausted.returncode == 1, exhausted.describe()
    flaky_id = exhausted.task_ids("flaky", done_only=False)[0]
    assert exhausted.attempts("flaky", flaky_id) == [0, 1, 2]
    assert "flaky fails on attempt 2" in exhausted.stderr, exhausted.describe()
    assert exhausted.task_ids("end") == []


def test_with_retry_retries_every_step(run_flow, launcher):
    result = run_flow("with_retry_flow.py", "run", "--with", "retry")
    assert result.returncode == 0, result.describe()
    assert result.values("start")["start_attempt"] == 1


def test_with_retry_takes_options(run_flow):
    result = run_flow("with_retry_flow.py", "run", "--with", "retry:times=1")
    assert result.returncode == 0, result.describe()
    assert result.attempts("start") == [0, 1]


def test_without_retry_the_same_flow_fails(run_flow):
    result = run_flow("with_retry_flow.py", "run")
    assert result.returncode == 1, result.describe()
    assert "start fails on its first attempt" in result.stderr, result.describe()


# -- @environment, @resources, bare @retry, current ------------------------------------------

@pytest.fixture
def decorated(shared_run, launcher):
    return shared_run("decorated_flow.py", "run", "--tag", "experiment-3", launcher=launcher,
                      env={"GREETING": None})


@pytest.fixture
def current_start(decorated):
    assert decorated.returncode == 0, decorated.describe()
    return decorated.values("start")["current_start"]


def test_decorated_flow_succeeds(decorated):
    assert decorated.returncode == 0, decorated.describe()


def test_environment_sets_variables_in_its_step(decorated):
    assert decorated.values("start")["greeting"] == "hi"


def test_environment_does_not_leak_into_other_steps(decorated):
    assert decorated.values("end")["greeting_in_end"] is None


def test_bare_retry_retries(decorated):
    assert decorated.values("flaky")["flaky_retry_count"] == 1
    assert decorated.task_json("flaky")["attempt"] == 1


def test_current_names_the_task(decorated, current_start):
    start_id = decorated.task_ids("start")[0]
    assert current_start["flow_name"] == "DecoratedFlow"
    assert current_start["run_id"] == decorated.run_id
    assert current_start["step_name"] == "start"
    assert current_start["task_id"] == start_id
    assert current_start["retry_count"] == 0
    assert current_start["pathspec"] == "DecoratedFlow/%s/start/%s" % (decorated.run_id, start_id)


def test_current_knows_the_user_and_tags(decorated, current_start):
    assert current_start["username"]
    assert current_start["username"] == decorated.run_json()["user"]
    assert "experiment-3" in current_start["tags"]


# -- @catch ---------------------------------------------------------------------------------------

@pytest.fixture
def caught(shared_run, launcher):
    return shared_run("catch_flow.py", "run", launcher=launcher)


def test_catch_lets_the_run_succeed(caught):
    assert caught.returncode == 0, caught.describe()


def test_catch_stores_the_error_for_the_next_step(caught):
    end = caught.values("end")
    assert end["err_is_none"] is False
    assert "boom in risky" in end["err_text"]


# -- @timeout -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def timeout_runs(make_runner):
    """One run of timeout_flow.py per launcher: ``launcher -> (result, piddir)``."""
    cache = {}

    def get(launcher):
        if launcher not in cache:
            runner = make_runner(launcher=launcher, name="timeout")
            piddir = runner.workdir / "pids"
            piddir.mkdir()
            cache[launcher] = (runner("timeout_flow.py", "run", "--piddir", str(piddir)), piddir)
        return cache[launcher]
    return get


@pytest.fixture
def timed_out(timeout_runs, launcher):
    return timeout_runs(launcher)[0]


@pytest.fixture
def slow_pids(timeout_runs, launcher):
    """The process ids the slow step wrote, one file per attempt."""
    return sorted(timeout_runs(launcher)[1].glob("slow-*.pid"))


def test_timeout_fails_the_run_quickly(timed_out):
    assert timed_out.returncode == 1, timed_out.describe()
    assert "timed out" in timed_out.stderr, timed_out.describe()
    # Not a benchmark: the step sleeps 30 s per attempt, so only a kill can finish this early.
    assert timed_out.elapsed < 25, timed_out.elapsed


def test_timeout_is_retried(timed_out):
    slow_id = timed_out.task_ids("slow", done_only=False)[0]
    assert timed_out.attempts("slow", slow_id) == [0, 1]
    assert "slow attempt 0 starting" in timed_out.log("slow", "stdout", 0, slow_id)
    assert "slow attempt 1 starting" in timed_out.log("slow", "stdout", 1, slow_id)


def test_timeout_kills_the_task_process(timed_out, slow_pids, wait_gone):
    assert len(slow_pids) == 2, slow_pids
    for path in slow_pids:
        assert wait_gone(int(path.read_text())), "%s still runs" % path.name
