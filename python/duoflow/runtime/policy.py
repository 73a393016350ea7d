"""The scheduler's decisions, as pure code: what follows a failed attempt (retry, @catch, give up),
which tasks a finished task leads to, when a join is ready, how wide a foreach may be, when a task
is out of time, and what a resume reuses.

Nothing here starts a process, reads the datastore or looks at the clock: the scheduler
(``scheduler.py``), the task (``task.py``) and resume (``resume.py``) gather the facts, ask here,
and act. ``tests/python/unit/`` checks every decision in-process.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ..datastore.records import FrameRecord
from ..decorators import timeout_seconds
from ..exceptions import ForeachError, UsageError
from ..graph.model import FlowGraph, Node
from ..util.suggest import did_you_mean
from .context import TaskRequest

# -- after a failed attempt -------------------------------------------------------------------

RETRY, CATCH, FAIL = "retry", "catch", "fail"


class AfterFailure(namedtuple("AfterFailure", "action wait", defaults=(0.0,))):
    """What to do once an attempt failed: ``RETRY`` after ``wait`` seconds, run the step's
    ``CATCH`` fallback, or ``FAIL`` the task for good.

    A plain ``collections.namedtuple``: a ``typing.NamedTuple`` in a module with postponed
    annotations compiles each field's annotation when the class is made, which every run would
    pay at start-up."""

    __slots__ = ()


def after_failure(node: Node, attempt: int, catch_fallback: bool) -> AfterFailure:
    """@retry gives ``times`` more attempts; once they are spent, @catch runs its fallback (which
    stores the failure and lets the flow go on). A failed fallback is final."""
    if catch_fallback:
        return AfterFailure(FAIL)
    retry = node.decorator("retry")
    if retry and attempt < int(retry.attributes["times"]):
        return AfterFailure(RETRY, 60.0 * float(retry.attributes.get("minutes_between_retries") or 0))
    if node.decorator("catch"):
        return AfterFailure(CATCH)
    return AfterFailure(FAIL)


def next_attempt(request: TaskRequest, catch_fallback: bool) -> TaskRequest:
    """The same task once more: the next attempt number, same inputs and foreach position."""
    return TaskRequest(request.step, request.task_id, request.input_paths, request.split_index,
                       request.attempt + 1, catch_fallback)


def may_launch(keep_going: bool, failed: bool) -> bool:
    """After a failure no new task starts (running ones finish), unless the run keeps going."""
    return keep_going or not failed


def deadline(node: Node, started: float) -> Optional[float]:
    """When a task of ``node`` that started at ``started`` is out of time (@timeout), or None."""
    limit = node.decorator("timeout")
    return started + timeout_seconds(limit.attributes) if limit else None


def exit_reason(node: Node, code: int, timed_out: bool) -> Tuple[str, str]:
    """``(error type, message)`` for an attempt that ended without recording an error itself:
    out of time, killed by a signal (``code`` is minus its number), or exited early."""
    if timed_out:
        limit = timeout_seconds(node.decorator("timeout").attributes)
        return "TimeoutError", "The task timed out after %g s (@timeout) and was killed" % limit
    if code < 0:
        return "TaskKilled", "The task was killed by signal %d%s" % (-code, _signal_name(-code))
    return "TaskExited", "The task exited before finishing (exit code %d)" % code


def _signal_name(number: int) -> str:
    import signal

    try:
        return " (%s)" % signal.Signals(number).name
    except ValueError:
        return ""


# -- fan-out and joins --------------------------------------------------------------------------

class NewTask(namedtuple("NewTask", "step inputs split_index", defaults=(None,))):
    """A task to queue: its ``step``, its parents' ``step/task`` paths (``inputs``, a tuple) and
    its foreach index (``split_index``). A named tuple: a 1,000-way foreach makes one per item,
    and tuples are the cheapest to make (a plain ``collections.namedtuple``, see
    :class:`AfterFailure`)."""

    __slots__ = ()


def check_fan_out(step: str, var: str, count: int, limit: int) -> None:
    """A foreach needs at least one item and at most ``--max-num-splits`` of them."""
    if count == 0:
        raise ForeachError("Step '%s' splits over '%s', which is empty" % (step, var),
                           hint="A foreach needs at least one item; check the data before splitting.")
    if count > limit:
        raise ForeachError(
            "Step '%s' splits over '%s' into %d tasks, more than --max-num-splits %d" % (step, var, count, limit),
            hint="If that many tasks is what you want, raise the limit: run --max-num-splits %d." % count)


class JoinWaits:
    """Inputs that arrived for joins still waiting for others, by join and enclosing foreach."""

    def __init__(self, graph: FlowGraph):
        self.graph = graph
        self.waiting: Dict[Tuple[str, tuple], Dict[int, str]] = {}

    def offer(self, join: Node, step: str, path: str, stack: Sequence[FrameRecord]) -> Optional[NewTask]:
        """Record that task ``path`` of ``step`` (foreach stack ``stack``) reached ``join``; the
        join task once every branch, or every item of its foreach, has arrived."""
        if self.graph[join.matching_split].foreach_var:
            outer, slot, expected = stack[:-1], stack[-1].index, stack[-1].num_splits
        else:
            outer, slot, expected = stack, join.in_funcs.index(step), len(join.in_funcs)
        key = (join.name, tuple((frame.task, frame.index) for frame in outer))
        arrived = self.waiting.setdefault(key, {})
        arrived[slot] = path
        if len(arrived) < expected:
            return None
        del self.waiting[key]
        return NewTask(join.name, tuple(arrived[i] for i in sorted(arrived)))


def after_success(graph: FlowGraph, joins: JoinWaits, step: str, path: str,
                  stack: Sequence[FrameRecord], num_splits: Optional[int]) -> List[NewTask]:
    """The tasks that a finished task of ``step`` makes ready, in the order they get their ids:
    one per child step, one per item of a foreach, and a join once all its inputs are in."""
    node = graph[step]
    ready: List[NewTask] = []
    for child_name in node.out_funcs:
        child = graph[child_name]
        if child.is_join:
            task = joins.offer(child, step, path, stack)
            if task is not None:
                ready.append(task)
        elif node.foreach_var:
            ready.extend(NewTask(child_name, (path,), index) for index in range(int(num_splits)))
        else:
            ready.append(NewTask(child_name, (path,)))
    return ready


# -- resume -------------------------------------------------------------------------------------

TaskKey = Tuple[str, Tuple[int, ...]]


def task_key(step: str, foreach_stack: Sequence[FrameRecord]) -> TaskKey:
    """Where a task sits in a run, independent of task ids: its step and foreach indices."""
    return step, tuple(int(frame.index) for frame in foreach_stack)


def rerun_steps(graph: FlowGraph, step: Optional[str]) -> Set[str]:
    """The steps a resume runs again: ``step`` and everything after it (none without a step)."""
    seen: Set[str] = set()
    todo = [step] if step else []
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name].out_funcs)
    return seen


def check_resume_step(graph: FlowGraph, step: Optional[str]) -> None:
    """The step to resume from must be a step of the flow."""
    if step is not None and step not in graph:
        raise UsageError("Cannot resume from step '%s': %s has no such step.%s"
                         % (step, graph.name, did_you_mean(step, graph.step_names)),
                         ["Its steps: %s." % ", ".join(graph.step_names)])


def latest_resumable(flow: str, runs: Iterable[Tuple[str, Optional[str], Any]]) -> Optional[str]:
    """The newest run that is not still running. ``runs`` yields ``(run_id, status, pid)``,
    newest first, with status None for a run being created right now (skipped). A running newest
    run is refused: resuming it would race it. None when every run is being created."""
    for run_id, status, pid in runs:
        if status is None:
            continue
        if status == "running":
            raise UsageError("The latest run %s/%s is still running (pid %s)" % (flow, run_id, pid),
                             hint="Wait for it to end, or resume another run with --origin-run-id.")
        return run_id
    return None


def graph_changes(graph: FlowGraph, origin_steps: List[Mapping[str, Any]], reused: Set[str]) -> List[str]:
    """How the reused steps moved in the graph since the origin run (``origin_steps``: the
    origin's graph spec steps); empty when each keeps its place."""
    old_steps = {s["name"]: s for s in origin_steps}
    changed = []
    for name in sorted(reused):
        old = old_steps.get(name)
        node = graph.nodes.get(name)
        if node is None:
            changed.append("step '%s' ran in the origin run but is not in the flow any more" % name)
        elif old and _moved(old, node):
            changed.append("step '%s' went to %s; now it goes to %s" % (
                name, _transition(list(old.get("next") or []), old.get("foreach")),
                _transition(node.out_funcs, node.foreach_var)))
    return changed


def _moved(old: Mapping[str, Any], node: Node) -> bool:
    return (list(old.get("next") or []) != node.out_funcs or (old.get("foreach") or None) != node.foreach_var
            or bool(old.get("join")) != node.is_join)


def _transition(steps: List[str], foreach: Optional[str]) -> str:
    return (", ".join(steps) or "nothing") + (" (foreach over '%s')" % foreach if foreach else "")


def clone_source(step: str, inputs: Iterable[str], key: TaskKey, rerun: Set[str], cloned: Set[str],
                 origin_tasks: Mapping[TaskKey, Any]) -> Optional[Any]:
    """The origin task a new task reuses, or None when it must run: its step is not re-run, every
    one of its inputs was itself reused, and the origin run finished a task at the same place."""
    if step in rerun or any(path not in cloned for path in inputs):
        return None
    return origin_tasks.get(key)
