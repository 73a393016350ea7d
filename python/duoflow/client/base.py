"""What every client object shares: pathspecs, identity, timestamps, tags and namespace checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, FrozenSet, List, Optional, Sequence

from ..exceptions import NotFoundError, UsageError

_EXAMPLES = {
    "flow": "MyFlow",
    "run": "MyFlow/1700000000000000",
    "step": "MyFlow/1700000000000000/start",
    "task": "MyFlow/1700000000000000/start/1",
    "artifact": "MyFlow/1700000000000000/start/1/name",
}
_FIELDS = ["<flow>", "<run_id>", "<step>", "<task_id>", "<artifact>"]


class NamespaceMismatchError(NotFoundError):
    """The object exists, but not in the namespace in use (``namespace(None)`` shows it)."""

    code = "namespace_mismatch"


def split_pathspec(pathspec: Any, kind: str, parts: int) -> List[str]:
    """``"F/1/start"`` -> ``["F", "1", "start"]``; a clear error when it has the wrong shape."""
    if isinstance(pathspec, str):
        pieces = pathspec.strip().strip("/").split("/")
        if len(pieces) == parts and all(p and p not in (".", "..") for p in pieces):
            return pieces
    raise UsageError(
        "%r is not a %s pathspec" % (pathspec, kind),
        ["A %s pathspec is %s." % (kind, "/".join(_FIELDS[:parts]))],
        "For example %s('%s')." % (kind.capitalize() if kind != "artifact" else "DataArtifact",
                                    _EXAMPLES[kind]))


def to_datetime(timestamp: Optional[float]):
    """A UNIX time as a timezone-aware UTC ``datetime`` (None stays None)."""
    if timestamp is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)


def tag_args(tags: Sequence[Any], tag: Any = None) -> List[str]:
    """Tags given as ``runs("a", "b")``, ``runs(["a", "b"])`` or ``runs(tag="a")`` / ``tag=[...]``."""
    result: List[str] = []
    for item in list(tags) + ([tag] if tag is not None else []):
        if isinstance(item, str):
            result.append(item)
        elif isinstance(item, Iterable):
            result.extend(str(t) for t in item)
        else:
            raise UsageError("A tag is a string; got %r" % (item,))
    return result


def summarize(ids: Iterable[str], limit: int = 12) -> str:
    """``'1, 2, 3'`` or ``'1, 2, ... 99 (99 in all)'`` for messages."""
    ids = list(ids)
    if len(ids) <= limit:
        return ", ".join(ids) or "none"
    return "%s, ... %s (%d in all)" % (", ".join(ids[:6]), ", ".join(ids[-3:]), len(ids))


class ClientObject:
    """Base of Flow, Run, Step, Task and DataArtifact: a pathspec in one datastore."""

    pathspec: str

    @property
    def id(self) -> str:
        """The last part of the pathspec (flow name, run id, step name, task id, artifact name)."""
        return self.pathspec.rsplit("/", 1)[-1]

    def _identity(self):
        return (type(self).__name__, self._root(), self.pathspec)

    def _root(self) -> str:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.pathspec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClientObject) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    # -- tags and namespaces (a run's; its steps, tasks and artifacts share them) ------------------
    def _run_object(self):
        raise NotImplementedError  # pragma: no cover

    @property
    def tags(self) -> FrozenSet[str]:
        """User and system tags of the run this object belongs to."""
        return self._run_object().tags

    @property
    def user_tags(self) -> FrozenSet[str]:
        return self._run_object().user_tags

    @property
    def system_tags(self) -> FrozenSet[str]:
        return self._run_object().system_tags

    def is_in_namespace(self) -> bool:
        """Whether the run this object belongs to is in the namespace it was created in."""
        run = self._run_object()
        return run._namespace is None or run._namespace in run.tags


def check_namespace(obj: ClientObject) -> None:
    """Raise :class:`NamespaceMismatchError` when ``obj``'s run is outside its namespace."""
    if obj.is_in_namespace():
        return
    run = obj._run_object()
    users = sorted(t for t in run.system_tags if t.startswith("user:"))
    what = "Run %s" % run.pathspec if obj is run else "%s %s (of run %s)" % (
        type(obj).__name__, obj.pathspec, run.id)
    alternative = ", or namespace('%s') for that user's runs" % users[0] if users else ""
    raise NamespaceMismatchError(
        "%s is not in the current namespace '%s'" % (what, run._namespace),
        ["Its tags: %s." % (", ".join(sorted(run.tags)) or "none")],
        "Call namespace(None) to see the runs of every user%s." % alternative)
