"""The matrix: graph shapes x behaviours x launchers.

Each shape flow (flows/<shape>_flow.py) runs once per launcher with ``--alpha 0.5``; the flows
assert their own invariants inside the steps (self.input, self.index, foreach_stack(), inputs by
name) and leave artifacts in 'end' that the tests read back with ``dump --json``:
- ``from_start``: set in 'start' and never touched again (artifacts propagate);
- ``order``: what the last join saw, input by input (join inputs in split order);
- ``merged_from_one_input``: set by one input only, carried by merge_artifacts; ``per_input``,
  excluded from every merge, must not arrive;
- ``alpha_seen`` / ``alpha_in_end``: the parameter as the deepest steps and 'end' saw it.
"""

from dataclasses import dataclass, field
from typing import Dict, Optional

import pytest


@dataclass
class Shape:
    flow: str
    tasks: Dict[str, int]  # step -> number of tasks
    depth: Dict[str, int]  # step -> length of its foreach stack
    order: Optional[list] = None  # what 'end' holds in `order`, None when there is no join
    merged: Optional[str] = None  # what 'end' holds in `merged_from_one_input`
    end_values: Dict[str, object] = field(default_factory=dict)


SHAPES = {
    "linear": Shape(
        flow="linear_flow.py",
        tasks={"start": 1, "a": 1, "b": 1, "end": 1},
        depth={"start": 0, "a": 0, "b": 0, "end": 0},
        end_values={"x": 3, "trail": ["start", "a", "b", "end"]},
    ),
    "branch": Shape(
        flow="branch_flow.py",
        tasks={"start": 1, "a": 1, "b": 1, "c": 1, "join": 1, "end": 1},
        depth={"start": 0, "a": 0, "join": 0, "end": 0},
        order=["b", "a", "c"],
        merged="from a",
        end_values={"by_name": ["a", "b", "c"]},
    ),
    "foreach": Shape(
        flow="foreach_flow.py",
        tasks={"start": 1, "work": 3, "join": 1, "end": 1},
        depth={"start": 0, "work": 1, "join": 0, "end": 0},
        order=["0:x", "1:y", "2:z"],
        merged="from index 0",
        end_values={"items": ["x", "y", "z"]},
    ),
    "nested_foreach": Shape(
        flow="nested_foreach_flow.py",
        tasks={"start": 1, "outer_step": 2, "inner_step": 5, "inner_join": 2, "outer_join": 1,
               "end": 1},
        depth={"outer_step": 1, "inner_step": 2, "inner_join": 1, "outer_join": 0},
        order=[["p1", "p2"], ["q1", "q2", "q3"]],
        merged="from p1",
        end_values={"letters": ["p", "q"]},
    ),
    "branch_in_foreach": Shape(
        flow="branch_in_foreach_flow.py",
        tasks={"start": 1, "split": 2, "left": 2, "right": 2, "branch_join": 2, "foreach_join": 1,
               "end": 1},
        depth={"split": 1, "left": 1, "branch_join": 1, "foreach_join": 0},
        order=[["u-left", "u-right"], ["v-left", "v-right"]],
        merged="from u-left",
        end_values={"items": ["u", "v"]},
    ),
}
ALL = sorted(SHAPES)
WITH_JOINS = sorted(name for name, shape in SHAPES.items() if shape.order is not None)


@pytest.fixture
def shape_run(shared_run, shape, launcher):
    """The run of ``shape`` under ``launcher`` (shared by every test of that pair)."""
    return shared_run(SHAPES[shape].flow, "run", "--alpha", "0.5", launcher=launcher)


@pytest.fixture
def end(shape_run):
    """``{artifact: value}`` of the run's 'end' task."""
    assert shape_run.returncode == 0, shape_run.describe()
    return shape_run.values("end")


@pytest.mark.parametrize("shape", ALL)
def test_run_succeeds(shape_run):
    assert shape_run.returncode == 0, shape_run.describe()
    expected = "Run %s/%s succeeded" % (shape_run.flow_name, shape_run.run_id)
    assert any(expected in line for line in shape_run.final_lines()), shape_run.describe()


@pytest.mark.parametrize("shape", ALL)
def test_run_is_recorded_as_succeeded(shape_run):
    assert shape_run.run_json()["status"] == "succeeded"


@pytest.mark.parametrize("shape", ALL)
def test_artifacts_propagate_to_end(shape, end):
    assert end["from_start"] == "set in start"
    for name, value in SHAPES[shape].end_values.items():
        assert end[name] == value, name


@pytest.mark.parametrize("shape", WITH_JOINS)
def test_join_inputs_arrive_in_split_order(shape, end):
    assert end["order"] == SHAPES[shape].order


@pytest.mark.parametrize("shape", WITH_JOINS)
def test_merge_artifacts_carries_values_set_by_one_input(shape, end):
    assert end["merged_from_one_input"] == SHAPES[shape].merged


@pytest.mark.parametrize("shape", WITH_JOINS)
def test_merge_artifacts_leaves_out_excluded_values(shape, end):
    assert "per_input" not in end


@pytest.mark.parametrize("shape", ALL)
def test_parameter_reaches_every_step(end):
    assert end["alpha_seen"] == 0.5
    assert end["alpha_in_end"] == 0.5


@pytest.mark.parametrize("shape", ALL)
def test_parameter_is_recorded_in_the_run(shape_run):
    assert shape_run.run_json()["parameters"]["alpha"] == 0.5


@pytest.mark.parametrize("shape", ALL)
def test_each_step_runs_the_expected_number_of_tasks(shape, shape_run):
    counts = {step: len(shape_run.task_ids(step)) for step in SHAPES[shape].tasks}
    assert counts == SHAPES[shape].tasks, shape_run.describe()


@pytest.mark.parametrize("shape", ALL)
def test_task_ids_count_from_one(shape, shape_run):
    ids = sorted(int(t) for step in SHAPES[shape].tasks for t in shape_run.task_ids(step))
    assert ids == list(range(1, len(ids) + 1))
    assert shape_run.task_ids("start") == ["1"]


@pytest.mark.parametrize("shape", ALL)
def test_foreach_stack_is_recorded_per_task(shape, shape_run):
    for step, depth in SHAPES[shape].depth.items():
        for task_id in shape_run.task_ids(step):
            stack = shape_run.task_json(step, task_id)["foreach_stack"]
            assert len(stack) == depth, (step, task_id, stack)


@pytest.mark.parametrize("shape", ALL)
def test_every_parent_is_a_finished_task(shape, shape_run):
    for step in SHAPES[shape].tasks:
        for task_id in shape_run.task_ids(step):
            info = shape_run.task_json(step, task_id)
            assert info["step"] == step and str(info["task_id"]) == task_id
            if step == "start":
                assert info["parents"] == []
            for parent in info["parents"]:
                parent_step, parent_id = parent.split("/")
                assert parent_id in shape_run.task_ids(parent_step), (step, task_id, parent)


@pytest.mark.parametrize("shape", ALL)
def test_task_output_is_prefixed_with_its_pathspec(shape_run):
    prefix = "[%s/%s/start/1] " % (shape_run.flow_name, shape_run.run_id)
    lines = [line for line in shape_run.output.splitlines() if line.startswith(prefix)]
    assert any("hello from start" in line for line in lines), shape_run.describe()


@pytest.mark.parametrize("shape", ["linear"])
def test_launcher_decides_how_tasks_start(shape, launcher, end):
    # Forked tasks share the module the runtime imported; spawned tasks import it afresh.
    assert end["fresh_interpreter"] is (launcher == "spawn")


def test_merge_include_takes_only_the_named_artifacts(run_flow, launcher):
    result = run_flow("merge_flow.py", "run")
    assert result.returncode == 0, result.describe()
    join = result.values("join")
    assert join["only_a"] == 1
    assert join["shared"] == "same everywhere"
    assert join["clash"] == "resolved in join"  # set in the join before merging: kept
    assert "only_b" not in join


def test_launcher_option_overrides_the_environment(run_flow, monkeypatch):
    monkeypatch.setenv("DUOFLOW_LAUNCHER", "fork")
    result = run_flow("linear_flow.py", "run", "--launcher", "spawn")
    assert result.returncode == 0, result.describe()
    assert result.values("start")["fresh_interpreter"] is True


def test_unknown_launcher_is_a_usage_error(run_flow):
    result = run_flow("linear_flow.py", "run", "--launcher", "teleport")
    assert result.returncode == 2, result.describe()
    assert "teleport" in result.output, result.describe()


def test_quiet_run_prints_only_the_summary(run_flow):
    result = run_flow("linear_flow.py", "run", "--quiet")
    assert result.returncode == 0, result.describe()
    assert "hello from start" not in result.output, result.describe()
    expected = "Run LinearFlow/%s succeeded" % result.run_id
    assert any(expected in line for line in result.final_lines()), result.describe()
