"""What the client's handles hand out besides other handles: ``task.data``, ``task.artifacts``,
``run.data`` of an unfinished run, foreach frames, a task's error, and the errors for an artifact
that is not there.

These views know a task or run only through the handle they are given (``_artifact_index()``,
``_artifacts_reader``, ``task[name]``, ...), never through its class, so the client's modules
form a chain: :mod:`.objects` (the handles) uses this module, never the other way round.
"""

from __future__ import annotations

from typing import Any, Iterator, List

from ..datastore.artifacts import missing_artifact
from ..datastore.records import AttemptError, FrameRecord
from ..exceptions import ArtifactNotFoundError


class ArtifactKeyError(ArtifactNotFoundError, KeyError):
    """A missing artifact asked for as ``task["name"]``: both a KeyError and an AttributeError."""


def missing_artifact_error(task: Any, name: str, key_error: bool = False) -> ArtifactNotFoundError:
    """The error for an artifact ``task`` lacks: names the task, what it has and a did-you-mean."""
    if not task.finished:
        error = task.exception
        why = ("its last attempt failed with %s: %s" % (error.type, _first_line(error.message))
               if error is not None else "it is %s" % task.status)
        cls = ArtifactKeyError if key_error else ArtifactNotFoundError
        return cls("Task %s has no artifact '%s'" % (task.pathspec, name),
                   ["The task did not finish (%s), so it stored no artifacts." % why],
                   "See task.stdout, task.stderr and task.exception; a resume re-runs it.")
    error = missing_artifact(name, "Task %s" % task.pathspec, task._artifact_index())
    if key_error:
        error = ArtifactKeyError(error.headline, error.details, error.hint)
    return error


def _first_line(text: str) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


class TaskData:
    """``task.data``: attribute access to a task's artifact values."""

    __slots__ = ("_task",)

    def __init__(self, task: Any):
        self._task = task

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_task":
            raise AttributeError(name)
        task = self._task
        if name.startswith("_") and name not in task._artifact_index():
            raise AttributeError(name)  # IPython probes (_repr_html_, ...) stay plain and cheap
        if name not in task._artifact_index():
            raise missing_artifact_error(task, name)
        return task._artifacts_reader.load(name)

    def __getitem__(self, name: str) -> Any:  # task.data["name"], handy from R
        if name not in self._task._artifact_index():
            raise missing_artifact_error(self._task, name, key_error=True)
        return self._task._artifacts_reader.load(name)

    def __contains__(self, name: object) -> bool:
        return name in self._task._artifact_index()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._task._artifact_index()))

    def __dir__(self) -> List[str]:
        return sorted(self._task._artifact_index())

    def __repr__(self) -> str:
        return "<data of %s: %s>" % (self._task.pathspec, ", ".join(self) or "no artifacts")


class NoRunData:
    """``run.data`` of a run without a finished end task: falsy, and every read says why."""

    __slots__ = ("_run",)

    def __init__(self, run: Any):
        self._run = run

    def __bool__(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise self._error(name)

    def __getitem__(self, name: str) -> Any:
        raise self._error(name)

    def __contains__(self, name: object) -> bool:
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def _error(self, name: str) -> ArtifactNotFoundError:
        run = self._run
        steps = run._step_names()
        return ArtifactKeyError(
            "Run %s has no artifact '%s': its end step did not finish" % (run.pathspec, name),
            ["run.data is the end task's data; the run is %s. Steps that started: %s."
             % (run.status, ", ".join(steps) or "none")],
            "Read a step's task instead, e.g. run['%s'].task.data.%s." % (steps[-1] if steps else "start",
                                                                         name))

    def __repr__(self) -> str:
        return "<no data: run %s has no finished end task (it is %s)>" % (self._run.pathspec,
                                                                         self._run.status)


class TaskArtifacts:
    """``task.artifacts``: the task's :class:`DataArtifact` objects, by name (no value loaded)."""

    __slots__ = ("_task",)

    def __init__(self, task: Any):
        self._task = task

    def _get(self, name: str, key_error: bool) -> Any:
        entry = self._task._artifact_index().get(name)
        if entry is None:
            raise missing_artifact_error(self._task, name, key_error=key_error)
        return self._task[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_task" or (
                name.startswith("_") and name not in self._task._artifact_index()):
            raise AttributeError(name)
        return self._get(name, key_error=False)

    def __getitem__(self, name: str) -> Any:
        return self._get(name, key_error=True)

    def __iter__(self) -> Iterator[Any]:
        task = self._task
        return iter([task[n] for n in sorted(task._artifact_index())])

    def __len__(self) -> int:
        return len(self._task._artifact_index())

    def __contains__(self, name: object) -> bool:
        return name in self._task._artifact_index()

    def __dir__(self) -> List[str]:
        return sorted(self._task._artifact_index())

    def __repr__(self) -> str:
        return "<artifacts of %s: %s>" % (self._task.pathspec,
                                          ", ".join(sorted(self._task._artifact_index())) or "none")


class TaskException(Exception):
    """The error a task's attempt raised, as stored: ``type``, ``message``, ``traceback``.

    ``exception`` and ``stacktrace`` are aliases kept for code written for Metaflow.
    """

    def __init__(self, pathspec: str, attempt: int, error: AttemptError):
        self.pathspec, self.attempt = pathspec, attempt
        self.type = error.type or "Exception"
        self.message = error.message or ""
        self.traceback = error.traceback or ""
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

    def __init__(self, task: Any, frame: FrameRecord):
        self._task, self._frame = task, frame
        self._value, self._loaded = None, False

    @property
    def step(self) -> str:
        """The step that split (its ``foreach`` produced this level)."""
        return self._frame.step

    @property
    def split_task(self) -> str:
        """``step/task_id`` of the task that split."""
        return self._frame.task

    @property
    def index(self) -> int:
        return self._frame.index

    @property
    def num_splits(self) -> int:
        return self._frame.num_splits

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
