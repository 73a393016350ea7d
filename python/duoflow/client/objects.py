"""Flow, Run, Step, Task and DataArtifact: past runs read back from the datastore (Metaflow's
client API).

The objects are thin handles over the one read layer (:mod:`duoflow.datastore.reader`): they hold
a pathspec, the namespace they were made in and what they have already read, and navigate
(``flow[run_id][step][task_id][name]``, ``.parent``); every fact (a run's status and tags, the
steps in execution order, a task's status, error and logs, which task a pathspec names) comes
from the reader, which the command line uses too. The five classes share this module because
each constructs its neighbours both ways (``Task(pathspec)`` builds its step, ``step[id]`` its
task); what they know about themselves is in :mod:`.facts`, and what they hand out in
:mod:`.views`, both below them.

Objects are cheap: creating or listing them reads only small records (``run.json``, directory
listings, ``task.json`` when a task's facts are asked for), never an artifact. Iteration is newest
first at every level, as in Metaflow: runs by id, steps in reverse execution order, tasks by
descending id. ``Step.task`` is the step's first task (lowest id).
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, FrozenSet, Iterator, List, Optional

from ..datastore.reader import FlowReader, check_id, open_flow_reader, summarize_ids
from ..datastore.records import ArtifactEntry, RunRecord
from ..datastore.storage.factory import open_storage
from ..datastore.task_reader import TaskReader
from ..exceptions import NotFoundError, UsageError
from ..util.suggest import did_you_mean, quoted_list
from . import state
from .base import ClientObject, check_namespace, split_pathspec, tag_args
from .facts import ArtifactFacts, RunFacts, TaskFacts
from .views import missing_artifact_error

__all__ = ["Flow", "Run", "Step", "Task", "DataArtifact", "Metaflow", "list_flows"]


# -- flows ----------------------------------------------------------------------------------------

def _flow_names(storage) -> List[str]:
    return [n for n in storage.list("") if n.isidentifier() and storage.exists(n + "/runs")]


class Flow(ClientObject):
    """A flow of the datastore: ``Flow("TrainFlow")``. Iterating yields its runs, newest first."""

    def __init__(self, name: str, _namespace_check: bool = True):
        if not isinstance(name, str) or not name.isidentifier():
            raise UsageError("%r is not a flow name" % (name,),
                             ["A flow is named after its class, e.g. Flow('TrainFlow')."],
                             _pathspec_hint(name))
        self._reader = open_flow_reader(state.datastore_root(), name)
        self._namespace = state.get_namespace()
        self.pathspec = name
        if not self._reader.flow_store.storage.exists(name + "/runs"):
            raise _missing_flow(self._reader, name)

    @classmethod
    def _in_datastore(cls, root: str, name: str) -> "Flow":
        """The flow in the datastore at ``root``, whatever metadata() chose, in no namespace
        (what :class:`duoflow.Runner` hands back after a run it started)."""
        flow = cls.__new__(cls)
        flow._reader = open_flow_reader(root, name)
        flow._namespace = None
        flow.pathspec = name
        return flow

    def _root(self) -> str:
        return self._reader.root

    @property
    def parent(self) -> None:
        return None

    @property
    def tags(self) -> FrozenSet[str]:  # a flow has no tags of its own
        return frozenset()

    user_tags = system_tags = tags

    def is_in_namespace(self) -> bool:
        return True

    # -- runs --------------------------------------------------------------------------------------
    def runs(self, *tags: str, tag: Any = None) -> Iterator["Run"]:
        """Runs in the namespace that carry every tag given, newest first (a lazy iterator).

        ``runs("a", "b")``, ``runs(["a", "b"])`` and ``runs(tag="a")`` are the same kind of filter.
        A run whose record is damaged is skipped with a warning that names its file.
        """
        wanted = set(tag_args(tags, tag))
        return (run for run in self._all_runs()
                if wanted.issubset(run.tags) and run.is_in_namespace())

    def _all_runs(self) -> Iterator["Run"]:
        for listing in self._reader.runs():
            if listing.damaged:
                warnings.warn(listing.damage.format(), RuntimeWarning, stacklevel=3)
                continue
            yield Run._make(self, listing.run_id, listing.record)

    def __iter__(self) -> Iterator["Run"]:
        return self.runs()

    def __getitem__(self, run_id: str) -> "Run":
        return Run._load(self, str(run_id), check=True)

    def __contains__(self, run_id: str) -> bool:
        try:
            self[run_id]
        except (NotFoundError, UsageError):
            return False
        return True

    @property
    def latest_run(self) -> Optional["Run"]:
        """The newest run in the namespace (running or not), or None."""
        return next(self.runs(), None)

    @property
    def latest_successful_run(self) -> Optional["Run"]:
        """The newest successful run in the namespace, or None."""
        return next((run for run in self.runs() if run.successful), None)


def _pathspec_hint(name: Any) -> Optional[str]:
    """For ``Flow("X/1/start")``: the class that takes that pathspec."""
    if not isinstance(name, str) or "/" not in name:
        return None
    kinds = {2: ("run", "Run"), 3: ("step", "Step"), 4: ("task", "Task"),
             5: ("artifact", "DataArtifact")}
    kind = kinds.get(len(name.strip("/").split("/")))
    return "For a %s, use %s(%r)." % (kind[0], kind[1], name.strip("/")) if kind else None


def _missing_flow(reader: FlowReader, name: str) -> NotFoundError:
    names = _flow_names(reader.flow_store.storage)
    return NotFoundError(
        "Flow '%s' does not exist in %s" % (name, reader.root),
        ["Flows in this datastore: %s." % quoted_list(names) if names
         else "This datastore has no flows yet."],
        did_you_mean(name, names).strip() or
        "Run the flow first, or read another datastore with metadata('local@/path').")


def list_flows() -> List[Flow]:
    """Every flow of the datastore, by name (not filtered by namespace)."""
    return [Flow(name) for name in sorted(_flow_names(open_storage(state.datastore_root())))]


class Metaflow:
    """Metaflow's entry point to the datastore: ``Metaflow().flows``."""

    @property
    def flows(self) -> List[Flow]:
        return list_flows()

    def __iter__(self) -> Iterator[Flow]:
        return iter(self.flows)

    def __repr__(self) -> str:
        return "Metaflow(%s)" % state.get_metadata()


# -- runs -----------------------------------------------------------------------------------------

class Run(RunFacts, ClientObject):
    """One run: ``Run("TrainFlow/1700000000000000")``; ``run["step"]`` is a :class:`Step`."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        flow_name, run_id = split_pathspec(pathspec, "run", 2)
        flow = Flow(flow_name)
        self._setup(flow, run_id, flow._reader.run(run_id))
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, flow: Flow, run_id: str, info: RunRecord) -> "Run":
        run = cls.__new__(cls)
        run._setup(flow, run_id, info)
        return run

    @classmethod
    def _load(cls, flow: Flow, run_id: str, check: bool) -> "Run":
        run = cls._make(flow, run_id, flow._reader.run(run_id))
        if check:
            check_namespace(run)
        return run

    def _setup(self, flow: Flow, run_id: str, info: RunRecord) -> None:
        self._flow, self._reader, self._namespace = flow, flow._reader, flow._namespace
        self._run_id, self._info = run_id, info
        self.pathspec = "%s/%s" % (flow.id, run_id)
        self._user_tags: Optional[List[str]] = None
        self._steps: Dict[str, Step] = {}
        self._end_task: Optional[Task] = None
        self._parameters: Optional[Dict[str, Any]] = None
        self._code = None  # its RunCode, made when first asked for
        self._foreach_values: Dict[str, Any] = {}  # split task -> its foreach list, loaded once
        self._order: Optional[List[str]] = None
        self._graph_nodes: Optional[Dict[str, Dict[str, Any]]] = None

    def _root(self) -> str:
        return self._reader.root

    def _run_object(self) -> "Run":
        return self

    @property
    def parent(self) -> Flow:
        return self._flow

    # -- steps -------------------------------------------------------------------------------------
    def _graph_node(self, name: str) -> Dict[str, Any]:
        """The step's entry in the graph spec the run recorded ({} when it has none)."""
        if self._graph_nodes is None:
            self._graph_nodes = {s.get("name"): s for s in self._info.graph_steps}
        return self._graph_nodes.get(name, {})

    def _step_names(self) -> List[str]:
        """Steps that started in this run, in execution order."""
        if self._order is None:
            self._order = self._reader.execution_order(self._info)
        return self._reader.step_names(self._run_id, self._order)

    def steps(self, *tags: str) -> List["Step"]:
        """Steps that ran, newest first (end first); [] unless the run has every tag given."""
        if not set(tag_args(tags)).issubset(self.tags):
            return []
        return [self[name] for name in reversed(self._step_names())]

    def __iter__(self) -> Iterator["Step"]:
        return iter(self.steps())

    def __contains__(self, name: object) -> bool:
        return self._reader.has_step(self._run_id, name)

    def __getitem__(self, name: str) -> "Step":
        step = self._steps.get(name)
        if step is None:
            if name not in self:
                raise self._missing_step(name)
            step = self._steps[name] = Step._make(self, name)
        return step

    def _missing_step(self, name: object) -> NotFoundError:
        steps = self._step_names()
        graph = [s.get("name") for s in self._info.graph_steps]
        details = ["Its steps: %s." % (", ".join(steps) or "none yet")]
        if name in graph:
            status = self.status
            details.append("Step '%s' is in the flow but has no task in this run (the run is %s)."
                           % (name, status))
            if status == "running":
                hint = "The run is still going; a task shows up here once it ends."
            else:
                hint = ("See why: run['%s'].task.exception." % steps[-1]) if steps else None
        else:
            hint = did_you_mean(str(name), graph or steps).strip() or None
        return NotFoundError("Run %s has no step '%s'" % (self.pathspec, name), details, hint)


# -- steps ----------------------------------------------------------------------------------------

class Step(ClientObject):
    """One step of a run: ``Step("TrainFlow/1700000000000000/train")``; iterating yields tasks."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        flow_name, run_id, name = split_pathspec(pathspec, "step", 3)
        run = Run("%s/%s" % (flow_name, run_id), _namespace_check=False)
        if name not in run:
            raise run._missing_step(name)
        self._setup(run, name)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, run: Run, name: str) -> "Step":
        step = cls.__new__(cls)
        step._setup(run, name)
        return step

    def _setup(self, run: Run, name: str) -> None:
        self._run, self._name = run, name
        self.pathspec = "%s/%s" % (run.pathspec, name)
        self._tasks: Dict[str, Task] = {}

    def _root(self) -> str:
        return self._run._root()

    def _run_object(self) -> Run:
        return self._run

    @property
    def parent(self) -> Run:
        return self._run

    def _task_ids(self) -> List[str]:
        """Ids of the step's tasks (finished, failed or running), in launch order."""
        return self._run._reader.task_ids(self._run._run_id, self._name)

    def tasks(self, *tags: str) -> List["Task"]:
        """The step's tasks, newest first; [] unless the run has every tag given."""
        if not set(tag_args(tags)).issubset(self.tags):
            return []
        return [self[task_id] for task_id in reversed(self._task_ids())]

    def __iter__(self) -> Iterator["Task"]:
        return iter(self.tasks())

    @property
    def task(self) -> Optional["Task"]:
        """The step's first task (the only one, unless the step is a foreach body), or None."""
        ids = self._task_ids()
        return self[ids[0]] if ids else None

    def __contains__(self, task_id: object) -> bool:
        return str(task_id) in self._task_ids()

    def __getitem__(self, task_id: str) -> "Task":
        task_id = str(task_id)
        task = self._tasks.get(task_id)
        if task is None:
            ids = self._task_ids()
            if task_id not in ids:
                raise NotFoundError("Step %s has no task %s" % (self.pathspec, task_id),
                                    ["Its tasks: %s." % summarize_ids(ids)], _id_hint(task_id))
            task = self._tasks[task_id] = Task._make(self, task_id)
        return task

    @property
    def created_at(self):
        """When its first task started (UTC), or None."""
        times = [t.created_at for t in self.tasks() if t.created_at is not None]
        return min(times) if times else None

    @property
    def finished_at(self):
        """When its last task finished (UTC), or None when none finished."""
        times = [t.finished_at for t in self.tasks() if t.finished and t.finished_at is not None]
        return max(times) if times else None

    @property
    def doc(self) -> Optional[str]:
        """The step's docstring."""
        return self._run._graph_node(self._name).get("doc")

    @property
    def decorators(self) -> List[Dict[str, Any]]:
        """The step's decorators as the run recorded them (``--with`` included):
        ``[{"name": "card", "attributes": {...}}, ...]``."""
        return [dict(d) for d in self._run._graph_node(self._name).get("decorators") or []]

    @property
    def child_steps(self) -> List["Step"]:
        """Steps this step goes to (those that started)."""
        nexts = self._run._graph_node(self._name).get("next") or []
        return [self._run[n] for n in nexts if n in self._run]

    @property
    def parent_steps(self) -> List["Step"]:
        """Steps that go to this step."""
        return [self._run[s["name"]] for s in self._run._info.graph_steps
                if self._name in (s.get("next") or []) and s["name"] in self._run]


def _id_hint(value: object) -> Optional[str]:
    """For an id that is not one at all (a client object, a path): say what an id is."""
    try:
        check_id("task", value)
    except UsageError as exc:
        if isinstance(value, ClientObject):
            return "Pass the task's id (task.id, here %r), not the %s object." % (value.id, type(value).__name__)
        return exc.details[0]
    return None


# -- tasks ----------------------------------------------------------------------------------------

class Task(TaskFacts, ClientObject):
    """One task: ``Task("TrainFlow/1700000000000000/train/3")``; ``task.data.name`` is a value."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        flow, run_id, step, task_id = split_pathspec(pathspec, "task", 4)
        other = Step("%s/%s/%s" % (flow, run_id, step), _namespace_check=False)[task_id]
        self._setup(other._step, task_id)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, step: Step, task_id: str) -> "Task":
        task = cls.__new__(cls)
        task._setup(step, task_id)
        return task

    def _setup(self, step: Step, task_id: str) -> None:
        run = step._run
        self._step, self._run, self._task_id = step, run, task_id
        self._reader: TaskReader = run._reader.task(run._run_id, step._name, task_id)
        self.pathspec = self._reader.pathspec

    def _root(self) -> str:
        return self._run._root()

    def _run_object(self) -> Run:
        return self._run

    @property
    def parent(self) -> Step:
        return self._step

    def __getitem__(self, name: str) -> "DataArtifact":
        entry = self._artifact_index().get(name)
        if entry is None:
            raise missing_artifact_error(self, name, key_error=True)
        return DataArtifact._make(self, name, entry)

    def __iter__(self) -> Iterator["DataArtifact"]:
        return iter(self.artifacts)

# -- artifacts ------------------------------------------------------------------------------------

class DataArtifact(ArtifactFacts, ClientObject):
    """One artifact of a task: ``DataArtifact("Flow/run/step/task/name")`` or ``task["name"]``.

    A small value may be kept inline in the task's artifact index (``inline`` is True): it has
    no blob, and ``sha`` then hashes its stored form.
    """

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        flow, run_id, step, task_id, name = split_pathspec(pathspec, "artifact", 5)
        task = Task("%s/%s/%s/%s" % (flow, run_id, step, task_id), _namespace_check=False)
        other = task[name]
        self._setup(task, name, other._entry)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, task: Task, name: str, entry: ArtifactEntry) -> "DataArtifact":
        artifact = cls.__new__(cls)
        artifact._setup(task, name, entry)
        return artifact

    def _setup(self, task: Task, name: str, entry: ArtifactEntry) -> None:
        self._task, self._name, self._entry = task, name, entry
        self.pathspec = "%s/%s" % (task.pathspec, name)

    def _root(self) -> str:
        return self._task._root()

    def _run_object(self) -> Run:
        return self._task._run

    @property
    def parent(self) -> Task:
        return self._task

