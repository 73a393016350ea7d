"""What only the tests call through the R bridge: round trips, Python views, stored artifacts.

The R package's tests (tests/testthat) and the Python tests import this module; the package
itself never does (its calls are in :mod:`duoflow.rbridge.api`).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, List, Optional

from ..exceptions import DuoflowError
from .convert import from_wire
from .to_r import to_wire


def store_roundtrip(wire: Dict[str, Any]) -> Dict[str, Any]:
    """R value -> Python value -> stored artifact -> loaded -> back to R (the contract's test)."""
    from ..datastore.artifacts import load_value, store_value
    from ..datastore.cas import BlobStore
    from ..datastore.storage.local import LocalStorage

    value = from_wire(wire)
    with tempfile.TemporaryDirectory(prefix="duoflow-roundtrip-") as tmp:
        blobs = BlobStore(LocalStorage(tmp), "Roundtrip")
        entry = store_value(blobs, "value", value)
        loaded = load_value(blobs, "value", entry, "round trip")
        # copy anything that still points into the blob file before it goes away
        return _detached(to_wire(loaded))


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
    """An artifact of a step's first finished task, as a wire."""
    from ..datastore.flow_store import open_flow_store
    from ..datastore.task_reader import TaskReader

    store = open_flow_store(root, flow)
    task_ids = [t for t in store.task_ids(run_id, step) if store.task(run_id, step, t).is_done()]
    return to_wire(TaskReader(store, run_id, step, task_ids[0]).load(name))


def read_fixture(store_dir: str, name: str) -> Dict[str, Any]:
    """An artifact of the shared round-trip fixtures (tests/fixtures/roundtrip/store), as a wire."""
    from ..datastore.artifacts import load_value
    from ..datastore.cas import BlobStore
    from ..datastore.records import artifact_index_from_json
    from ..datastore.storage.local import LocalStorage

    flow = os.path.basename(os.path.normpath(store_dir))
    index_file = os.path.join(store_dir, "artifacts.json")
    with open(index_file) as handle:
        entry = artifact_index_from_json(json.load(handle), index_file)[name]
    blobs = BlobStore(LocalStorage(os.path.dirname(os.path.normpath(store_dir))), flow)
    return _detached(to_wire(load_value(blobs, name, entry, "fixture %s" % name)))


def raise_error(code: str, headline: str, details: Optional[List[str]] = None,
                hint: Optional[str] = None) -> None:
    """Raise a duoflow error with this code (how R turns any code into a condition class)."""
    error = DuoflowError(headline, list(details or []), hint)
    error.code = code
    raise error


def raise_exception(message: str) -> None:
    """Raise an exception that is not a duoflow error."""
    raise ValueError(message)
