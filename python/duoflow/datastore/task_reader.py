"""Read a finished task: its metadata and its artifacts, each loaded lazily and at most once."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .artifacts import load_value, missing_artifact
from .flow_store import FlowStore


class TaskReader:
    """A finished task's ``task.json`` and artifacts (values decoded on first use, then cached)."""

    def __init__(self, flow_store: FlowStore, run_id: str, step: str, task_id: str,
                 info: Optional[Dict[str, Any]] = None):
        self.flow_store = flow_store
        self.store = flow_store.task(run_id, step, task_id)
        self._info = info
        self._index: Optional[Dict[str, dict]] = None
        self._values: Dict[str, Any] = {}

    @property
    def pathspec(self) -> str:
        return self.store.pathspec

    @property
    def step(self) -> str:
        return self.store.step

    @property
    def task_id(self) -> str:
        return self.store.task_id

    @property
    def info(self) -> Dict[str, Any]:
        if self._info is None:
            self._info = self.store.read_info() or {}
        return self._info

    @property
    def index(self) -> Dict[str, dict]:
        if self._index is None:
            self._index = self.store.read_artifacts()
        return self._index

    def names(self) -> List[str]:
        return list(self.index)

    def has(self, name: str) -> bool:
        return name in self.index

    def entry(self, name: str) -> dict:
        try:
            return self.index[name]
        except KeyError:
            raise missing_artifact(name, "Task %s" % self.pathspec, self.index) from None

    def prefetch(self, names: Optional[List[str]] = None) -> None:
        """Fetch the blobs of these artifacts (default: all) in one parallel batch (S3)."""
        entries = [self.index[n] for n in (names if names is not None else self.names()) if n in self.index]
        self.flow_store.blobs.prefetch([e["sha"] for e in entries if "sha" in e])

    def load(self, name: str) -> Any:
        """The artifact's value (decoded once per reader)."""
        if name not in self._values:
            self._values[name] = load_value(self.flow_store.blobs, name, self.entry(name), self.pathspec)
        return self._values[name]

    @property
    def foreach_stack(self) -> List[Dict[str, Any]]:
        return list(self.info.get("foreach_stack") or [])


def foreach_item(flow_store: FlowStore, run_id: str, frame: Dict[str, Any], foreach_var: str,
                 cache: Optional[Dict[str, Any]] = None, sequence=lambda values: values) -> Any:
    """The item a foreach frame points at: ``split_task.<foreach_var>[index]`` (``sequence``
    turns the artifact into what is split, as the flow class defines it)."""
    step, task_id = frame["task"].split("/")
    key = frame["task"]
    if cache is not None and key in cache:
        values = cache[key]
    else:
        values = sequence(TaskReader(flow_store, run_id, step, task_id).load(foreach_var))
        if cache is not None:
            cache[key] = values
    return item_at(values, frame["index"])


def item_at(values: Any, index: int) -> Any:
    """``values[index]`` by position (pandas objects are indexed by label otherwise)."""
    if hasattr(values, "iloc"):
        return values.iloc[index]
    return values[index]
