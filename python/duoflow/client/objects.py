"""Flow, Run and Step: past runs read back from the datastore (Metaflow's client API).

Objects are cheap handles: creating or listing them reads only small metadata files (``run.json``,
directory listings, ``task.json`` when a task's facts are asked for), never an artifact. Iteration
is newest first at every level, as in Metaflow: runs by id, steps in reverse execution order, tasks
by descending id. ``Step.task`` is the step's first task (lowest id).

Step, Task and DataArtifact live in :mod:`.step`, :mod:`.task` and :mod:`.artifacts`; they are
re-exported here.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterator, List, Optional

from ..datastore import run_info
from ..datastore.flow_store import FlowStore, open_flow_store
from ..datastore.storage.factory import open_storage
from ..datastore.storage.local import LocalStorage
from ..exceptions import NotFoundError, UsageError
from ..util.suggest import did_you_mean, quoted_list
from . import state
from .artifacts import DataArtifact, NoRunData
from .base import ClientObject, check_namespace, split_pathspec, tag_args, to_datetime
from .code import RunCode
from .step import Step
from .task import Task

__all__ = ["Flow", "Run", "Step", "Task", "DataArtifact", "Metaflow", "list_flows"]


# -- flows ----------------------------------------------------------------------------------------

def _flow_names(storage: LocalStorage) -> List[str]:
    return [n for n in storage.list("") if n.isidentifier() and storage.exists(n + "/runs")]


class Flow(ClientObject):
    """A flow of the datastore: ``Flow("TrainFlow")``. Iterating yields its runs, newest first."""

    def __init__(self, name: str, _namespace_check: bool = True):
        if not isinstance(name, str) or not name.isidentifier():
            raise UsageError("%r is not a flow name" % (name,),
                             ["A flow is named after its class, e.g. Flow('TrainFlow')."],
                             _pathspec_hint(name))
        self._flow_store = open_flow_store(state.datastore_root(), name)
        self._namespace = state.get_namespace()
        self.pathspec = name
        if not self._flow_store.storage.exists(name + "/runs"):
            raise _missing_flow(self._flow_store, name)

    @classmethod
    def _in_datastore(cls, root: str, name: str) -> "Flow":
        """The flow in the datastore at ``root``, whatever metadata() chose, in no namespace
        (what :class:`duoflow.Runner` hands back after a run it started)."""
        flow = cls.__new__(cls)
        flow._flow_store = open_flow_store(root, name)
        flow._namespace = None
        flow.pathspec = name
        return flow

    def _root(self) -> str:
        return self._flow_store.storage.root

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
        """
        wanted = set(tag_args(tags, tag))
        return (run for run in self._all_runs()
                if wanted.issubset(run.tags) and run.is_in_namespace())

    def _all_runs(self) -> Iterator["Run"]:
        store = self._flow_store
        for run_id in reversed(store.run_ids()):
            info = store.storage.read_json_or_none(store.run_key(run_id) + "/run.json")
            if info is not None:  # a run id claimed a moment ago, run.json not written yet
                yield Run._make(self, run_id, info)

    def __iter__(self) -> Iterator["Run"]:
        return self.runs()

    def __getitem__(self, run_id: str) -> "Run":
        return Run._load(self, str(run_id), check=True)

    def __contains__(self, run_id: str) -> bool:
        try:
            self[run_id]
        except NotFoundError:
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


def _missing_flow(flow_store: FlowStore, name: str) -> NotFoundError:
    names = _flow_names(flow_store.storage)
    return NotFoundError(
        "Flow '%s' does not exist in %s" % (name, flow_store.storage.root),
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

class Run(ClientObject):
    """One run: ``Run("TrainFlow/1700000000000000")``; ``run["step"]`` is a :class:`Step`."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        flow_name, run_id = split_pathspec(pathspec, "run", 2)
        flow = Flow(flow_name)
        self._setup(flow, run_id, flow._flow_store.read_run(run_id))
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, flow: Flow, run_id: str, info: Dict[str, Any]) -> "Run":
        run = cls.__new__(cls)
        run._setup(flow, run_id, info)
        return run

    @classmethod
    def _load(cls, flow: Flow, run_id: str, check: bool) -> "Run":
        run = cls._make(flow, run_id, flow._flow_store.read_run(run_id))
        if check:
            check_namespace(run)
        return run

    def _setup(self, flow: Flow, run_id: str, info: Dict[str, Any]) -> None:
        self._flow, self._flow_store, self._namespace = flow, flow._flow_store, flow._namespace
        self._run_id, self._info = run_id, info
        self.pathspec = "%s/%s" % (flow.id, run_id)
        self._user_tags: Optional[List[str]] = None
        self._steps: Dict[str, Step] = {}
        self._end_task: Optional[Task] = None
        self._parameters: Optional[Dict[str, Any]] = None
        self._code: Optional[RunCode] = None
        self._foreach_values: Dict[str, Any] = {}  # split task -> its foreach list, loaded once
        self._order: Optional[List[str]] = None

    def _root(self) -> str:
        return self._flow_store.storage.root

    def _run_object(self) -> "Run":
        return self

    @property
    def parent(self) -> Flow:
        return self._flow

    # -- status and times (re-read while the run is still going) -----------------------------------
    def _current_info(self) -> Dict[str, Any]:
        if self._info.get("status", "running") == "running":
            fresh = self._flow_store.storage.read_json_or_none(
                self._flow_store.run_key(self._run_id) + "/run.json")
            if fresh is not None:
                self._info = fresh
        return self._info

    @property
    def status(self) -> str:
        """``running``, ``succeeded``, ``failed``, ``interrupted`` or ``crashed``."""
        return run_info.run_status(self._current_info())

    @property
    def successful(self) -> bool:
        return self.status == "succeeded"

    @property
    def finished(self) -> bool:
        """True once the run stopped, whatever the outcome (``.successful`` tells which)."""
        return self.status in run_info.FINISHED_STATUSES

    @property
    def created_at(self):
        return to_datetime(self._info.get("created_at"))

    @property
    def finished_at(self):
        """When the run ended (UTC), or None while it runs (and for a crashed run)."""
        return to_datetime(self._current_info().get("finished_at"))

    # -- tags --------------------------------------------------------------------------------------
    @property
    def user_tags(self) -> FrozenSet[str]:
        if self._user_tags is None:
            self._user_tags = run_info.user_tags(self._flow_store, self._run_id, self._info)
        return frozenset(self._user_tags)

    @property
    def system_tags(self) -> FrozenSet[str]:
        return frozenset(self._info.get("system_tags") or [])

    @property
    def tags(self) -> FrozenSet[str]:
        return self.user_tags | self.system_tags

    def add_tag(self, tag: str) -> None:
        self.add_tags([tag])

    def add_tags(self, tags) -> None:
        self._edit_tags(add=tag_args([tags]))

    def remove_tag(self, tag: str) -> None:
        self.remove_tags([tag])

    def remove_tags(self, tags) -> None:
        self._edit_tags(remove=tag_args([tags]))

    def replace_tag(self, tag_to_remove: str, tag_to_add: str) -> None:
        self.replace_tags([tag_to_remove], [tag_to_add])

    def replace_tags(self, tags_to_remove, tags_to_add) -> None:
        """Remove some user tags and add others in one write."""
        self._edit_tags(add=tag_args([tags_to_add]), remove=tag_args([tags_to_remove]))

    def _edit_tags(self, add=(), remove=()) -> None:
        from ..tags import edit_run_tags

        self._user_tags = edit_run_tags(self._flow_store, self._run_id, add=add, remove=remove)

    # -- what the run recorded ---------------------------------------------------------------------
    @property
    def parameters(self) -> Dict[str, Any]:
        """``{name: value}`` with the exact values the run used (loaded once)."""
        if self._parameters is None:
            from ..datastore.artifacts import load_value

            values = dict(self._info.get("parameters") or {})
            for name, entry in (self._info.get("parameter_artifacts") or {}).items():
                values[name] = load_value(self._flow_store.blobs, name, entry,
                                          "the parameters of run %s" % self.pathspec)
            self._parameters = values
        return dict(self._parameters)

    @property
    def code(self) -> Optional[RunCode]:
        """The source snapshot the run used, or None when it recorded none."""
        if self._code is None and self._info.get("code"):
            self._code = RunCode(self._flow_store, self._info["code"], self.pathspec)
        return self._code

    @property
    def origin_run_id(self) -> Optional[str]:
        """For a resumed run, the id of the run it resumed."""
        origin = self._info.get("origin_run_id")
        return str(origin) if origin else None

    @property
    def origin_pathspec(self) -> Optional[str]:
        origin = self.origin_run_id
        return "%s/%s" % (self._flow.id, origin) if origin else None

    @property
    def end_task(self) -> Optional[Task]:
        """The finished task of the ``end`` step, or None (the run failed or is still going)."""
        if self._end_task is None and "end" in self:
            task = self["end"].task
            if task is not None and task.finished:
                self._end_task = task
        return self._end_task

    @property
    def data(self):
        """The end task's artifacts: ``run.data.name``."""
        task = self.end_task
        return task.data if task is not None else NoRunData(self)

    # -- steps -------------------------------------------------------------------------------------
    def _graph_steps(self) -> List[Dict[str, Any]]:
        return list((self._info.get("graph") or {}).get("steps") or [])

    def _graph_node(self, name: str) -> Dict[str, Any]:
        return next((s for s in self._graph_steps() if s.get("name") == name), {})

    def _execution_order(self) -> List[str]:
        if self._order is None:
            self._order = _topological(self._graph_steps())
        return self._order

    def _step_names(self) -> List[str]:
        """Steps that started in this run, in execution order."""
        present = [n for n in self._flow_store.storage.list(self._flow_store.run_key(self._run_id))
                   if n.isidentifier()]
        order = self._execution_order()
        ranked = {name: i for i, name in enumerate(order)}
        return sorted(present, key=lambda n: (ranked.get(n, len(order)), n))

    def steps(self, *tags: str) -> List[Step]:
        """Steps that ran, newest first (end first); [] unless the run has every tag given."""
        if not set(tag_args(tags)).issubset(self.tags):
            return []
        return [self[name] for name in reversed(self._step_names())]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps())

    def __contains__(self, name: object) -> bool:
        return (isinstance(name, str) and name.isidentifier() and
                self._flow_store.storage.exists("%s/%s" % (self._flow_store.run_key(self._run_id), name)))

    def __getitem__(self, name: str) -> Step:
        step = self._steps.get(name)
        if step is None:
            if name not in self:
                raise self._missing_step(name)
            step = self._steps[name] = Step._make(self, name)
        return step

    def _missing_step(self, name: object) -> NotFoundError:
        steps = self._step_names()
        graph = [s.get("name") for s in self._graph_steps()]
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


def _topological(steps: List[Dict[str, Any]]) -> List[str]:
    """Step names so that every step comes after the steps leading to it (spec order breaks ties)."""
    names = [s["name"] for s in steps if "name" in s]
    incoming = {n: 0 for n in names}
    for s in steps:
        for child in s.get("next") or []:
            if child in incoming:
                incoming[child] += 1
    children = {s["name"]: [c for c in s.get("next") or [] if c in incoming] for s in steps}
    ready = [n for n in names if incoming[n] == 0]
    order: List[str] = []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for child in children.get(name, []):
            incoming[child] -= 1
            if incoming[child] == 0:
                ready.append(child)
    return order + [n for n in names if n not in order]  # a loop, if one ever gets here
