"""One task's files: metadata, artifact index, per-attempt logs and errors, and the DONE marker."""

from __future__ import annotations

from typing import Dict, Iterable, Mapping, Optional

from ..exceptions import DatastoreError
from .records import (FORMAT, ArtifactEntry, AttemptError, TaskRecord, artifact_index_from_json,
                      artifact_index_to_json, parse_json)
from .storage.protocol import json_bytes


class TaskStore:
    """``runs/<run>/<step>/<task>/``: ``task.json`` from the start of an attempt (status
    "running"), the task's results for readers only once DONE is written."""

    def __init__(self, flow_store, run_id: str, step: str, task_id: str):
        self.flow_store = flow_store
        self.storage = flow_store.storage
        self.run_id, self.step, self.task_id = run_id, step, task_id
        self.key = "%s/%s/%s" % (flow_store.run_key(run_id), step, task_id)

    @property
    def pathspec(self) -> str:
        return "%s/%s/%s/%s" % (self.flow_store.flow, self.run_id, self.step, self.task_id)

    # -- running task ----------------------------------------------------------------------
    def start(self, info: TaskRecord) -> None:
        """Record an attempt that starts (``info`` with status "running"): the client can then
        show a running or failed task's place in the graph (parents, foreach index), not only a
        finished one's. Written atomically: readers may look at it at any time."""
        self.storage.make_dirs(self.key)
        self.storage.write_json(self.key + "/task.json", info.replace(format=FORMAT).to_json())

    # -- finished task ---------------------------------------------------------------------
    def is_done(self) -> bool:
        """DONE exists, and what it vouches for is whole (docs/durability.md).

        Local files are not synced to disk before DONE, so a power loss can leave DONE with
        files cut short: DONE records the sizes of task.json, artifacts.json and the blobs, and
        a task whose files do not match reads as not done (a resume runs it again). A DONE that
        records nothing (an earlier version's, or one itself cut short) is checked by reading:
        task.json must record a finished attempt and the artifact index must be readable."""
        holds = self.storage.marker_holds(self.key + "/DONE")
        return self._records_are_whole() if holds is None else holds

    def _records_are_whole(self) -> bool:
        key = self.key + "/artifacts.json"
        try:
            info = self.read_info()
            artifact_index_from_json(parse_json(self.storage.read(key), key), key)
        except (FileNotFoundError, DatastoreError):  # missing, or damaged (cut short)
            return False
        return info is not None and info.status != "running"  # "running": the final record was lost

    def finish(self, info: TaskRecord, artifacts: Optional[Mapping[str, ArtifactEntry]] = None,
               artifacts_of: Optional["TaskStore"] = None, started: bool = False,
               stored: Optional[Iterable[str]] = None) -> None:
        """Write the artifact index (or share ``artifacts_of``'s, for a clone) and the task
        metadata, then DONE, which records the sizes of what it vouches for (see :meth:`is_done`).

        Readers use the artifact index only once DONE exists, so it needs no temp file; DONE is
        created last, after the rest is complete. ``started``: :meth:`start` wrote a task.json
        that readers may be looking at, so it is replaced atomically (a clone has none).
        ``stored``: the names whose values this task stored (default: every artifact); DONE
        vouches for their blobs only, since a blob passed on from a parent is the parent's, and
        its DONE vouched for it (a long flow passes on hundreds).
        """
        self.storage.make_dirs(self.key)
        index_key, info_key = self.key + "/artifacts.json", self.key + "/task.json"
        index = None
        if artifacts_of is not None:
            self.storage.link_unpublished(artifacts_of.key + "/artifacts.json", index_key)
        else:
            index = json_bytes(artifact_index_to_json(artifacts or {}))
            self.storage.write_unpublished(index_key, index)
        record = json_bytes(info.replace(format=FORMAT).to_json())
        if started:
            self.storage.write(info_key, record)
        else:
            self.storage.write_unpublished(info_key, record)
        sizes = None
        if not self.storage.durable_writes:
            if index is None:  # a clone: its blobs are its origin's, whose DONE the resume checked
                sizes = {index_key: self.storage.size(index_key)}
            else:
                artifacts = artifacts or {}
                own = artifacts if stored is None else {n: artifacts[n] for n in stored if n in artifacts}
                sizes = dict(self._blob_sizes(own), **{index_key: len(index)})
            sizes[info_key] = len(record)
        self.storage.publish_marker(self.key + "/DONE", sizes)

    def _blob_sizes(self, artifacts: Mapping[str, ArtifactEntry]) -> Dict[str, int]:
        """``{blob key: size}`` of the task's stored values."""
        return {self.flow_store.blobs.key(entry.sha): entry.size
                for entry in artifacts.values() if entry.sha and not entry.is_inline}

    def read_info(self) -> Optional[TaskRecord]:
        """task.json, or None when the task has not recorded a start yet."""
        return self.flow_store.read_record(self.key + "/task.json", TaskRecord)

    def read_artifacts(self) -> Dict[str, ArtifactEntry]:
        """The artifact index ({} when there is none: a task that has not finished)."""
        key = self.key + "/artifacts.json"
        try:
            data = self.storage.read(key)
        except FileNotFoundError:
            return {}
        where = self.flow_store.where(key)
        return artifact_index_from_json(parse_json(data, where), where)

    # -- attempts --------------------------------------------------------------------------
    def attempt_key(self, attempt: int, name: str) -> str:
        return "%s/attempt-%d/%s" % (self.key, attempt, name)

    def attempts(self) -> list:
        """Attempt numbers that left a trace (logs, errors), in order."""
        found = []
        for name in self.storage.list(self.key):
            if name.startswith("attempt-") and name[8:].isdigit():
                found.append(int(name[8:]))
        return sorted(found)

    def write_error(self, attempt: int, error: AttemptError) -> None:
        self.flow_store.write_record(self.attempt_key(attempt, "error.json"), error)

    def read_error(self, attempt: int) -> Optional[AttemptError]:
        return self.flow_store.read_record(self.attempt_key(attempt, "error.json"), AttemptError)

    def write_log(self, attempt: int, stream: str, data: bytes) -> None:
        if data:
            self.storage.write(self.attempt_key(attempt, "%s.log" % stream), data)

    def read_log(self, attempt: int, stream: str) -> bytes:
        try:
            return self.storage.read(self.attempt_key(attempt, "%s.log" % stream))
        except FileNotFoundError:
            return b""
