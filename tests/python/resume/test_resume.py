"""Resume: a failed run picks up where it broke, reusing finished tasks by reference.

Each flow records the run id every task ran in (``ran``), so a test can tell a cloned task (it
carries the origin run's id) from one that ran again (the new run's id).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest


def resume(run_flow, origin, *args, env=None):
    """``python <flow> resume ...`` on the origin's flow file; returns (result, new run id)."""
    id_file = run_flow.workdir / ("resume-%d.run-id" % time.monotonic_ns())
    result = origin.cli("resume", *args, "--run-id-file", str(id_file), env=env)
    run_id = id_file.read_text().strip() if id_file.exists() else None
    return result, run_id


def run_dir(origin, run_id) -> Path:
    return origin.store / origin.flow_name / "runs" / run_id


def end_values(origin, run_id, step="end"):
    """{artifact: value} of a step's first task in another run of the same flow."""
    tasks = sorted((p for p in (run_dir(origin, run_id) / step).iterdir() if (p / "DONE").exists()),
                   key=lambda p: int(p.name))
    dumped = origin.cli("dump", "%s/%s/%s" % (run_id, step, tasks[0].name), "--json")
    assert dumped.returncode == 0, dumped.describe()
    return {k: v["value"] for k, v in json.loads(dumped.stdout).items()}


def task_infos(origin, run_id, step):
    directory = run_dir(origin, run_id) / step
    return [json.loads((p / "task.json").read_text()) for p in sorted(directory.iterdir(), key=lambda p: int(p.name))
            if (p / "DONE").exists()]


def test_linear_resume_clones_before_the_failure_and_reruns_after(run_flow, launcher):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    assert origin.returncode == 1, origin.describe()
    result, new = resume(run_flow, origin)
    assert result.returncode == 0, result.describe()
    ran = end_values(origin, new)["ran"]
    assert ran == {"start": origin.run_id, "a": origin.run_id, "b": new, "end": new}
    assert end_values(origin, new)["origin_seen"] == origin.run_id
    info = json.loads((run_dir(origin, new) / "run.json").read_text())
    assert info["origin_run_id"] == origin.run_id
    assert sorted(info["cloned_tasks"]) == ["a/2", "start/1"]
    assert task_infos(origin, new, "a")[0]["origin"] == "%s/%s/a/2" % (origin.flow_name, origin.run_id)


def test_branch_resume_reruns_only_the_failed_branch(run_flow):
    origin = run_flow("resume_branch_flow.py", "run", env={"FAIL_AT": "y"})
    assert origin.returncode == 1, origin.describe()
    result, new = resume(run_flow, origin)
    assert result.returncode == 0, result.describe()
    assert end_values(origin, new, "join")["ran"] == {"x": origin.run_id, "y": new, "join": new}


def test_foreach_resume_reruns_only_the_failed_items(run_flow, launcher):
    origin = run_flow("resume_foreach_flow.py", "run", "--keep-going", env={"FAIL_AT": "work:2;work:4"})
    assert origin.returncode == 1, origin.describe()
    result, new = resume(run_flow, origin)
    assert result.returncode == 0, result.describe()
    values = end_values(origin, new, "join")
    assert values["squares"] == [0, 1, 4, 9, 16, 25]
    expected = [new if i in (2, 4) else origin.run_id for i in range(6)]
    assert values["ran_by_item"] == expected
    cloned_work = [t for t in task_infos(origin, new, "work") if "origin" in t]
    assert len(cloned_work) == 4


def test_after_a_failure_no_new_task_starts_unless_keep_going(run_flow):
    stopped = run_flow("resume_foreach_flow.py", "run", "--max-workers", "1", env={"FAIL_AT": "work:1"})
    assert stopped.returncode == 1
    assert stopped.task_ids("work") == [stopped.task_ids("work")[0]]  # item 0 only; 2.. never started
    going = run_flow("resume_foreach_flow.py", "run", "--max-workers", "1", "--keep-going",
                     env={"FAIL_AT": "work:1"})
    assert going.returncode == 1
    assert len(going.task_ids("work")) == 5 and going.task_ids("join") == []


def test_nested_foreach_resume_reruns_one_inner_cell(run_flow):
    origin = run_flow("resume_nested_flow.py", "run", "--keep-going", env={"FAIL_AT": "inner:1,2"})
    assert origin.returncode == 1, origin.describe()
    result, new = resume(run_flow, origin)
    assert result.returncode == 0, result.describe()
    values = end_values(origin, new, "outer_join")
    assert values["grid"] == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    assert values["ran"] == [[origin.run_id] * 3, [origin.run_id, origin.run_id, new]]


def test_resume_from_a_named_step_reruns_it_and_what_follows(run_flow):
    origin = run_flow("resume_linear_flow.py", "run")
    assert origin.returncode == 0, origin.describe()
    result, new = resume(run_flow, origin, "a")
    assert result.returncode == 0, result.describe()
    assert end_values(origin, new)["ran"] == {"start": origin.run_id, "a": new, "b": new, "end": new}


def test_resume_of_a_successful_run_clones_every_task_and_succeeds(run_flow):
    origin = run_flow("resume_linear_flow.py", "run")
    assert origin.returncode == 0, origin.describe()
    result, new = resume(run_flow, origin)
    assert result.returncode == 0, result.describe()
    assert end_values(origin, new)["ran"] == {step: origin.run_id for step in ("start", "a", "b", "end")}
    infos = [json.loads(p.read_text()) for p in run_dir(origin, new).glob("*/*/task.json")]
    assert len(infos) == 4 and all(info["origin"].startswith("ResumeLinearFlow/%s/" % origin.run_id)
                                   for info in infos)
    assert "4 tasks cloned" in result.output


def test_resume_runs_the_code_as_it_is_now(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    assert origin.returncode == 1
    source = origin.flow_file.read_text()
    origin.flow_file.write_text(source.replace('planned_failure(self, "b")', 'self.fixed = True'))
    result, new = resume(run_flow, origin, env={"FAIL_AT": "b"})
    assert result.returncode == 0, result.describe()
    assert end_values(origin, new)["fixed"] is True


def test_resume_refuses_changed_parameters_unless_allowed(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", "--alpha", "2.0", env={"FAIL_AT": "b"})
    refused, _ = resume(run_flow, origin, "--alpha", "3.0")
    assert refused.returncode == 2
    assert "--alpha" in refused.stderr and "--allow-parameter-changes" in refused.stderr
    kept, new = resume(run_flow, origin)
    assert kept.returncode == 0, kept.describe()
    assert end_values(origin, new)["alpha"] == 2.0
    allowed, newer = resume(run_flow, origin, "--alpha", "3.0", "--allow-parameter-changes",
                            "--origin-run-id", origin.run_id)
    assert allowed.returncode == 0, allowed.describe()
    assert end_values(origin, newer)["alpha"] == 3.0


def test_resume_of_a_missing_run_lists_the_runs(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    result, _ = resume(run_flow, origin, "--origin-run-id", "12345")
    assert result.returncode == 2
    assert "does not exist" in result.stderr and origin.run_id in result.stderr


def test_resume_from_a_missing_step_suggests_one(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    result, _ = resume(run_flow, origin, "bb")
    assert result.returncode == 2
    assert "no such step" in result.stderr and "Did you mean 'b'?" in result.stderr


def test_resume_refuses_a_graph_changed_upstream(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    source = origin.flow_file.read_text()
    # start now skips 'a': the reused 'start' task no longer fits the graph
    changed = source.replace("self.next(self.a)", "self.next(self.b)").replace(
        "    @step\n    def a(self):\n        self.ran = dict(self.ran, a=current.run_id)\n        self.next(self.b)\n", "")
    origin.flow_file.write_text(changed)
    result, _ = resume(run_flow, origin)
    assert result.returncode == 2, result.describe()
    assert "graph changed" in result.stderr and "'start'" in result.stderr


def test_logs_of_a_cloned_task_are_the_origins(run_flow):
    origin = run_flow("resume_linear_flow.py", "run", env={"FAIL_AT": "b"})
    result, new = resume(run_flow, origin)
    assert result.returncode == 0
    logs = origin.cli("logs", "%s/start/1" % new)
    assert logs.returncode == 0 and ("start ran in %s" % origin.run_id) in logs.stdout


def _wait_for_done(directory: Path, count: int, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while len(list(directory.glob("*/DONE"))) < count:
        assert time.monotonic() < deadline, "tasks did not finish in time"
        time.sleep(0.05)


@pytest.mark.parametrize("how", ["kill -9", "Ctrl-C"])
def test_a_run_stopped_half_way_resumes_without_losing_finished_tasks(run_flow, wait_for, wait_gone, how):
    running = run_flow.start("resume_slow_flow.py", "run", "--max-workers", "4", env={"SLOW": "1"})
    assert wait_for(running.run_id_file)
    run_id = running.run_id_file.read_text().strip()
    work_dir = run_flow.store / "ResumeSlowFlow" / "runs" / run_id / "work"
    _wait_for_done(work_dir, 2)
    time.sleep(0.3)  # the slow items are running now
    os.kill(running.pid, signal.SIGKILL if how == "kill -9" else signal.SIGINT)
    running.proc.communicate(timeout=30)
    assert wait_gone(running.pid)
    finished = sorted(p.parent.name for p in work_dir.glob("*/DONE"))
    info = json.loads((work_dir.parent / "run.json").read_text())
    listed = run_flow("resume_slow_flow.py", "runs")
    expected_status = "crashed" if how == "kill -9" else "interrupted"
    assert expected_status in listed.stdout, listed.describe()
    assert info["status"] == ("running" if how == "kill -9" else "interrupted")
    id_file = run_flow.workdir / "resumed.run-id"
    result = run_flow("resume_slow_flow.py", "resume", "--run-id-file", str(id_file))
    assert result.returncode == 0, result.describe()
    new = id_file.read_text().strip()
    new_info = json.loads((run_flow.store / "ResumeSlowFlow" / "runs" / new / "run.json").read_text())
    cloned_work = [t for t in new_info["cloned_tasks"] if t.startswith("work/")]
    assert len(cloned_work) == len(finished) >= 2
