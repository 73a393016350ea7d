"""Which tasks a finished task leads to, when a join is ready, and how wide a foreach may be
(policy.after_success, JoinWaits, check_fan_out)."""

from __future__ import annotations

import pytest

from duoflow.exceptions import ForeachError
from duoflow.runtime import policy
from duoflow.runtime.policy import JoinWaits, NewTask

from graphs import (branch_graph, branch_in_foreach_graph, foreach_graph, linear_graph,
                    nested_foreach_graph, stack)


def finish(graph, joins, path, frames=(), num_splits=None):
    """What the scheduler does when task ``path`` ("step/id") finishes."""
    return policy.after_success(graph, joins, path.split("/")[0], path, list(frames), num_splits)


# -- the fan-out limit ----------------------------------------------------------------------------

@pytest.mark.parametrize("count,limit", [(1, 1), (3, 3), (1, 10000), (9999, 10000)])
def test_a_foreach_within_the_limit_is_accepted(count, limit):
    policy.check_fan_out("start", "items", count, limit)


def test_an_empty_foreach_is_refused():
    with pytest.raises(ForeachError, match="splits over 'items', which is empty") as caught:
        policy.check_fan_out("start", "items", 0, 10)
    assert "at least one item" in caught.value.hint


@pytest.mark.parametrize("count,limit", [(4, 3), (2, 1), (10001, 10000)])
def test_a_foreach_past_max_num_splits_is_refused_naming_the_option(count, limit):
    with pytest.raises(ForeachError) as caught:
        policy.check_fan_out("start", "items", count, limit)
    assert caught.value.headline == ("Step 'start' splits over 'items' into %d tasks, more than "
                                     "--max-num-splits %d" % (count, limit))
    assert caught.value.hint.endswith("run --max-num-splits %d." % count)


# -- linear steps, splits and foreach -------------------------------------------------------------

def test_a_linear_step_leads_to_its_one_child():
    graph = linear_graph("a")
    assert finish(graph, JoinWaits(graph), "start/1") == [NewTask("a", ("start/1",))]


def test_end_leads_nowhere():
    graph = linear_graph("a")
    assert finish(graph, JoinWaits(graph), "end/3") == []


def test_a_split_starts_every_branch_in_the_order_of_next():
    graph = branch_graph()
    assert finish(graph, JoinWaits(graph), "start/1") == [NewTask("a", ("start/1",)), NewTask("b", ("start/1",))]


@pytest.mark.parametrize("width", [1, 3, 50])
def test_a_foreach_starts_one_task_per_item_in_index_order(width):
    graph = foreach_graph()
    ready = finish(graph, JoinWaits(graph), "start/1", num_splits=width)
    assert ready == [NewTask("work", ("start/1",), i) for i in range(width)]


def test_tasks_inside_a_foreach_carry_no_split_index_of_their_own():
    graph = branch_in_foreach_graph()
    ready = finish(graph, JoinWaits(graph), "fan/2", stack(("start/1", 0, 2)))
    assert [t.split_index for t in ready] == [None, None]


# -- static joins ---------------------------------------------------------------------------------

def test_a_join_waits_for_every_branch():
    graph = branch_graph()
    joins = JoinWaits(graph)
    assert finish(graph, joins, "a/2") == []
    assert finish(graph, joins, "b/3") == [NewTask("join", ("a/2", "b/3"))]


def test_join_inputs_come_in_branch_order_whatever_order_they_finish_in():
    graph = branch_graph()
    joins = JoinWaits(graph)
    assert finish(graph, joins, "b/3") == []
    assert finish(graph, joins, "a/2") == [NewTask("join", ("a/2", "b/3"))]


def test_a_ready_join_leaves_nothing_waiting():
    graph = branch_graph()
    joins = JoinWaits(graph)
    finish(graph, joins, "a/2")
    assert joins.waiting
    finish(graph, joins, "b/3")
    assert joins.waiting == {}


# -- foreach joins --------------------------------------------------------------------------------

def work_done(graph, joins, order, width, split="start/1"):
    """Finish work tasks of items ``order`` (task ids 10+index); the tasks made ready each time."""
    return [finish(graph, joins, "work/%d" % (10 + i), stack((split, i, width))) for i in order]


def test_a_foreach_join_waits_for_every_item():
    graph = foreach_graph()
    steps = work_done(graph, JoinWaits(graph), [0, 1, 2], 3)
    assert steps == [[], [], [NewTask("join", ("work/10", "work/11", "work/12"))]]


@pytest.mark.parametrize("order", [[2, 0, 1], [1, 2, 0], [2, 1, 0]])
def test_foreach_join_inputs_are_in_item_order_whatever_order_items_finish_in(order):
    graph = foreach_graph()
    steps = work_done(graph, JoinWaits(graph), order, 3)
    assert steps[:-1] == [[], []]
    assert steps[-1] == [NewTask("join", ("work/10", "work/11", "work/12"))]


def test_a_one_item_foreach_joins_at_once():
    graph = foreach_graph()
    assert work_done(graph, JoinWaits(graph), [0], 1) == [[NewTask("join", ("work/10",))]]


def test_a_missing_item_keeps_the_join_waiting():
    graph = foreach_graph()
    joins = JoinWaits(graph)
    assert work_done(graph, joins, [0, 2, 3], 4) == [[], [], []]
    assert list(joins.waiting.values()) == [{0: "work/10", 2: "work/12", 3: "work/13"}]


def test_items_of_different_split_tasks_are_never_mixed():
    graph = nested_foreach_graph()
    joins = JoinWaits(graph)
    # inner items of outer item 0 (split by outer/2) and of outer item 1 (split by outer/3)
    assert finish(graph, joins, "inner/4", stack(("start/1", 0, 2), ("outer/2", 0, 2))) == []
    assert finish(graph, joins, "inner/6", stack(("start/1", 1, 2), ("outer/3", 1, 2))) == []
    assert finish(graph, joins, "inner/5", stack(("start/1", 0, 2), ("outer/2", 1, 2))) == [
        NewTask("inner_join", ("inner/4", "inner/5"))]
    assert finish(graph, joins, "inner/7", stack(("start/1", 1, 2), ("outer/3", 0, 2))) == [
        NewTask("inner_join", ("inner/7", "inner/6"))]


def test_the_outer_join_of_a_nested_foreach_waits_for_every_inner_join():
    graph = nested_foreach_graph()
    joins = JoinWaits(graph)
    assert finish(graph, joins, "inner_join/8", stack(("start/1", 1, 2))) == []
    assert finish(graph, joins, "inner_join/9", stack(("start/1", 0, 2))) == [
        NewTask("outer_join", ("inner_join/9", "inner_join/8"))]
    assert joins.waiting == {}


def test_a_branch_join_inside_a_foreach_joins_per_item():
    graph = branch_in_foreach_graph()
    joins = JoinWaits(graph)
    item = {i: stack(("start/1", i, 2)) for i in (0, 1)}
    assert finish(graph, joins, "a/4", item[0]) == []
    assert finish(graph, joins, "b/7", item[1]) == []  # another item's branch: no join yet
    assert finish(graph, joins, "b/5", item[0]) == [NewTask("meet", ("a/4", "b/5"))]
    assert finish(graph, joins, "a/6", item[1]) == [NewTask("meet", ("a/6", "b/7"))]
    # then the foreach join, once both items met
    assert finish(graph, joins, "meet/8", item[1]) == []
    assert finish(graph, joins, "meet/9", item[0]) == [NewTask("gather", ("meet/9", "meet/8"))]
