"""What the client's handles know about themselves, apart from navigation: a run's status,
times, tags, parameters and code; a task's status, attempts, place in the graph, artifacts, logs
and error; an artifact's stored form.

Each class here is a mixin of one handle in :mod:`.objects` and reads only what the handle holds
(its reader, its record, its id), never another handle's class, so :mod:`.objects` stands above
this module and nothing here imports it back.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, List, Optional

from ..datastore.records import ArtifactEntry, RunRecord
from ..datastore.task_reader import TaskReader, foreach_item
from .base import tag_args, to_datetime
from .code import RunCode
from .views import ForeachFrame, NoRunData, TaskArtifacts, TaskData, TaskException


class RunFacts:
    """Run's status, times, tags and records; the Run holds ``_reader``, ``_info``, ``_run_id``."""

    _info: RunRecord

    # -- status and times (re-read while the run is still going) -----------------------------------
    def _current_info(self) -> RunRecord:
        self._info = self._reader.fresh(self._run_id, self._info)
        return self._info

    @property
    def status(self) -> str:
        """``running``, ``succeeded``, ``failed``, ``interrupted`` or ``crashed``."""
        return self._reader.status(self._current_info())

    @property
    def successful(self) -> bool:
        return self.status == "succeeded"

    @property
    def finished(self) -> bool:
        """True once the run stopped, whatever the outcome (``.successful`` tells which)."""
        return self._reader.is_finished(self.status)

    @property
    def created_at(self):
        return to_datetime(self._info.created_at)

    @property
    def finished_at(self):
        """When the run ended (UTC), or None while it runs (and for a crashed run)."""
        return to_datetime(self._current_info().finished_at)

    # -- tags --------------------------------------------------------------------------------------
    @property
    def user_tags(self) -> FrozenSet[str]:
        if self._user_tags is None:
            self._user_tags = self._reader.user_tags(self._run_id, self._info)
        return frozenset(self._user_tags)

    @property
    def system_tags(self) -> FrozenSet[str]:
        return frozenset(self._info.system_tags)

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

        self._user_tags = edit_run_tags(self._reader.flow_store, self._run_id, add=add, remove=remove)

    # -- what the run recorded ---------------------------------------------------------------------
    @property
    def parameters(self) -> Dict[str, Any]:
        """``{name: value}`` with the exact values the run used (loaded once)."""
        if self._parameters is None:
            from ..datastore.artifacts import load_value

            configs = self._info.configs or {}  # stored like parameters, shown by .configs
            values = {k: v for k, v in self._info.parameters.items() if k not in configs}
            for name, entry in self._info.parameter_artifacts.items():
                if name in configs:
                    continue
                values[name] = load_value(self._reader.flow_store.blobs, name, entry,
                                          "the parameters of run %s" % self.pathspec)
            self._parameters = values
        return dict(self._parameters)

    @property
    def configs(self) -> Dict[str, Any]:
        """``{attribute: value}`` of the flow's ``Config`` objects as the run read them."""
        return dict(self._info.configs or {})

    @property
    def flow_decorators(self) -> List[Dict[str, Any]]:
        """The flow's class decorators (``@project``, ``@schedule``, ``@trigger``, ...) as
        recorded when the run started: ``[{"name": ..., "attributes": {...}}]``."""
        return [dict(d) for d in self._info.flow_decorators]

    @property
    def project(self) -> Optional[Dict[str, Any]]:
        """What ``@project`` made of the run (``project_name``, ``branch_name``,
        ``is_production``, ``project_flow_name``, ...), or None without it."""
        return dict(self._info.project) if self._info.project else None

    @property
    def code(self) -> Optional[RunCode]:
        """The source snapshot the run used, or None when it recorded none."""
        if self._code is None and self._info.code:
            self._code = RunCode(self._reader.flow_store, self._info.code, self.pathspec)
        return self._code

    @property
    def origin_run_id(self) -> Optional[str]:
        """For a resumed run, the id of the run it resumed."""
        return self._info.origin_run_id or None

    @property
    def origin_pathspec(self) -> Optional[str]:
        origin = self.origin_run_id
        return "%s/%s" % (self._flow.id, origin) if origin else None

    @property
    def end_task(self) -> Optional[Any]:
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


class TaskFacts:
    """Task's status, attempts, place in the graph, artifacts, logs and error; the Task holds
    ``_reader`` (its :class:`TaskReader`), ``_run`` and ``_step``."""

    _reader: TaskReader

    # -- state -------------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """True once the task finished (its DONE marker exists); a failed task never finishes."""
        return self._reader.finished

    @property
    def successful(self) -> bool:
        """True when it finished, including a failure caught by @catch (``status`` tells which)."""
        return self.finished and self._reader.info.status in ("succeeded", "caught")

    @property
    def status(self) -> str:
        """``succeeded``, ``caught``, ``running`` or ``failed``."""
        if self.finished:
            return self._reader.info.status
        return self._reader.status(run_running=self._run.status == "running")

    @property
    def current_attempt(self) -> int:
        """The attempt that finished the task, else the latest one that started (0-based)."""
        return self._reader.latest_attempt_started()

    @property
    def created_at(self):
        """When the attempt that finished the task started (UTC); for an unfinished task, when its
        latest attempt started."""
        return to_datetime(self._reader.info.started_at)

    @property
    def finished_at(self):
        """When it finished (UTC); for a failed task, when its last attempt failed."""
        if self.finished:
            return to_datetime(self._reader.info.finished_at)
        error = self._reader.last_error()
        return to_datetime(error[1].time) if error else None

    @property
    def origin_pathspec(self) -> Optional[str]:
        """For a task cloned by resume, the pathspec of the task it was cloned from."""
        return self._reader.info.origin or None

    # -- place in the graph ------------------------------------------------------------------------
    @property
    def foreach_stack(self) -> List[ForeachFrame]:
        """Outermost first: one :class:`ForeachFrame` per enclosing foreach ([] outside foreach)."""
        return [ForeachFrame(self, frame) for frame in self._reader.info.foreach_stack]

    @property
    def index(self) -> Optional[int]:
        """The index in the innermost enclosing foreach, or None."""
        return self._reader.info.foreach_index

    def _foreach_value(self, frame) -> Any:
        var = self._run._graph_node(frame.step).get("foreach")
        return foreach_item(self._run._reader.flow_store, self._run._run_id, frame, var,
                            self._run._foreach_values)

    def _task_at(self, path: str) -> Any:
        step, task_id = path.split("/")
        return self._run[step][task_id]

    @property
    def parent_tasks(self) -> List[Any]:
        """The tasks whose output this task read ([] for start)."""
        return [self._task_at(p) for p in self._reader.info.parents]

    @property
    def child_tasks(self) -> List[Any]:
        """Tasks of the next steps that read this task's output (running and failed ones too)."""
        me = "%s/%s" % (self._step._name, self._task_id)
        children = []
        for step in self._step.child_steps:
            children += [t for t in reversed(step.tasks()) if me in t._reader.info.parents]
        return children

    # -- artifacts ---------------------------------------------------------------------------------
    @property
    def _artifacts_reader(self) -> TaskReader:
        return self._reader

    def _artifact_index(self) -> Dict[str, ArtifactEntry]:
        return self._reader.index

    @property
    def data(self) -> TaskData:
        """The task's artifact values: ``task.data.name`` (each loaded once, when first read)."""
        return TaskData(self)

    @property
    def artifacts(self) -> TaskArtifacts:
        """The task's artifacts as :class:`DataArtifact` objects (iterable; ``artifacts.name``)."""
        return TaskArtifacts(self)

    def __contains__(self, name: object) -> bool:
        return name in self._artifact_index()

    @property
    def code(self):
        return self._run.code

    # -- logs and errors (a clone's are those of the task that really ran) -------------------------
    @property
    def stdout(self) -> str:
        """What the task printed on standard output (its latest attempt)."""
        return self._reader.log("stdout").decode("utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        """What the task printed on standard error (its latest attempt)."""
        return self._reader.log("stderr").decode("utf-8", errors="replace")

    @property
    def exception(self) -> Optional[TaskException]:
        """The error that ended the task: of its last failed attempt when it failed or @catch caught
        it; None when it succeeded (even after retries) or is still running."""
        if self.status not in ("failed", "caught"):
            return None
        found = self._reader.origin().last_error()
        return TaskException(self.pathspec, found[0], found[1]) if found else None


class ArtifactFacts:
    """DataArtifact's value and stored form; the DataArtifact holds ``_task``, ``_name`` and
    ``_entry`` (its :class:`ArtifactEntry`)."""

    _entry: ArtifactEntry

    @property
    def data(self) -> Any:
        """The value (decoded on first use, then kept)."""
        return self._task._reader.load(self._name)

    @property
    def sha(self) -> Optional[str]:
        """The stored blob's content address: its BLAKE3 digest (SHA-256 when the entry names no
        ``hash``: written by an earlier duoflow). For a small value kept inline in the index (no
        blob), the SHA-256 of its encoding and stored JSON form. Equal values stored the same way
        have equal shas."""
        entry = self._entry
        if not entry.is_inline:
            return entry.sha
        import hashlib
        import json

        form = json.dumps([entry.encoding, entry.inline], separators=(",", ":"), default=str)
        return hashlib.sha256(form.encode("utf-8")).hexdigest()

    @property
    def inline(self) -> bool:
        """True for a small value kept in the task's artifact index rather than in a blob."""
        return self._entry.is_inline

    @property
    def size(self) -> int:
        """Bytes stored: the blob's, or for an inline value what the index records for it."""
        return int(self._entry.size or 0)

    @property
    def type(self) -> Optional[str]:
        """The Python type name of the value, as stored."""
        return self._entry.type

    @property
    def encoding(self) -> Optional[str]:
        return self._entry.encoding

    @property
    def r_class(self) -> Optional[Any]:
        return self._entry.r_class

    @property
    def created_at(self):
        return self._task.finished_at

    finished_at = created_at
