"""What the R package calls (through reticulate). Every function takes and returns plain data or
wires, so reticulate never converts numpy or pandas objects itself."""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

from .convert import from_wire
from .spec import flow_class
from .to_r import to_wire


def run_flow(spec: Dict[str, Any], functions: Dict[str, Callable], argv: List[str], script: str,
             rscript: str) -> int:
    """Parse ``argv`` with the flow's command line and run the command; returns the exit code."""
    from ..cli.main import invoke

    script_path = os.path.abspath(script)
    cls = flow_class(spec, functions, script_path)
    return invoke(cls, script_path, "Rscript %s" % script, [rscript, script_path], list(argv or []))


def get_artifact(flow: Any, name: str) -> Dict[str, Any]:
    """``self$name`` in an R step (a stored data frame straight from its Arrow columns)."""
    from .artifact_reads import flow_artifact

    return flow_artifact(flow, name)


def set_artifact(flow: Any, name: str, wire: Dict[str, Any]) -> None:
    """``self$name <- value`` in an R step."""
    setattr(flow, name, from_wire(wire))


def artifact_names(flow: Any) -> List[str]:
    """What ``names(self)`` shows: artifacts this task has or has set."""
    state = flow._state
    return sorted(set(state.available_names()) | set(flow._new_artifacts()))


def foreach_input(flow: Any) -> Dict[str, Any]:
    return to_wire(flow.input)


def foreach_index(flow: Any) -> Optional[int]:
    """1-based, as R counts (None outside a foreach)."""
    index = flow.index
    return None if index is None else index + 1


def input_views(inputs: Any) -> List[Any]:
    """The inputs of a join, in split order."""
    return list(inputs)


def input_step(view: Any) -> str:
    return view.step_name


def input_artifact(view: Any, name: str) -> Dict[str, Any]:
    from .artifact_reads import input_artifact as read

    return read(view, name)


def input_index(view: Any) -> Optional[int]:
    index = view.index
    return None if index is None else index + 1


def merge_artifacts(flow: Any, inputs: Any, include: Optional[List[str]], exclude: Optional[List[str]]) -> None:
    flow.merge_artifacts(inputs, include=list(include) if include else None,
                         exclude=list(exclude) if exclude else None)


def current_value(name: str) -> Dict[str, Any]:
    from ..current import current

    return to_wire(getattr(current, name))


def error_code(exc: Any) -> str:
    """The stable code of a duoflow error (for the R condition class), or ''."""
    return getattr(exc, "code", "") or ""


def store_roundtrip(wire: Dict[str, Any]) -> Dict[str, Any]:
    """R value -> Python value -> stored artifact -> loaded -> back to R (the contract's test)."""
    import tempfile

    from ..datastore.artifacts import load_value, store_value
    from ..datastore.cas import BlobStore
    from ..datastore.storage.local import LocalStorage

    value = from_wire(wire)
    with tempfile.TemporaryDirectory(prefix="duoflow-roundtrip-") as tmp:
        blobs = BlobStore(LocalStorage(tmp), "Roundtrip")
        entry = store_value(blobs, "value", value)
        loaded = load_value(blobs, "value", entry, "round trip")
        result = to_wire(loaded)
        # copy anything that still points into the blob file before it goes away
        return _detached(result)


def _detached(wire: Any) -> Any:
    if isinstance(wire, dict):
        return {k: _detached(v) for k, v in wire.items()}
    if isinstance(wire, list):
        return [_detached(v) for v in wire]
    if isinstance(wire, memoryview):
        return bytearray(wire)
    return wire


def python_view(wire: Dict[str, Any]) -> Dict[str, Any]:
    """How Python sees an R value: its type, dtype and repr (for tests and documentation)."""
    value = from_wire(wire)
    return {"type": type(value).__module__ + "." + type(value).__qualname__,
            "dtype": str(getattr(value, "dtype", "")), "repr": repr(value)}


def read_artifact(root: str, flow: str, run_id: str, step: str, name: str) -> Dict[str, Any]:
    """An artifact of a step's first finished task, for R (until the R client lands)."""
    from ..datastore.flow_store import open_flow_store
    from ..datastore.task_reader import TaskReader

    store = open_flow_store(root, flow)
    task_ids = [t for t in store.task_ids(run_id, step) if store.task(run_id, step, t).is_done()]
    return to_wire(TaskReader(store, run_id, step, task_ids[0]).load(name))


def read_fixture(store_dir: str, name: str) -> Dict[str, Any]:
    """An artifact of the shared round-trip fixtures (tests/fixtures/roundtrip/store), for R."""
    import json

    from ..datastore.artifacts import load_value
    from ..datastore.cas import BlobStore
    from ..datastore.storage.local import LocalStorage

    flow = os.path.basename(os.path.normpath(store_dir))
    with open(os.path.join(store_dir, "artifacts.json")) as handle:
        entry = json.load(handle)[name]
    blobs = BlobStore(LocalStorage(os.path.dirname(os.path.normpath(store_dir))), flow)
    return _detached(to_wire(load_value(blobs, name, entry, "fixture %s" % name)))
