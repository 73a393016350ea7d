"""What a resume reuses: which steps run again, which run is resumed, whether the graph still
fits, and which origin task a new task clones (policy.rerun_steps, latest_resumable, ...)."""

from __future__ import annotations

import copy

import pytest

from duoflow.exceptions import UsageError
from duoflow.runtime import policy

from graphs import branch_graph, foreach_graph, graph_of, linear_graph, nested_foreach_graph, spec_steps, stack


# -- where a task sits --------------------------------------------------------------------------

def test_a_task_outside_any_foreach_is_keyed_by_its_step():
    assert policy.task_key("a", []) == ("a", ())


def test_a_task_inside_foreach_loops_is_keyed_by_its_indices_outermost_first():
    frames = stack(("start/1", 2, 3), ("outer/9", 0, 4))
    assert policy.task_key("inner", frames) == ("inner", (2, 0))


def test_task_ids_do_not_change_the_key():
    assert policy.task_key("w", stack(("start/1", 1, 2))) == policy.task_key("w", stack(("start/77", 1, 2)))


# -- which steps run again ----------------------------------------------------------------------

def test_without_a_step_nothing_is_forced_to_run_again():
    assert policy.rerun_steps(linear_graph("a", "b"), None) == set()


@pytest.mark.parametrize("step,expected", [
    ("start", {"start", "a", "b", "end"}), ("b", {"b", "end"}), ("end", {"end"})])
def test_a_step_and_everything_after_it_run_again(step, expected):
    assert policy.rerun_steps(linear_graph("a", "b"), step) == expected


def test_a_sibling_branch_is_reused():
    assert policy.rerun_steps(branch_graph(), "a") == {"a", "join", "end"}


def test_resuming_inside_a_nested_foreach_reruns_the_joins_after_it():
    assert policy.rerun_steps(nested_foreach_graph(), "inner") == {"inner", "inner_join", "outer_join", "end"}


# -- refusals -----------------------------------------------------------------------------------

def test_an_unknown_resume_step_is_refused_with_a_suggestion():
    with pytest.raises(UsageError) as caught:
        policy.check_resume_step(linear_graph("train"), "trian")
    assert caught.value.headline.startswith("Cannot resume from step 'trian': UnitFlow has no such step.")
    assert "train" in caught.value.headline  # did you mean
    assert caught.value.details == ["Its steps: start, train, end."]


@pytest.mark.parametrize("step", [None, "start", "train"])
def test_a_known_step_or_none_is_accepted(step):
    policy.check_resume_step(linear_graph("train"), step)


def test_without_a_step_nothing_is_rerun_on_purpose():
    # A resume without a step re-runs only what did not finish: of a run that succeeded, nothing,
    # so every task is cloned (as Metaflow does).
    assert policy.rerun_steps(linear_graph("a"), None) == set()


# -- which run is resumed -------------------------------------------------------------------------

def test_the_newest_finished_run_is_resumed():
    assert policy.latest_resumable("F", [("3", "failed", 1), ("2", "succeeded", 1)]) == "3"


def test_a_run_being_created_is_skipped():
    assert policy.latest_resumable("F", [("3", None, None), ("2", "interrupted", 1)]) == "2"


def test_a_running_newest_run_is_refused_naming_its_pid():
    with pytest.raises(UsageError, match=r"The latest run F/3 is still running \(pid 4321\)") as caught:
        policy.latest_resumable("F", [("3", "running", 4321), ("2", "failed", 1)])
    assert "--origin-run-id" in caught.value.hint


@pytest.mark.parametrize("runs", [[], [("1", None, None)]])
def test_no_finished_run_gives_none(runs):
    assert policy.latest_resumable("F", runs) is None


def test_older_runs_are_not_looked_at_once_one_is_found():
    looked = []

    def runs():
        for run_id in ("3", "2", "1"):
            looked.append(run_id)
            yield run_id, "failed", 1

    assert policy.latest_resumable("F", runs()) == "3"
    assert looked == ["3"]


# -- the graph must still fit -------------------------------------------------------------------

def test_an_unchanged_graph_has_no_changes():
    graph = branch_graph()
    assert policy.graph_changes(graph, spec_steps(graph), {"start", "a", "b"}) == []


def test_a_reused_step_that_left_the_flow_is_reported():
    old = linear_graph("a", "b")
    assert policy.graph_changes(linear_graph("b"), spec_steps(old), {"a"}) == [
        "step 'a' ran in the origin run but is not in the flow any more"]


def test_a_reused_step_going_elsewhere_is_reported():
    old, new = linear_graph("a", "b"), linear_graph("a", "c")
    assert policy.graph_changes(new, spec_steps(old), {"start", "a"}) == [
        "step 'a' went to b; now it goes to c"]


def test_a_step_that_became_a_foreach_is_reported():
    old = graph_of(("start", ["work"]), ("work", ["end"]), ("end", []))
    new = foreach_graph()
    assert policy.graph_changes(new, spec_steps(old), {"start"}) == [
        "step 'start' went to work; now it goes to work (foreach over 'items')"]


def test_a_step_that_became_a_join_is_reported():
    old = spec_steps(branch_graph())
    for step in old:
        if step["name"] == "join":
            step["join"] = False
    assert policy.graph_changes(branch_graph(), old, {"join"}) == [
        "step 'join' went to end; now it goes to end"]


def test_changes_after_the_resume_point_do_not_matter():
    old, new = linear_graph("a", "b"), linear_graph("a", "c")
    assert policy.graph_changes(new, spec_steps(old), {"start"}) == []


def test_a_step_unknown_to_the_origin_graph_is_not_a_change():
    # an origin run whose run.json predates graph records: nothing to compare with
    assert policy.graph_changes(linear_graph("a"), [], {"start", "a"}) == []


def test_every_changed_step_is_reported_in_name_order():
    old, new = linear_graph("a", "b", "c"), linear_graph("b", "a", "c")
    changes = policy.graph_changes(new, spec_steps(old), {"start", "a", "b"})
    assert [c.split("'")[1] for c in changes] == ["a", "b", "start"]


def test_the_origin_steps_are_not_modified():
    old = spec_steps(linear_graph("a"))
    before = copy.deepcopy(old)
    policy.graph_changes(linear_graph("b"), old, {"start", "a"})
    assert old == before


# -- which origin task a new task clones ----------------------------------------------------------

ORIGIN = {("start", ()): "start-origin", ("work", (1,)): "work-1-origin"}


def clone(step, inputs, key, rerun=(), cloned=("start/1",)):
    return policy.clone_source(step, inputs, key, set(rerun), set(cloned), ORIGIN)


def test_start_is_cloned_when_the_origin_finished_it():
    assert clone("start", [], ("start", ()), cloned=()) == "start-origin"


def test_a_task_whose_inputs_were_cloned_is_cloned():
    assert clone("work", ["start/1"], ("work", (1,))) == "work-1-origin"


def test_a_step_to_rerun_is_never_cloned():
    assert clone("work", ["start/1"], ("work", (1,)), rerun={"work"}) is None


def test_a_task_with_an_input_that_ran_again_runs_again():
    assert clone("work", ["start/1"], ("work", (1,)), cloned=()) is None


def test_a_task_the_origin_did_not_finish_runs():
    assert clone("work", ["start/1"], ("work", (0,))) is None


def test_a_join_is_cloned_only_when_every_input_was():
    key = ("join", ())
    origin = {key: "join-origin"}
    assert policy.clone_source("join", ["a/2", "b/3"], key, set(), {"a/2"}, origin) is None
    assert policy.clone_source("join", ["a/2", "b/3"], key, set(), {"a/2", "b/3"}, origin) == "join-origin"


def test_a_crashed_newest_run_is_resumed():
    assert policy.latest_resumable("F", [("5", "crashed", 99), ("4", "failed", 1)]) == "5"


def test_a_foreach_over_another_list_is_a_change():
    old = spec_steps(foreach_graph())
    new = graph_of(("start", ["work"], {"foreach": "rows"}), ("work", ["join"]),
                   ("join", ["end"], {"join": True}), ("end", []))
    assert policy.graph_changes(new, old, {"start"}) == [
        "step 'start' went to work (foreach over 'items'); now it goes to work (foreach over 'rows')"]
