"""Read one task: its record, its artifacts (each loaded lazily and at most once), its attempts'
errors and logs. The runtime (a join reading its inputs), the client and the command line all
read tasks through this class, so they agree on every fact.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .artifacts import load_value, missing_artifact
from ..exceptions import UsageError
from ..graph.names import is_valid_name
from .ids import check_id, check_step_name
from .records import ArtifactEntry, AttemptError, FrameRecord, TaskRecord, damaged

# A clone of a clone of ...: resume after resume. Follow at most this many hops to the task that
# really ran (a cycle can only come from a hand-edited store).
MAX_ORIGIN_HOPS = 1000


class TaskReader:
    """One task of a run: ``task.json`` as a :class:`TaskRecord`, its artifacts, errors and logs.

    A finished task's record is read once; an unfinished one's (running, or failed) is read
    afresh each time, since its runtime may be writing it.
    """

    def __init__(self, flow_store, run_id: str, step: str, task_id: str,
                 info: Optional[TaskRecord] = None, finished: bool = False):
        """``finished``: the caller knows the task finished (a task's parents do), which spares
        a look for its DONE marker."""
        self.flow_store = flow_store
        self.store = flow_store.task(run_id, step, task_id)
        self._info = info
        self._done = finished
        self._index: Optional[Dict[str, ArtifactEntry]] = None
        self._values: Dict[str, Any] = {}

    @property
    def pathspec(self) -> str:
        return self.store.pathspec

    @property
    def run_id(self) -> str:
        return self.store.run_id

    @property
    def step(self) -> str:
        return self.store.step

    @property
    def task_id(self) -> str:
        return self.store.task_id

    # -- the record ---------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once DONE exists (a finished task never un-finishes, so this is cached)."""
        if not self._done:
            self._done = self.store.is_done()
        return self._done

    @property
    def info(self) -> TaskRecord:
        """The task's record (an empty one when the task has recorded nothing yet)."""
        if self._info is not None:
            return self._info
        finished = self.finished  # first: task.json is final before DONE appears
        record = self.store.read_info() or TaskRecord(step=self.step, task_id=self.task_id)
        if finished:
            self._info = record
        return record

    @property
    def foreach_stack(self) -> Tuple[FrameRecord, ...]:
        return self.info.foreach_stack

    def status(self, run_running: bool) -> str:
        """``succeeded``, ``caught``, ``running`` or ``failed`` (``run_running``: whether the run
        that owns the task is still going, which decides between the last two)."""
        if self.finished:
            return self.info.status
        attempts = self.attempts()
        if attempts and self.store.read_error(attempts[-1]) is not None:
            return "failed"
        return "running" if run_running else "failed"

    # -- attempts, errors and logs -----------------------------------------------------------------
    def attempts(self) -> List[int]:
        """Attempt numbers that left a trace (logs, errors), in order."""
        return self.store.attempts()

    def latest_attempt_started(self) -> int:
        """The attempt that finished the task, else the latest that started (0-based)."""
        record = self.info if self.finished else self.store.read_info()
        if record is not None:
            return record.attempt
        attempts = self.attempts()
        return attempts[-1] if attempts else 0

    def last_error(self) -> Optional[Tuple[int, AttemptError]]:
        """``(attempt, error)`` of the latest attempt that recorded an error, or None."""
        for attempt in reversed(self.attempts()):
            error = self.store.read_error(attempt)
            if error is not None:
                return attempt, error
        return None

    def origin(self) -> "TaskReader":
        """The task that really ran for this one: itself, or (for a clone made by resume, and a
        clone of that clone, ...) the task at the end of the chain of origins."""
        reader: TaskReader = self
        for _ in range(MAX_ORIGIN_HOPS):
            origin = reader.info.origin
            if not origin:
                return reader
            flow, run_id, step, task_id = _origin_parts(reader, origin)
            flow_store = reader.flow_store
            if flow != flow_store.flow:
                flow_store = type(flow_store)(flow_store.storage, flow)
            reader = TaskReader(flow_store, run_id, step, task_id)
        raise damaged(self.flow_store.where(self.store.key + "/task.json"),
                      "Its chain of origins is longer than %d tasks: the records point at each "
                      "other in a loop." % MAX_ORIGIN_HOPS)

    def log(self, stream: str, attempt: Optional[int] = None) -> bytes:
        """One stream (``stdout``/``stderr``) of an attempt (default: the one that counts) of the
        task that really ran (see :meth:`origin`); empty when it printed nothing."""
        source = self.origin()
        chosen = source.latest_attempt_started() if attempt is None else attempt
        return source.store.read_log(chosen, stream)

    # -- artifacts -------------------------------------------------------------------------------
    @property
    def index(self) -> Dict[str, ArtifactEntry]:
        """``{name: entry}`` of the task's artifacts ({} until the task finished)."""
        if self._index is None:
            if not self.finished:
                return {}
            self._index = self.store.read_artifacts()
        return self._index

    def names(self) -> List[str]:
        return list(self.index)

    def has(self, name: str) -> bool:
        return name in self.index

    def entry(self, name: str) -> ArtifactEntry:
        try:
            return self.index[name]
        except KeyError:
            raise missing_artifact(name, "Task %s" % self.pathspec, self.index) from None

    def prefetch(self, names: Optional[List[str]] = None) -> None:
        """Fetch the blobs of these artifacts (default: all) in one parallel batch (S3)."""
        index = self.index
        entries = [index[n] for n in (names if names is not None else list(index)) if n in index]
        self.flow_store.blobs.prefetch([e.sha for e in entries if not e.is_inline])

    def load(self, name: str) -> Any:
        """The artifact's value (decoded once per reader)."""
        if name not in self._values:
            self._values[name] = load_value(self.flow_store.blobs, name, self.entry(name), self.pathspec)
        return self._values[name]


def _origin_parts(reader: TaskReader, origin: str):
    """``(flow, run_id, step, task_id)`` of a clone's ``origin``, each checked like a pathspec's
    (an origin of ``F/../start/1`` would read outside the runs); a bad one is a damaged record."""
    parts = origin.split("/")
    try:
        if len(parts) != 4 or not is_valid_name(parts[0]):
            raise ValueError("not Flow/run/step/task")
        check_id("run", parts[1]), check_step_name(parts[2]), check_id("task", parts[3])
    except (ValueError, UsageError) as exc:
        where = reader.flow_store.where(reader.store.key + "/task.json")
        raise damaged(where, "Its origin %r is not a task pathspec (%s)." % (origin, str(exc).splitlines()[0])) from None
    return parts


def foreach_item(flow_store, run_id: str, frame: FrameRecord, foreach_var: str,
                 cache: Optional[Dict[str, Any]] = None, sequence=lambda values: values) -> Any:
    """The item a foreach frame points at: ``split_task.<foreach_var>[index]`` (``sequence``
    turns the artifact into what is split, as the flow class defines it)."""
    step, task_id = frame.task.split("/")
    key = frame.task
    if cache is not None and key in cache:
        values = cache[key]
    else:
        values = sequence(TaskReader(flow_store, run_id, step, task_id).load(foreach_var))
        if cache is not None:
            cache[key] = values
    return item_at(values, frame.index)


def item_at(values: Any, index: int) -> Any:
    """``values[index]`` by position (pandas objects are indexed by label otherwise)."""
    if hasattr(values, "iloc"):
        return values.iloc[index]
    return values[index]
