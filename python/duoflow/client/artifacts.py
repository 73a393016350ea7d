"""Artifacts through the client: ``task.data.x``, ``task["x"]`` (a DataArtifact), ``task.artifacts``.

Listing artifacts reads the task's index (``artifacts.json``) only; a value is decoded the first
time it is asked for, then kept by the task's reader, so ``task.data.x`` and ``task["x"].data``
load it once between them. Values go through :func:`duoflow.datastore.artifacts.load_value`, which
knows every encoding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from ..datastore.artifacts import missing_artifact
from ..exceptions import ArtifactNotFoundError
from .base import ClientObject, check_namespace, split_pathspec

if TYPE_CHECKING:  # pragma: no cover
    from .objects import Run
    from .task import Task


class ArtifactKeyError(ArtifactNotFoundError, KeyError):
    """A missing artifact asked for as ``task["name"]``: both a KeyError and an AttributeError."""


def missing_artifact_error(task: "Task", name: str, key_error: bool = False) -> ArtifactNotFoundError:
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

    def __init__(self, task: "Task"):
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

    def __init__(self, run: "Run"):
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

    def __init__(self, task: "Task"):
        self._task = task

    def _get(self, name: str, key_error: bool) -> "DataArtifact":
        entry = self._task._artifact_index().get(name)
        if entry is None:
            raise missing_artifact_error(self._task, name, key_error=key_error)
        return DataArtifact._make(self._task, name, entry)

    def __getattr__(self, name: str) -> "DataArtifact":
        if name.startswith("__") or name == "_task" or (
                name.startswith("_") and name not in self._task._artifact_index()):
            raise AttributeError(name)
        return self._get(name, key_error=False)

    def __getitem__(self, name: str) -> "DataArtifact":
        return self._get(name, key_error=True)

    def __iter__(self) -> Iterator["DataArtifact"]:
        index = self._task._artifact_index()
        return iter([DataArtifact._make(self._task, n, index[n]) for n in sorted(index)])

    def __len__(self) -> int:
        return len(self._task._artifact_index())

    def __contains__(self, name: object) -> bool:
        return name in self._task._artifact_index()

    def __dir__(self) -> List[str]:
        return sorted(self._task._artifact_index())

    def __repr__(self) -> str:
        return "<artifacts of %s: %s>" % (self._task.pathspec,
                                          ", ".join(sorted(self._task._artifact_index())) or "none")


class DataArtifact(ClientObject):
    """One artifact of a task: ``DataArtifact("Flow/run/step/task/name")`` or ``task["name"]``.

    A small value may be kept inline in the task's artifact index (``inline`` is True): it has
    no blob, and ``sha`` then hashes its stored form.
    """

    def __init__(self, pathspec: str, _namespace_check: bool = True):
        from .task import Task

        flow, run_id, step, task_id, name = split_pathspec(pathspec, "artifact", 5)
        task = Task("%s/%s/%s/%s" % (flow, run_id, step, task_id), _namespace_check=False)
        other = task[name]
        self._setup(task, name, other._entry)
        if _namespace_check:
            check_namespace(self)

    @classmethod
    def _make(cls, task: "Task", name: str, entry: Dict[str, Any]) -> "DataArtifact":
        artifact = cls.__new__(cls)
        artifact._setup(task, name, entry)
        return artifact

    def _setup(self, task: "Task", name: str, entry: Dict[str, Any]) -> None:
        self._task, self._name, self._entry = task, name, entry
        self.pathspec = "%s/%s" % (task.pathspec, name)

    def _root(self) -> str:
        return self._task._root()

    def _run_object(self) -> "Run":
        return self._task._run

    @property
    def parent(self) -> "Task":
        return self._task

    @property
    def data(self) -> Any:
        """The value (decoded on first use, then kept)."""
        return self._task._artifacts_reader.load(self._name)

    @property
    def sha(self) -> Optional[str]:
        """The stored blob's content address: its BLAKE3 digest (SHA-256 when the entry names no
        ``hash``: written by an earlier duoflow). For a small value kept inline in the index (no
        blob), the SHA-256 of its encoding and stored JSON form. Equal values stored the same way
        have equal shas."""
        sha = self._entry.get("sha")
        if sha is None and "inline" in self._entry:
            import hashlib
            import json

            form = json.dumps([self._entry.get("encoding"), self._entry["inline"]],
                              separators=(",", ":"), default=str)
            sha = hashlib.sha256(form.encode("utf-8")).hexdigest()
        return sha

    @property
    def inline(self) -> bool:
        """True for a small value kept in the task's artifact index rather than in a blob."""
        return "inline" in self._entry

    @property
    def size(self) -> int:
        """Bytes stored: the blob's, or for an inline value what the index records for it."""
        return int(self._entry.get("size") or 0)

    @property
    def type(self) -> Optional[str]:
        """The Python type name of the value, as stored."""
        return self._entry.get("type")

    @property
    def encoding(self) -> Optional[str]:
        return self._entry.get("encoding")

    @property
    def r_class(self) -> Optional[Any]:
        return self._entry.get("r_class")

    @property
    def created_at(self):
        return self._task.finished_at

    finished_at = created_at
