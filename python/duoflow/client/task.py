"""Task: one execution of a step (its artifacts, logs, error and place in the graph).

A task directory with a DONE marker is a finished task (``succeeded``, or ``caught`` by @catch);
without it the task failed, or is still running. Facts come from ``task.json`` (written as each
attempt starts, replaced when the task finishes; read once for a finished task); artifacts load
one by one, on first use, through a shared
:class:`~duoflow.datastore.task_reader.TaskReader`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from ..datastore.task_reader import TaskReader, foreach_item
from ..datastore.task_store import TaskStore
from .artifacts import DataArtifact, TaskArtifacts, TaskData, missing_artifact_error
from .base import ClientObject, check_namespace, split_pathspec, to_datetime

if TYPE_CHECKING:  # pragma: no cover
    from .objects import Run, Step

_MAX_ORIGIN_HOPS = 100  # a clone of a clone of ...: follow at most this many


class TaskException(Exception):
    """The error a task's attempt raised, as stored: ``type``, ``message``, ``traceback``.

    ``exception`` and ``stacktrace`` are aliases kept for code written for Metaflow.
    """

    def __init__(self, pathspec: str, attempt: int, error: Dict[str, Any]):
        self.pathspec, self.attempt = pathspec, attempt
        self.type = error.get("type") or "Exception"
        self.message = error.get("message") or ""
        self.traceback = error.get("traceback") or ""
        super().__init__("%s: %s" % (self.type, self.message))

    @property
    def exception(self) -> str:
        return self.message

    @property
    def stacktrace(self) -> str:
        return self.traceback

    def __repr__(self) -> str:
        return "TaskException(%r, attempt=%d, %s: %s)" % (self.pathspec, self.attempt, self.type,
                                                          self.message)


class ForeachFrame:
    """One level of a task's foreach stack; unpacks like Metaflow's ``(index, num_splits, value)``.

    ``value`` (the item this task got, ``split_task.<foreach_var>[index]``) loads only when it is
    asked for: reading ``.index`` or ``.num_splits`` never touches an artifact.
    """

    __slots__ = ("_task", "_frame", "_value", "_loaded")

    def __init__(self, task: "Task", frame: Dict[str, Any]):
        self._task, self._frame = task, frame
        self._value, self._loaded = None, False

    @property
    def step(self) -> str:
        """The step that split (its ``foreach`` produced this level)."""
        return self._frame["step"]

    @property
    def split_task(self) -> str:
        """``step/task_id`` of the task that split."""
        return self._frame["task"]

    @property
    def index(self) -> int:
        return int(self._frame["index"])

    @property
    def num_splits(self) -> int:
        return int(self._frame["num_splits"])

    @property
    def value(self) -> Any:
        if not self._loaded:
            self._value, self._loaded = self._task._foreach_value(self._frame), True
        return self._value

    def _as_tuple(self):
        return (self.index, self.num_splits, self.value)

    def __iter__(self):
        return iter(self._as_tuple())

    def __len__(self) -> int:
        return 3

    def __getitem__(self, i):
        return self._as_tuple()[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ForeachFrame):
            other = other._as_tuple()
        return isinstance(other, tuple) and self._as_tuple() == other

    __hash__ = None  # type: ignore[assignment]  # equal to tuples, so not hashable

    def __repr__(self) -> str:
        value = repr(self._value) if self._loaded else "<not loaded>"
        return "ForeachFrame(step=%r, index=%d, num_splits=%d, value=%s)" % (
            self.step, self.index, self.num_splits, value)


class Task(ClientObject):
    """One task: ``Task("TrainFlow/1700000000000000/train/3")``; ``task.data.name`` is a value."""

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        from .objects import Step

        flow, run_id, step, task_id = split_pathspec(pathspec, "task", 4)
        other = Step("%s/%s/%s" % (flow, run_id, step), _namespace_check=False)[task_id]
        self._setup(other._step, task_id)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, step: "Step", task_id: str) -> "Task":
        task = cls.__new__(cls)
        task._setup(step, task_id)
        return task

    def _setup(self, step: "Step", task_id: str) -> None:
        run = step._run
        self._step, self._run, self._task_id = step, run, task_id
        self._store: TaskStore = run._flow_store.task(run._run_id, step._name, task_id)
        self.pathspec = self._store.pathspec
        self._info: Optional[Dict[str, Any]] = None
        self._done = False
        self._reader: Optional[TaskReader] = None

    def _root(self) -> str:
        return self._run._root()

    def _run_object(self) -> "Run":
        return self._run

    @property
    def parent(self) -> "Step":
        return self._step

    # -- state -------------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once the task finished (its DONE marker exists); a failed task never finishes."""
        if not self._done:
            self._done = self._store.is_done()
        return self._done

    @property
    def _task_info(self) -> Dict[str, Any]:
        """``task.json``: read once for a finished task; for an unfinished one (running, or
        failed) what its latest attempt recorded as it started, read afresh each time ({} when
        it recorded nothing)."""
        if self._info is None:
            if not self.finished:
                return self._store.read_info() or {}
            self._info = self._store.read_info() or {}
        return self._info

    @property
    def successful(self) -> bool:
        """True when it finished, including a failure caught by @catch (``status`` tells which)."""
        return self.finished and self._task_info.get("status", "succeeded") in ("succeeded", "caught")

    @property
    def status(self) -> str:
        """``succeeded``, ``caught``, ``running`` or ``failed``."""
        if self.finished:
            return self._task_info.get("status", "succeeded")
        attempts = self._store.attempts()
        if attempts and self._store.read_error(attempts[-1]) is not None:
            return "failed"
        return "running" if self._run.status == "running" else "failed"

    @property
    def current_attempt(self) -> int:
        """The attempt that finished the task, else the latest one that started (0-based)."""
        if "attempt" in self._task_info:  # the finished attempt, or the latest that started
            return int(self._task_info["attempt"])
        attempts = self._store.attempts()
        return attempts[-1] if attempts else 0

    @property
    def created_at(self):
        """When the attempt that finished the task started (UTC); for an unfinished task, when its
        latest attempt started."""
        return to_datetime(self._task_info.get("started_at"))

    @property
    def finished_at(self):
        """When it finished (UTC); for a failed task, when its last attempt failed."""
        if self.finished:
            return to_datetime(self._task_info.get("finished_at"))
        error = self._last_error(self._store)
        return to_datetime(error[1].get("time")) if error else None

    @property
    def origin_pathspec(self) -> Optional[str]:
        """For a task cloned by resume, the pathspec of the task it was cloned from."""
        return self._task_info.get("origin") or None

    # -- place in the graph ------------------------------------------------------------------------
    @property
    def foreach_stack(self) -> List[ForeachFrame]:
        """Outermost first: one :class:`ForeachFrame` per enclosing foreach ([] outside foreach)."""
        return [ForeachFrame(self, frame) for frame in self._task_info.get("foreach_stack") or []]

    @property
    def index(self) -> Optional[int]:
        """The index in the innermost enclosing foreach, or None."""
        stack = self._task_info.get("foreach_stack") or []
        return int(stack[-1]["index"]) if stack else None

    def _foreach_value(self, frame: Dict[str, Any]) -> Any:
        var = self._run._graph_node(frame["step"]).get("foreach")
        return foreach_item(self._run._flow_store, self._run._run_id, frame, var,
                            self._run._foreach_values)

    def _task_at(self, path: str) -> "Task":
        step, task_id = path.split("/")
        return self._run[step][task_id]

    @property
    def parent_tasks(self) -> List["Task"]:
        """The tasks whose output this task read ([] for start)."""
        return [self._task_at(p) for p in self._task_info.get("parents") or []]

    @property
    def child_tasks(self) -> List["Task"]:
        """Tasks of the next steps that read this task's output (running and failed ones too)."""
        me = "%s/%s" % (self._step._name, self._task_id)
        children = []
        for step in self._step.child_steps:
            children += [t for t in reversed(step.tasks()) if me in (t._task_info.get("parents") or [])]
        return children

    # -- artifacts ---------------------------------------------------------------------------------
    @property
    def _artifacts_reader(self) -> TaskReader:
        if self._reader is None:
            run = self._run
            self._reader = TaskReader(run._flow_store, run._run_id, self._step._name, self._task_id,
                                      info=self._task_info)
        return self._reader

    def _artifact_index(self) -> Dict[str, dict]:
        return self._artifacts_reader.index if self.finished else {}

    @property
    def data(self) -> TaskData:
        """The task's artifact values: ``task.data.name`` (each loaded once, when first read)."""
        return TaskData(self)

    @property
    def artifacts(self) -> TaskArtifacts:
        """The task's artifacts as :class:`DataArtifact` objects (iterable; ``artifacts.name``)."""
        return TaskArtifacts(self)

    def __getitem__(self, name: str) -> DataArtifact:
        entry = self._artifact_index().get(name)
        if entry is None:
            raise missing_artifact_error(self, name, key_error=True)
        return DataArtifact._make(self, name, entry)

    def __contains__(self, name: object) -> bool:
        return name in self._artifact_index()

    def __iter__(self) -> Iterator[DataArtifact]:
        return iter(self.artifacts)

    @property
    def code(self):
        return self._run.code

    # -- logs and errors ---------------------------------------------------------------------------
    def _log_source(self):
        """``(store, attempt)`` whose logs and error are this task's: a clone's are its origin's."""
        from ..datastore.flow_store import FlowStore

        store, info, attempt = self._store, self._task_info, self.current_attempt
        for _ in range(_MAX_ORIGIN_HOPS):
            origin = info.get("origin")
            if not origin:
                break
            flow, run_id, step, task_id = origin.split("/")
            flow_store = self._run._flow_store
            if flow != flow_store.flow:
                flow_store = FlowStore(flow_store.storage, flow)
            store = flow_store.task(run_id, step, task_id)
            info = store.read_info() or {}
            attempt = int(info.get("attempt", 0))
        return store, attempt

    def _log(self, stream: str) -> str:
        store, attempt = self._log_source()
        return store.read_log(attempt, stream).decode("utf-8", errors="replace")

    @property
    def stdout(self) -> str:
        """What the task printed on standard output (its latest attempt)."""
        return self._log("stdout")

    @property
    def stderr(self) -> str:
        """What the task printed on standard error (its latest attempt)."""
        return self._log("stderr")

    @staticmethod
    def _last_error(store: TaskStore):
        for attempt in reversed(store.attempts()):
            error = store.read_error(attempt)
            if error is not None:
                return attempt, error
        return None

    @property
    def exception(self) -> Optional[TaskException]:
        """The error that ended the task: of its last failed attempt when it failed or @catch caught
        it; None when it succeeded (even after retries) or is still running."""
        if self.status not in ("failed", "caught"):
            return None
        store, _ = self._log_source()
        found = self._last_error(store)
        return TaskException(self.pathspec, found[0], found[1]) if found else None
