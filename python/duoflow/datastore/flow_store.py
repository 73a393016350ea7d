"""One flow's part of the datastore: its runs, their tasks, blobs and code snapshots.

Layout (docs/architecture.md)::

    <root>/<Flow>/blobs/ab/abcdef...
    <root>/<Flow>/runs/<run_id>/run.json
    <root>/<Flow>/runs/<run_id>/<step>/<task>/{task.json, artifacts.json, DONE}
    <root>/<Flow>/runs/<run_id>/<step>/<task>/attempt-<n>/{stdout.log, stderr.log, error.json}
    <root>/<Flow>/code/<sha>.tar.gz
"""

from __future__ import annotations

import time
from typing import List, Optional, Type, TypeVar

from ..exceptions import NotFoundError
from ..graph.names import is_valid_name
from ..util.suggest import did_you_mean, quoted_list
from .cas import BlobStore
from .records import FORMAT, Record, RunRecord, UserTags, parse_json
from .storage.factory import open_storage
from .storage.local import LocalStorage


class FlowStore:
    """Paths and metadata files of one flow in one datastore."""

    def __init__(self, storage: LocalStorage, flow: str):
        self.storage = storage
        self.flow = flow
        self.blobs = BlobStore(storage, flow)

    # -- runs ------------------------------------------------------------------------------
    def run_key(self, run_id: str) -> str:
        return "%s/runs/%s" % (self.flow, run_id)

    def new_run_id(self) -> str:
        """A fresh run id, claimed atomically (two runs started at once get different ids)."""
        candidate = int(time.time() * 1e6)
        while not self.storage.make_dir_exclusive(self.run_key(str(candidate))):
            candidate += 1
        return str(candidate)

    # -- records ---------------------------------------------------------------------------
    def where(self, key: str) -> str:
        """How errors name ``key``: its file path, or its s3:// URL."""
        return self.storage.path(key)

    def read_record(self, key: str, record_cls: Type[R]) -> Optional[R]:
        """The record stored at ``key``, or None when there is none; a damaged file raises
        :class:`~.records.DamagedRecordError` naming it."""
        try:
            data = self.storage.read(key)
        except FileNotFoundError:
            return None
        where = self.where(key)
        return record_cls.from_json(parse_json(data, where), where)

    def write_record(self, key: str, record: Record) -> None:
        """Write ``record`` atomically (readers see the old one or the new one)."""
        self.storage.write_json(key, record.to_json())

    def write_run(self, run_id: str, record: RunRecord) -> None:
        self.write_record(self.run_key(run_id) + "/run.json", record.replace(format=FORMAT))

    def read_run_or_none(self, run_id: str) -> Optional[RunRecord]:
        """run.json of the run, or None while the run id is claimed but not yet recorded."""
        return self.read_record(self.run_key(run_id) + "/run.json", RunRecord)

    def read_run(self, run_id: str) -> RunRecord:
        info = self.read_run_or_none(run_id)
        if info is None:
            runs = self.run_ids()
            raise NotFoundError(
                "Run %s/%s does not exist in %s" % (self.flow, run_id, self.storage.root),
                ["Latest runs of %s: %s." % (self.flow, quoted_list(runs[-5:][::-1]))] if runs
                else ["%s has no runs in this datastore." % self.flow],
                did_you_mean(run_id, runs).strip() or None)
        return info

    def run_ids(self) -> List[str]:
        """Ids of every run of the flow, oldest first."""
        return sorted(self.storage.list("%s/runs" % self.flow), key=_run_sort_key)

    def read_user_tags(self, run_id: str) -> Optional[UserTags]:
        """The run's edited user tags (``tags.json``), or None when they were never edited."""
        return self.read_record(self.run_key(run_id) + "/tags.json", UserTags)

    # -- tasks -----------------------------------------------------------------------------
    def task(self, run_id: str, step: str, task_id: str) -> "TaskStore":
        from .task_store import TaskStore

        return TaskStore(self, run_id, step, str(task_id))

    def step_names(self, run_id: str) -> List[str]:
        """Steps that have task directories in the run (run.json, tags.json are not steps)."""
        return [n for n in self.storage.list(self.run_key(run_id)) if is_valid_name(n)]

    def task_ids(self, run_id: str, step: str) -> List[str]:
        names = self.storage.list("%s/%s" % (self.run_key(run_id), step))
        return sorted(names, key=_run_sort_key)

    # -- code ------------------------------------------------------------------------------
    def code_key(self, sha: str) -> str:
        return "%s/code/%s.tar.gz" % (self.flow, sha)


R = TypeVar("R", bound=Record)


def _run_sort_key(name: str):
    return (0, int(name), name) if name.isdigit() else (1, 0, name)


def open_flow_store(root: str, flow: str) -> FlowStore:
    """The :class:`FlowStore` of ``flow`` in the datastore at ``root`` (a path or s3://...)."""
    return FlowStore(open_storage(root), flow)
