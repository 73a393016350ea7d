"""Runs made by resume: origin_run_id, and tasks cloned from the origin run.

The resumed run here is built by hand in the layout resume writes (a clone is a task directory
whose task.json says ``"origin": "<Flow>/<run>/<step>/<task>"``, with the origin's artifact index
and no logs of its own), so these tests pin what the client reads, whatever runs the resume.
"""

import json
import shutil

import pytest

from duoflow import Run

from client_helpers import Store


def clone_run(target: Store, flow: str, origin_id: str, cloned_steps, hops: int = 1,
              offset: int = 1000) -> str:
    """A new run of ``flow`` resumed from ``origin_id``: ``cloned_steps`` are clones, the other
    steps are copies of the origin's tasks (as if they ran again). ``hops`` > 1 chains resumes."""
    source_id = origin_id
    for _ in range(hops):
        new_id = str(int(source_id) + offset)
        source, dest = target.run_dir(flow, source_id), target.run_dir(flow, new_id)
        shutil.copytree(source, dest)
        info = json.loads((dest / "run.json").read_text())
        info.update(run_id=new_id, origin_run_id=source_id)
        (dest / "run.json").write_text(json.dumps(info))
        for step in cloned_steps:
            for task_dir in (dest / step).iterdir():
                task = json.loads((task_dir / "task.json").read_text())
                task.update(run_id=new_id, origin="%s/%s/%s/%s" % (flow, source_id, step, task_dir.name))
                (task_dir / "task.json").write_text(json.dumps(task))
                for attempt in task_dir.glob("attempt-*"):
                    shutil.rmtree(attempt)
        source_id = new_id
    return source_id


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    target = Store(tmp_path_factory.mktemp("resumed"))
    origin = target.run("tiny_flow.py", "--n", "4", "--tag", "base")
    return target, origin, clone_run(target, "TinyFlow", origin, ["start"])


def test_resumed_run_names_its_origin(resumed, use_store):
    target, origin, new = resumed
    use_store(target)
    run = Run("TinyFlow/%s" % new)
    assert run.origin_run_id == origin
    assert run.origin_pathspec == "TinyFlow/%s" % origin
    assert Run("TinyFlow/%s" % origin).origin_run_id is None


def test_cloned_task_names_its_origin_and_reads_its_logs(resumed, use_store):
    target, origin, new = resumed
    use_store(target)
    clone = Run("TinyFlow/%s" % new)["start"].task
    assert clone.origin_pathspec == "TinyFlow/%s/start/1" % origin
    assert clone.stdout == "tiny start 4\n"
    assert clone.stdout == Run("TinyFlow/%s" % origin)["start"].task.stdout
    assert clone.data.x == 40
    assert clone["x"].sha == Run("TinyFlow/%s" % origin)["start"].task["x"].sha
    assert clone.exception is None and clone.successful


def test_task_that_ran_again_has_no_origin(resumed, use_store):
    target, _, new = resumed
    use_store(target)
    assert Run("TinyFlow/%s" % new)["end"].task.origin_pathspec is None


def test_clone_of_a_clone_reads_the_first_logs(resumed, use_store):
    target, origin, _ = resumed
    use_store(target)
    last = clone_run(target, "TinyFlow", origin, ["start"], hops=3, offset=7)
    clone = Run("TinyFlow/%s" % last)["start"].task
    assert clone.origin_pathspec != "TinyFlow/%s/start/1" % origin  # the run it resumed
    assert clone.stdout == "tiny start 4\n"
