"""Failed runs under both launchers: exit code 1, which task failed, the user's traceback (not the
engine's), how to see the logs; failures the graph cannot foresee; dead tasks; Ctrl-C."""

import json
import re
import signal

import pytest

FAILED_TASK = "explode/2"  # start is task 1, explode task 2 (tasks are numbered in launch order)


@pytest.fixture
def failed(shared_run, launcher):
    """fail_flow.py: 'explode' raises ValueError from the helper compute_ratio()."""
    return shared_run("fail_flow.py", "run", launcher=launcher)


@pytest.fixture
def failed_pathspec(failed):
    return "FailFlow/%s/%s" % (failed.run_id, FAILED_TASK)


def test_failed_run_exits_1(failed):
    assert failed.returncode == 1, failed.describe()


def test_failure_names_the_task(failed, failed_pathspec):
    assert "Task %s failed" % failed_pathspec in failed.stderr, failed.describe()


def test_failure_shows_the_exception(failed):
    assert "ValueError" in failed.stderr, failed.describe()
    assert "ratio denominator must not be zero" in failed.stderr, failed.describe()


def test_failure_shows_the_user_traceback(failed):
    lines = failed.stderr.splitlines()
    assert any("fail_flow.py" in line and "explode" in line for line in lines), failed.describe()
    assert any("fail_flow.py" in line and "compute_ratio" in line for line in lines), (
        failed.describe())


def test_failure_hides_engine_frames(failed):
    engine = [line for line in failed.stderr.splitlines()
              if re.search(r'File "[^"]*[/\\]duoflow[/\\]', line)]
    assert not engine, "traceback shows duoflow's own frames:\n" + "\n".join(engine)


def test_failure_says_how_to_see_the_logs(failed, failed_pathspec):
    pattern = r"python\S*\s+\S*fail_flow\.py\s+logs\s+" + re.escape(failed_pathspec)
    assert re.search(pattern, failed.stderr), failed.describe()


def test_failure_last_line_says_the_run_failed(failed):
    expected = "Run FailFlow/%s failed" % failed.run_id
    assert expected in failed.last_line(failed.stderr), failed.describe()


def test_failed_task_output_is_prefixed(failed, failed_pathspec):
    prefix = "[%s] " % failed_pathspec
    lines = [line for line in failed.output.splitlines() if line.startswith(prefix)]
    assert any("about to fail" in line for line in lines), failed.describe()
    assert any("a warning on stderr" in line for line in lines), failed.describe()


def test_logs_command_shows_the_failed_task(failed, failed_pathspec):
    result = failed.cli("logs", failed_pathspec)
    assert result.returncode == 0, result.describe()
    assert "about to fail" in result.output
    assert "a warning on stderr" in result.output


def test_steps_after_a_failure_do_not_run(failed):
    assert failed.task_ids("end", done_only=False) == []
    assert "end must not run" not in failed.output


def test_failed_run_is_recorded_as_failed(failed):
    info = failed.run_json()
    assert info["status"] == "failed"
    assert info["finished_at"]


def test_quiet_failure_still_reports_the_error(run_flow):
    result = run_flow("fail_flow.py", "run", "--quiet")
    assert result.returncode == 1, result.describe()
    assert "Task FailFlow/%s/%s failed" % (result.run_id, FAILED_TASK) in result.stderr
    assert "ratio denominator must not be zero" in result.stderr, result.describe()


# -- failures only a run can find -----------------------------------------------------------------

RUNTIME_ERRORS = [
    # (--mode, extra run options, phrases that must be in stderr)
    ("wrong_next", [], ["but the graph says"]),
    ("too_wide", ["--max-num-splits", "3"], ["--max-num-splits"]),
    ("string_foreach", [], ["string"]),
    ("kill9", [], ["signal 9"]),
    ("exit0", [], ["exited before finishing"]),
    ("bad_name", [], ["not a valid artifact name"]),
    ("missing_artifact", [], ["has no artifact", "no_such_value", "present_value"]),
]


@pytest.mark.parametrize("mode,options,phrases", RUNTIME_ERRORS,
                         ids=[error[0] for error in RUNTIME_ERRORS])
def test_runtime_error_fails_the_run(shared_run, launcher, mode, options, phrases):
    result = shared_run("runtime_errors_flow.py", "run", "--mode", mode, *options,
                        launcher=launcher)
    assert result.returncode == 1, result.describe()
    for phrase in phrases:
        assert phrase in result.stderr, result.describe()
    assert "Run RuntimeErrorsFlow/%s failed" % result.run_id in result.last_line(result.stderr)


def test_runtime_errors_flow_succeeds_without_a_mode(run_flow):
    result = run_flow("runtime_errors_flow.py", "run")
    assert result.returncode == 0, result.describe()


def test_wide_foreach_within_max_num_splits_runs(run_flow):
    result = run_flow("runtime_errors_flow.py", "run", "--max-num-splits", "2")
    assert result.returncode == 0, result.describe()


def test_merge_conflict_fails_the_join(run_flow, launcher):
    result = run_flow("merge_flow.py", "run", "--mode", "conflict")
    assert result.returncode == 1, result.describe()
    assert "different values" in result.stderr, result.describe()
    assert "clash" in result.stderr, result.describe()


# -- Ctrl-C ---------------------------------------------------------------------------------------

def test_sigint_stops_the_run_and_its_tasks(make_runner, launcher, wait_for, wait_gone):
    runner = make_runner(launcher=launcher, name="sigint")
    piddir = runner.workdir / "pids"
    piddir.mkdir()
    running = runner.start("slow_flow.py", "run", "--piddir", str(piddir))
    assert wait_for(piddir / "nap.pid"), "the 'nap' task never started"
    assert running.run_id_file.exists(), "--run-id-file is written only at the end of the run"
    task_pid = int((piddir / "nap.pid").read_text())
    running.proc.send_signal(signal.SIGINT)
    result = running.wait(timeout=30)
    assert result.returncode == 130, result.describe()  # 128 + SIGINT, as shells report Ctrl-C
    assert result.elapsed < 25, "the run went on after Ctrl-C"
    assert wait_gone(task_pid), "the task process outlived the run"
    assert result.run_json()["status"] == "interrupted"
    assert "was interrupted" in result.last_line(result.stderr), result.describe()
    assert result.task_ids("nap") == [], "an interrupted task was marked done"
    (nap,) = result.task_ids("nap", done_only=False)
    error = json.loads((result.task_dir("nap", nap) / "attempt-0" / "error.json").read_text())
    assert error["type"] == "Interrupted", error
    assert error["message"] == "The task was killed: the run was interrupted", error
