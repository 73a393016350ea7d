"""The one read layer over a flow's part of the datastore: its runs, their steps and tasks.

The client (``Flow``/``Run``/``Step``/``Task``), the command line (``runs``, ``logs``, ``dump``,
``tag``, pathspecs) and the R client all read through :class:`FlowReader` and
:class:`~.task_reader.TaskReader`, so they agree on every fact: which runs exist (and which are
damaged), a run's status and tags, the steps in execution order, which task a pathspec names,
a task's status, its last error and its logs (through any chain of resumes).

Reading never writes, and never starts anything.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Iterator, List, Optional

from ..exceptions import NotFoundError, UsageError
from ..graph.model import FlowGraph
from ..graph.names import is_valid_name
from ..util.suggest import did_you_mean
from .flow_store import FlowStore
from .records import DamagedRecordError, RunRecord
from .run_info import FINISHED_STATUSES, run_status, user_tags
from .ids import ID_PATTERN as _ID, check_id, check_step_name
from .task_reader import TaskReader

class RunListing(namedtuple("RunListing", "run_id record damage", defaults=(None,))):
    """One entry of a flow's run list: ``run_id``, its ``record`` (a :class:`RunRecord`, None
    when damaged) and ``damage`` (the :class:`DamagedRecordError` that says why it could not be
    read, else None). A plain ``collections.namedtuple``: a ``typing.NamedTuple`` here would
    compile its annotations at every start."""

    __slots__ = ()

    @property
    def damaged(self) -> bool:
        return self.damage is not None


class FlowReader:
    """Everything the datastore knows about one flow, read lazily (records are not cached here:
    the client objects decide what to keep)."""

    def __init__(self, flow_store: FlowStore):
        self.flow_store = flow_store

    @property
    def flow(self) -> str:
        return self.flow_store.flow

    @property
    def root(self) -> str:
        return self.flow_store.storage.root

    # -- runs ----------------------------------------------------------------------------------
    def run_ids(self) -> List[str]:
        """Every run id, oldest first (including runs whose record is being written)."""
        return self.flow_store.run_ids()

    def runs(self) -> Iterator[RunListing]:
        """Every recorded run, newest first; a damaged run.json gives a listing with ``damage``
        set instead of stopping the listing (a run id claimed a moment ago is skipped)."""
        for run_id in reversed(self.run_ids()):
            try:
                record = self.flow_store.read_run_or_none(run_id)
            except DamagedRecordError as exc:
                yield RunListing(run_id, None, exc)
                continue
            if record is not None:
                yield RunListing(run_id, record)

    def run(self, run_id: object) -> RunRecord:
        """The run's record; :class:`NotFoundError` listing the latest runs when it has none."""
        return self.flow_store.read_run(check_id("run", run_id))

    def latest_run_id(self) -> str:
        """The newest run's id; a clear error when the flow has none."""
        runs = self.run_ids()
        if not runs:
            raise NotFoundError("%s has no runs yet" % self.flow, hint="Start one with the run command.")
        return runs[-1]

    def fresh(self, run_id: str, record: RunRecord) -> RunRecord:
        """``record`` re-read while its run is still going (a finished run's never changes)."""
        if record.status != "running":
            return record
        return self.flow_store.read_run_or_none(run_id) or record

    @staticmethod
    def status(record: RunRecord) -> str:
        """``running``, ``succeeded``, ``failed``, ``interrupted`` or ``crashed``."""
        return run_status(record)

    @staticmethod
    def is_finished(status: str) -> bool:
        return status in FINISHED_STATUSES

    def user_tags(self, run_id: str, record: RunRecord) -> List[str]:
        return user_tags(self.flow_store, run_id, record)

    # -- steps ---------------------------------------------------------------------------------
    def graph(self, record: RunRecord) -> Optional[FlowGraph]:
        """The flow's graph as the run recorded it (None for a run that recorded none)."""
        spec = record.graph
        if not spec or not spec.get("steps"):
            return None
        return FlowGraph.from_spec(dict(spec, name=spec.get("name") or self.flow))

    def execution_order(self, record: RunRecord) -> List[str]:
        """The graph's steps, each after the steps leading to it."""
        graph = self.graph(record)
        return [node.name for node in graph.topological()] if graph is not None else []

    def step_names(self, run_id: str, order: Optional[List[str]] = None) -> List[str]:
        """Steps that started in the run, in ``order`` (execution order), unknown ones last."""
        present = self.flow_store.step_names(run_id)
        ranked = {name: i for i, name in enumerate(order or [])}
        return sorted(present, key=lambda n: (ranked.get(n, len(ranked)), n))

    def has_step(self, run_id: str, step: object) -> bool:
        return is_valid_name(step) and self.flow_store.storage.exists(
            "%s/%s" % (self.flow_store.run_key(run_id), step))

    # -- tasks ---------------------------------------------------------------------------------
    def task_ids(self, run_id: str, step: str) -> List[str]:
        """Ids of the step's tasks (finished, failed or running), in launch order."""
        return [t for t in self.flow_store.task_ids(run_id, step) if _ID.match(t)]

    def task(self, run_id: str, step: str, task_id: str) -> TaskReader:
        """A reader of the task (no check that it exists: see :meth:`find_task`)."""
        return TaskReader(self.flow_store, run_id, step, task_id)

    def find_task(self, run_id: object, step: object, task_id: object = "") -> TaskReader:
        """The task ``run_id/step/task_id`` names (``task_id`` may be empty when the step has
        one task), with errors that list what exists instead."""
        run_id = check_id("run", run_id)
        step = check_step_name(step)
        self.flow_store.read_run(run_id)  # raises with the list of runs when missing
        steps = self.flow_store.step_names(run_id)
        if step not in steps:
            raise NotFoundError("Run %s/%s has no step '%s'" % (self.flow, run_id, step),
                                ["Its steps: %s." % (", ".join(steps) or "none yet")],
                                did_you_mean(step, steps).strip() or None)
        tasks = self.task_ids(run_id, step)
        if task_id in ("", None):
            if len(tasks) != 1:
                raise UsageError("Step %s/%s/%s has %d tasks; name one" % (self.flow, run_id, step, len(tasks)),
                                 ["Its tasks: %s." % summarize_ids(tasks)])
            task_id = tasks[0]
        task_id = check_id("task", task_id)
        if task_id not in tasks:
            raise NotFoundError("Step %s/%s/%s has no task %s" % (self.flow, run_id, step, task_id),
                                ["Its tasks: %s." % summarize_ids(tasks)])
        return self.task(run_id, step, task_id)


def summarize_ids(ids) -> str:
    """``'1, 2, 3'``, or ``'1, 2, ... 99 (99 in all)'`` for long lists, in messages."""
    ids = list(ids)
    if len(ids) <= 12:
        return ", ".join(ids) or "none"
    return "%s, ... %s (%d in all)" % (", ".join(ids[:6]), ", ".join(ids[-3:]), len(ids))


def open_flow_reader(root: str, flow: str) -> FlowReader:
    """The reader of ``flow`` in the datastore at ``root`` (a path or s3://...)."""
    from .flow_store import open_flow_store

    return FlowReader(open_flow_store(root, flow))
