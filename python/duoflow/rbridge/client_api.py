"""What the R client (``flow_client``, ``run_client``, ...) calls through reticulate.

R holds the client's Python objects (Flow, Run, Step, Task) by reference and asks this module for
their facts. Every function returns plain data (strings, numbers, lists, dicts) or wires
(:func:`duoflow.rbridge.to_r.to_wire`), never a numpy or pandas object, so R does not depend on
reticulate's numpy conversion. Times are UNIX seconds (floats; NaN when unknown), which R turns
into POSIXct. Indexes are 1-based, as R counts.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ..client import Flow, Run, Step, Task
from ..client import get_namespace as _get_namespace
from ..client import list_flows as _list_flows
from ..client import namespace as _namespace
from ..client import state as _state
from ..exceptions import NotFoundError, UsageError
from .to_r import to_wire

NAN = float("nan")


# -- opening objects --------------------------------------------------------------------------

def open_object(kind: str, pathspec: str) -> Any:
    """``Flow``/``Run``/``Step``/``Task`` for a pathspec (errors say what exists instead)."""
    classes = {"flow": Flow, "run": Run, "step": Step, "task": Task}
    return classes[kind](pathspec)


def latest_run(flow_name: str, which: str) -> Run:
    """The flow's ``latest_run`` or ``latest_successful_run``; an error when it has none."""
    flow = Flow(flow_name)
    run = getattr(flow, which)
    if run is None:
        what = "successful run" if which == "latest_successful_run" else "run"
        namespace = _get_namespace()
        statuses = ["%s (%s)" % (r.id, r.status) for r in list(flow.runs())[:5]]
        raise NotFoundError(
            "Flow %s has no %s in namespace %s" % (flow_name, what, namespace or "(all)"),
            ["Its latest runs: %s." % ", ".join(statuses) if statuses else
             "It has no runs in this namespace."],
            "Call set_namespace(NULL) to see every user's runs." if namespace else None)
    return run


def runs_with_tags(flow: Flow, tags: List[str]) -> List[str]:
    """Ids of the flow's runs (in the namespace) that carry every tag given, newest first."""
    return [run.id for run in flow.runs(*list(tags or []))]


def child(parent: Any, key: str) -> Any:
    """``flow[run_id]``, ``run[step]``, ``step[task_id]``."""
    return parent[str(key)]


def child_ids(obj: Any) -> List[str]:
    """Ids of an object's children (Metaflow R's ``get_values()``): run ids, step names, task
    ids, artifact names."""
    kind = type(obj).__name__
    if kind == "Flow":
        return [r.id for r in _flow_runs(obj)]
    if kind == "Run":
        return _step_names(obj)
    if kind == "Step":
        return _task_ids(obj)
    return sorted(a.id for a in obj.artifacts)


def is_in_namespace(obj: Any) -> bool:
    return bool(obj.is_in_namespace())


# -- facts ------------------------------------------------------------------------------------

def _time(value) -> float:
    return value.timestamp() if value is not None else NAN


def _tags(obj) -> List[str]:
    return sorted(obj.tags)


def _flow_runs(flow: Flow) -> List[Run]:
    return list(flow.runs())


def _flow_created(flow: Flow) -> float:
    times = [r.created_at for r in flow._all_runs() if r.created_at is not None]
    return min(times).timestamp() if times else NAN


def _flow_finished(flow: Flow) -> float:
    times = [r.finished_at for r in flow._all_runs() if r.finished_at is not None]
    return max(times).timestamp() if times else NAN


def _latest_id(flow: Flow, which: str) -> Optional[str]:
    run = getattr(flow, which)
    return run.id if run is not None else None


def _end_artifacts(run: Run) -> List[str]:
    task = run.end_task
    return sorted(a.id for a in task.artifacts) if task is not None else []


def _parameters(run: Run) -> Dict[str, Any]:
    return to_wire(run.parameters)


def _step_names(run: Run) -> List[str]:
    """In execution order (start first), as R users read a flow."""
    return run._step_names()


def _task_ids(step: Step) -> List[str]:
    return step._task_ids()


def _index(task: Task) -> Optional[int]:
    return None if task.index is None else task.index + 1


def _task_metadata(task: Task) -> Dict[str, str]:
    """Metaflow's ``task.metadata_dict`` from what the task recorded: name -> string."""
    info = task._reader.info
    found = {"attempt": info.attempt, "user": info.user, "pid": info.pid,
             "launcher": info.launcher, "runtime": _runtime_name(task),
             "origin-pathspec": info.origin, "started-at": info.started_at,
             "finished-at": info.finished_at}
    return {k: str(v) for k, v in found.items() if v not in (None, "")}


def _runtime_name(obj: Any) -> Optional[str]:
    """Where the run ran, from its ``runtime:<name>`` system tag (``local`` for duoflow's runs)."""
    names = sorted(t.partition(":")[2] for t in obj.system_tags if t.startswith("runtime:"))
    return names[0] if names else None


def _exception(task: Task) -> Optional[Dict[str, Any]]:
    error = task.exception
    if error is None:
        return None
    return {"type": error.type, "message": error.message, "traceback": error.traceback,
            "attempt": error.attempt, "pathspec": error.pathspec}


_COMMON: Dict[str, Callable[[Any], Any]] = {
    "id": lambda o: o.id,
    "pathspec": lambda o: o.pathspec,
    "tags": _tags,
    "user_tags": lambda o: sorted(o.user_tags),
    "system_tags": lambda o: sorted(o.system_tags),
}

FIELDS: Dict[str, Dict[str, Callable[[Any], Any]]] = {
    "Flow": {
        "parent": lambda f: None,
        "runs": lambda f: [r.id for r in _flow_runs(f)],
        "latest_run": lambda f: _latest_id(f, "latest_run"),
        "latest_successful_run": lambda f: _latest_id(f, "latest_successful_run"),
        "created_at": _flow_created,
        "finished_at": _flow_finished,
    },
    "Run": {
        "parent": lambda r: r.parent.id,
        "status": lambda r: r.status,
        "successful": lambda r: r.successful,
        "finished": lambda r: r.finished,
        "created_at": lambda r: _time(r.created_at),
        "finished_at": lambda r: _time(r.finished_at),
        "steps": _step_names,
        "artifacts": _end_artifacts,
        "parameters": _parameters,
        "origin_run_id": lambda r: r.origin_run_id,
        "end_task": lambda r: r.end_task.id if r.end_task is not None else None,
        "end_task_pathspec": lambda r: r.end_task.pathspec if r.end_task is not None else None,
        "code": lambda r: r.code,
    },
    "Step": {
        "parent": lambda s: s.parent.id,
        "tasks": _task_ids,
        "created_at": lambda s: _time(s.created_at),
        "finished_at": lambda s: _time(s.finished_at),
        "doc": lambda s: s.doc,
        "a_task": lambda s: s.task.id if s.task is not None else None,
        "a_task_pathspec": lambda s: s.task.pathspec if s.task is not None else None,
    },
    "Task": {
        "parent": lambda t: t.parent.id,
        "status": lambda t: t.status,
        "successful": lambda t: t.successful,
        "finished": lambda t: t.finished,
        "created_at": lambda t: _time(t.created_at),
        "finished_at": lambda t: _time(t.finished_at),
        "artifacts": lambda t: sorted(a.id for a in t.artifacts),
        "stdout": lambda t: t.stdout,
        "stderr": lambda t: t.stderr,
        "exception": _exception,
        "index": _index,
        "current_attempt": lambda t: t.current_attempt,
        "origin_pathspec": lambda t: t.origin_pathspec,
        "code": lambda t: t.code,
        "metadata_dict": _task_metadata,
        "runtime_name": _runtime_name,
    },
}


def field_names(kind: str) -> List[str]:
    """The fields R shows for a class (``Flow``, ``Run``, ``Step``, ``Task``)."""
    return sorted(set(_COMMON) | set(FIELDS[kind]))


def field(obj: Any, name: str) -> Any:
    """One fact of a client object, as plain data."""
    getters = FIELDS[type(obj).__name__]
    getter = getters.get(name) or _COMMON.get(name)
    if getter is None:
        raise UsageError("%s has no field '%s'" % (type(obj).__name__, name),
                         ["Its fields: %s." % ", ".join(field_names(type(obj).__name__))])
    return getter(obj)


# -- artifacts --------------------------------------------------------------------------------

def artifact(obj: Any, name: str) -> Dict[str, Any]:
    """The wire of an artifact: a task's, or a run's end task's (``run$artifact("x")``)."""
    from .artifact_reads import client_artifact

    return client_artifact(obj.data, name)


def has_artifact(obj: Any, name: str) -> bool:
    return name in obj.data


def _artifacts_columns(task: Optional[Task]) -> Dict[str, List[Any]]:
    columns: Dict[str, List[Any]] = {"name": [], "type": [], "encoding": [], "size": [],
                                     "r_class": []}
    if task is None:
        return columns
    for a in task.artifacts:
        columns["name"].append(a.id)
        columns["type"].append(a.type or "")
        columns["encoding"].append(a.encoding or "")
        columns["size"].append(float(a.size))
        r_class = a.r_class
        columns["r_class"].append(" ".join(r_class) if isinstance(r_class, list) else (r_class or ""))
    return columns


def artifacts_table(obj: Any) -> Dict[str, List[Any]]:
    """Name, stored type, encoding and size of a task's artifacts (a run: its end task's)."""
    return _artifacts_columns(obj.end_task if isinstance(obj, Run) else obj)


# -- tables for as.data.frame() and summary() -------------------------------------------------

def runs_table(flow: Flow) -> Dict[str, List[Any]]:
    """One row per run of the flow in the namespace, newest first."""
    columns: Dict[str, List[Any]] = {k: [] for k in (
        "id", "status", "successful", "created_at", "finished_at", "tags", "origin_run_id")}
    for run in flow.runs():
        columns["id"].append(run.id)
        columns["status"].append(run.status)
        columns["successful"].append(run.successful)
        columns["created_at"].append(_time(run.created_at))
        columns["finished_at"].append(_time(run.finished_at))
        columns["tags"].append(", ".join(sorted(run.user_tags)))
        columns["origin_run_id"].append(run.origin_run_id or "")
    return columns


def tasks_table(step: Step) -> Dict[str, List[Any]]:
    """One row per task of the step, in launch order."""
    columns: Dict[str, List[Any]] = {k: [] for k in (
        "id", "status", "successful", "attempt", "index", "created_at", "finished_at", "pathspec")}
    for task_id in step._task_ids():
        task = step[task_id]
        index = _index(task)
        columns["id"].append(task.id)
        columns["status"].append(task.status)
        columns["successful"].append(task.successful)
        columns["attempt"].append(task.current_attempt)
        columns["index"].append(NAN if index is None else float(index))
        columns["created_at"].append(_time(task.created_at))
        columns["finished_at"].append(_time(task.finished_at))
        columns["pathspec"].append(task.pathspec)
    return columns


def steps_table(run: Run) -> Dict[str, List[Any]]:
    """One row per step of the run, in execution order: task counts by outcome."""
    columns: Dict[str, List[Any]] = {k: [] for k in (
        "step", "tasks", "succeeded", "failed", "running", "finished_at")}
    for name in run._step_names():
        step = run[name]
        statuses = [t.status for t in step.tasks()]
        columns["step"].append(name)
        columns["tasks"].append(len(statuses))
        columns["succeeded"].append(sum(s in ("succeeded", "caught") for s in statuses))
        columns["failed"].append(statuses.count("failed"))
        columns["running"].append(statuses.count("running"))
        columns["finished_at"].append(_time(step.finished_at))
    return columns


# -- the datastore and namespaces -------------------------------------------------------------

def flow_names() -> List[str]:
    return [f.id for f in _list_flows()]


def set_namespace(ns: Optional[str]) -> Optional[str]:
    return _namespace(ns)


def get_namespace() -> Optional[str]:
    return _get_namespace()


def default_namespace() -> str:
    return _state.default_namespace()


def set_metadata(ms: Optional[str]) -> str:
    """Metaflow R's ``set_metadata()``: what :func:`duoflow.client.metadata` takes, and also
    ``"local"`` alone (the local datastore the client would find: ``DUOFLOW_DATASTORE_ROOT`` when
    it is a local path, else the nearest ``.duoflow/`` at or above the working directory)."""
    if isinstance(ms, str) and ms.strip() in ("local", "local@"):
        ms = "local@%s" % _local_root()
    return _state.metadata(ms)


def _local_root() -> str:
    import os

    from ..config import DATASTORE_DIRNAME, datastore_root_from_env
    from ..datastore.root import find_upward

    chosen = datastore_root_from_env()
    if chosen and "://" not in chosen:
        return chosen
    found = find_upward(os.getcwd())
    if found is None:
        raise NotFoundError("There is no local datastore to read",
                            ["No %s/ directory in %s or above it%s." % (
                                DATASTORE_DIRNAME, os.getcwd(),
                                "; DUOFLOW_DATASTORE_ROOT is %s" % chosen if chosen else "")],
                            "Give its path: set_metadata(\"local@/path/to/datastore\").")
    return found


def get_metadata() -> str:
    return _state.get_metadata()


def default_metadata() -> str:
    return _state.default_metadata()


def datastore() -> str:
    """Where the client reads (``local@<root>``)."""
    return _state.get_metadata()

