"""Resume: which tasks of an earlier run are reused, and cloning them by reference.

A task is cloned when its step is not to be re-run, every one of its inputs was cloned, and the
origin run has a finished task at the same place (same step, same foreach indices). A clone is a
new task directory whose artifact index points at the origin's blobs: no value is copied or
re-encoded and no user code runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from ..datastore.flow_store import FlowStore
from ..datastore.run_info import run_status
from ..exceptions import NotFoundError, UsageError
from ..graph.model import FlowGraph
from ..util.suggest import did_you_mean

TaskKey = Tuple[str, Tuple[int, ...]]


@dataclass
class ResumePlan:
    """What a resumed run reuses from its origin run."""

    origin_run_id: str
    origin_info: Dict[str, Any]
    rerun_steps: Set[str]
    resume_step: Optional[str]
    origin_tasks: Dict[TaskKey, Tuple[str, Dict[str, Any]]] = field(default_factory=dict)  # key -> (task_id, info)


def task_key(step: str, foreach_stack: List[Dict[str, Any]]) -> TaskKey:
    """Where a task sits in a run, independent of task ids."""
    return step, tuple(int(frame["index"]) for frame in foreach_stack)


def latest_resumable_run(flow_store: FlowStore) -> str:
    """The newest run of the flow that is not still running."""
    runs = flow_store.run_ids()
    if not runs:
        raise NotFoundError("%s has no runs to resume in %s" % (flow_store.flow, flow_store.storage.root),
                            hint="Start one with the run command.")
    for run_id in reversed(runs):
        info = flow_store.storage.read_json_or_none(flow_store.run_key(run_id) + "/run.json")
        if info is None:
            continue  # a run being created right now
        if run_status(info) == "running":
            raise UsageError("The latest run %s/%s is still running (pid %s)" % (flow_store.flow, run_id, info.get("pid")),
                             hint="Wait for it to end, or resume another run with --origin-run-id.")
        return run_id
    raise NotFoundError("%s has no finished runs to resume" % flow_store.flow)


def plan_resume(flow_store: FlowStore, graph: FlowGraph, origin_run_id: str, step: Optional[str]) -> ResumePlan:
    """Check that the origin run can be resumed with this graph and index its finished tasks."""
    info = flow_store.read_run(origin_run_id)
    if step is not None and step not in graph:
        raise UsageError("Cannot resume from step '%s': %s has no such step.%s"
                         % (step, graph.name, did_you_mean(step, graph.step_names)),
                         ["Its steps: %s." % ", ".join(graph.step_names)])
    rerun = _descendants(graph, step) if step else set()
    plan = ResumePlan(origin_run_id, info, rerun, step)
    _index_finished_tasks(flow_store, plan)
    if step is None and run_status(info) == "succeeded":
        raise UsageError("Run %s/%s succeeded: there is nothing to resume" % (graph.name, origin_run_id),
                         hint="Name the step to re-run from: resume STEP (for example: resume %s)."
                              % graph.topological()[-1].name)
    _check_graph_unchanged(graph, info, plan)
    return plan


def _descendants(graph: FlowGraph, step: str) -> Set[str]:
    seen: Set[str] = set()
    todo = [step]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name].out_funcs)
    return seen


def _index_finished_tasks(flow_store: FlowStore, plan: ResumePlan) -> None:
    for step in flow_store.step_names(plan.origin_run_id):
        for task_id in flow_store.task_ids(plan.origin_run_id, step):
            store = flow_store.task(plan.origin_run_id, step, task_id)
            if not store.is_done():
                continue
            info = store.read_info() or {}
            plan.origin_tasks[task_key(step, info.get("foreach_stack") or [])] = (task_id, info)


def _check_graph_unchanged(graph: FlowGraph, origin: Dict[str, Any], plan: ResumePlan) -> None:
    """Steps whose results are reused must have the same place in the graph as before."""
    old_steps = {s["name"]: s for s in (origin.get("graph") or {}).get("steps", [])}
    reused = {key[0] for key in plan.origin_tasks} - plan.rerun_steps
    changed = []
    for name in sorted(reused):
        old = old_steps.get(name)
        node = graph.nodes.get(name)
        if node is None:
            changed.append("step '%s' ran in the origin run but is not in the flow any more" % name)
        elif old and (list(old.get("next") or []) != node.out_funcs or (old.get("foreach") or None) != node.foreach_var
                      or bool(old.get("join")) != node.is_join):
            changed.append("step '%s' went to %s%s; now it goes to %s%s" % (
                name, ", ".join(old.get("next") or []) or "nothing",
                " (foreach over '%s')" % old["foreach"] if old.get("foreach") else "",
                ", ".join(node.out_funcs) or "nothing",
                " (foreach over '%s')" % node.foreach_var if node.foreach_var else ""))
    if changed:
        raise UsageError("The flow's graph changed upstream of the resume point, so run %s cannot be reused"
                         % plan.origin_run_id, changed,
                         "Resume from the first changed step (resume STEP), or start a new run.")


class Cloner:
    """Clones origin tasks into the new run as the scheduler reaches them."""

    def __init__(self, flow_store: FlowStore, run_id: str, plan: ResumePlan):
        self.flow_store = flow_store
        self.run_id = run_id
        self.plan = plan
        self.new_path_of: Dict[str, str] = {}   # origin "step/task" -> new "step/task"
        self.cloned: Set[str] = set()           # new "step/task" paths that are clones
        self.seconds = 0.0

    def origin_for(self, step: str, inputs: List[str], stack: List[Dict[str, Any]]) -> Optional[Tuple[str, Dict]]:
        """The origin task to clone for a new task, or None when it must run."""
        if step in self.plan.rerun_steps or any(path not in self.cloned for path in inputs):
            return None
        return self.plan.origin_tasks.get(task_key(step, stack))

    def clone(self, step: str, task_id: str, inputs: List[str], origin: Tuple[str, Dict]) -> Dict[str, Any]:
        """Write the clone (artifact index by reference, metadata, DONE); returns its task.json."""
        started = time.perf_counter()
        origin_id, origin_info = origin
        origin_store = self.flow_store.task(self.plan.origin_run_id, step, origin_id)
        info = dict(origin_info)
        info.update(run_id=self.run_id, task_id=task_id, parents=list(inputs),
                    origin=origin_store.pathspec, cloned_at=time.time(),
                    foreach_stack=[dict(f, task=self.new_path_of.get(f["task"], f["task"]))
                                   for f in origin_info.get("foreach_stack") or []])
        self.flow_store.task(self.run_id, step, task_id).finish(info, artifacts_of=origin_store)
        new_path = "%s/%s" % (step, task_id)
        self.new_path_of["%s/%s" % (step, origin_id)] = new_path
        self.cloned.add(new_path)
        self.seconds += time.perf_counter() - started
        return info


def resume_parameters(flow_store: FlowStore, plan: ResumePlan, definitions: Dict[str, Any],
                      given: Dict[str, Any], allow_changes: bool, flow_file: str) -> Dict[str, Any]:
    """The parameter values of the resumed run: the origin's, unless changed (and allowed).

    ``given`` holds the values typed on the command line (None where not given), already
    materialized (an IncludeFile's content, not its path).
    """
    from ..datastore.artifacts import load_value
    from ..parameters import materialize

    where = "run %s/%s" % (flow_store.flow, plan.origin_run_id)
    entries = plan.origin_info.get("parameter_artifacts") or {}
    values: Dict[str, Any] = {}
    changes: List[str] = []
    for attr, definition in definitions.items():
        if attr in entries:
            base = load_value(flow_store.blobs, attr, entries[attr], where)
        else:  # a parameter added since the origin run: its default
            base = materialize({attr: definition}, {attr: definition.default_value()}, flow_file)[attr]
        new = given.get(attr)
        if new is not None and not _same(new, base):
            changes.append("--%s is %r in run %s and %r now" % (definition.name, base, plan.origin_run_id, new))
            values[attr] = new
        else:
            values[attr] = base
    if changes and not allow_changes:
        raise UsageError("Resuming with different parameters would mix results of two settings", changes,
                         "Drop those options to resume with the origin's values, or pass "
                         "--allow-parameter-changes if the reused steps do not depend on them.")
    return values


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # values whose == is not a plain truth value
        return False
