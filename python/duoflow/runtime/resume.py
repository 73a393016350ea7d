"""Resume: which tasks of an earlier run are reused, and cloning them by reference.

This module reads the origin run and writes the clones; the decisions (which steps re-run, whether
the graph still fits, which origin task a new task reuses) are pure functions in ``policy.py``.
A task is cloned when its step is not to be re-run, every one of its inputs was cloned, and the
origin run has a finished task at the same place (same step, same foreach indices). A clone is a
new task directory whose artifact index points at the origin's blobs: no value is copied or
re-encoded and no user code runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from ..datastore.flow_store import FlowStore
from ..datastore.reader import FlowReader
from ..datastore.records import FrameRecord, RunRecord, TaskRecord
from ..exceptions import NotFoundError, UsageError
from ..graph.model import FlowGraph
from . import policy
from .policy import TaskKey, task_key


@dataclass
class ResumePlan:
    """What a resumed run reuses from its origin run."""

    origin_run_id: str
    origin_info: RunRecord
    rerun_steps: Set[str]
    resume_step: Optional[str]
    origin_tasks: Dict[TaskKey, Tuple[str, TaskRecord]] = field(default_factory=dict)  # key -> (task_id, info)


def latest_resumable_run(flow_store: FlowStore) -> str:
    """The newest run of the flow that is not still running (a run whose record is damaged is
    passed over: there is nothing to resume from)."""
    reader = FlowReader(flow_store)
    if not reader.run_ids():
        raise NotFoundError("%s has no runs to resume in %s" % (flow_store.flow, reader.root),
                            hint="Start one with the run command.")
    states = ((r.run_id, None, None) if r.damaged else (r.run_id, reader.status(r.record), r.record.pid)
              for r in reader.runs())
    run_id = policy.latest_resumable(flow_store.flow, states)
    if run_id is None:
        raise NotFoundError("%s has no finished runs to resume" % flow_store.flow)
    return run_id


def plan_resume(flow_store: FlowStore, graph: FlowGraph, origin_run_id: str, step: Optional[str]) -> ResumePlan:
    """Check that the origin run can be resumed with this graph and index its finished tasks."""
    info = FlowReader(flow_store).run(origin_run_id)
    policy.check_resume_step(graph, step)
    plan = ResumePlan(origin_run_id, info, policy.rerun_steps(graph, step), step)
    _index_finished_tasks(flow_store, plan)
    changed = policy.graph_changes(graph, info.graph_steps,
                                   {key[0] for key in plan.origin_tasks} - plan.rerun_steps)
    if changed:
        raise UsageError("The flow's graph changed upstream of the resume point, so run %s cannot be reused"
                         % origin_run_id, changed,
                         "Resume from the first changed step (resume STEP), or start a new run.")
    return plan


def _index_finished_tasks(flow_store: FlowStore, plan: ResumePlan) -> None:
    for step in flow_store.step_names(plan.origin_run_id):
        for task_id in flow_store.task_ids(plan.origin_run_id, step):
            store = flow_store.task(plan.origin_run_id, step, task_id)
            if not store.is_done():
                continue
            info = store.read_info() or TaskRecord()
            plan.origin_tasks[task_key(step, info.foreach_stack)] = (task_id, info)


class Cloner:
    """Clones origin tasks into the new run as the scheduler reaches them."""

    def __init__(self, flow_store: FlowStore, run_id: str, plan: ResumePlan):
        self.flow_store = flow_store
        self.run_id = run_id
        self.plan = plan
        self.new_path_of: Dict[str, str] = {}   # origin "step/task" -> new "step/task"
        self.cloned: Set[str] = set()           # new "step/task" paths that are clones
        self.seconds = 0.0

    def origin_for(self, step: str, inputs: List[str], stack: Sequence[FrameRecord]) -> Optional[Tuple[str, TaskRecord]]:
        """The origin task to clone for a new task, or None when it must run."""
        return policy.clone_source(step, inputs, task_key(step, stack), self.plan.rerun_steps, self.cloned,
                                   self.plan.origin_tasks)

    def clone(self, step: str, task_id: str, inputs: List[str], origin: Tuple[str, TaskRecord]) -> TaskRecord:
        """Write the clone (artifact index by reference, metadata, DONE); returns its task.json."""
        started = time.perf_counter()
        origin_id, origin_info = origin
        origin_store = self.flow_store.task(self.plan.origin_run_id, step, origin_id)
        info = origin_info.replace(
            run_id=self.run_id, task_id=task_id, parents=tuple(inputs), origin=origin_store.pathspec,
            cloned_at=time.time(),
            foreach_stack=tuple(f.replace(task=self.new_path_of.get(f.task, f.task))
                                for f in origin_info.foreach_stack))
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
    entries = plan.origin_info.parameter_artifacts
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
