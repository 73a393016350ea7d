"""What ``logs`` and ``dump`` show about one task."""

from __future__ import annotations

import json
import reprlib
from typing import Any, Dict, List, Optional

from .datastore.task_reader import TaskReader
from .datastore.task_store import TaskStore
from .exceptions import NotFoundError, UsageError

# Values bigger than this (stored size) are described, not loaded, by ``dump``.
DUMP_LOAD_LIMIT = 1024 * 1024


def pick_attempt(store: TaskStore, attempt: Optional[int]) -> int:
    """The requested attempt, or the latest one; a clear error when it does not exist."""
    attempts = store.attempts()
    info = store.read_info() or {}
    if attempt is None:
        if "attempt" in info:
            return int(info["attempt"])
        if not attempts:
            raise NotFoundError("Task %s has not started an attempt yet" % store.pathspec)
        return attempts[-1]
    if attempt not in attempts and attempt != info.get("attempt"):
        raise NotFoundError("Task %s has no attempt %d" % (store.pathspec, attempt),
                            ["Its attempts: %s." % (", ".join(map(str, attempts)) or "none")])
    return attempt


def read_logs(store: TaskStore, attempt: Optional[int]) -> Dict[str, bytes]:
    """``{"stdout": ..., "stderr": ...}`` of one attempt (a task cloned by resume shows its origin's)."""
    store = log_source(store)
    chosen = pick_attempt(store, attempt)
    return {stream: store.read_log(chosen, stream) for stream in ("stdout", "stderr")}


def log_source(store: TaskStore) -> TaskStore:
    """The task whose logs belong to ``store``: itself, or the origin task it was cloned from."""
    info = store.read_info() or {}
    origin = info.get("origin")
    if not origin or store.attempts():
        return store
    _flow, run_id, step, task_id = origin.split("/")
    return store.flow_store.task(run_id, step, task_id)


def artifact_rows(store: TaskStore, load_limit: int = DUMP_LOAD_LIMIT) -> List[Dict[str, Any]]:
    """One row per artifact: name, type, size, encoding, sha, and the value when it is small."""
    if not store.is_done():
        error = _last_error(store)
        raise UsageError("Task %s did not finish, so it stored no artifacts" % store.pathspec,
                         ["Its last attempt failed: %s" % error] if error else [],
                         "See what happened with the logs command.")
    reader = TaskReader(store.flow_store, store.run_id, store.step, store.task_id)
    rows = []
    for name in sorted(reader.names()):
        entry = reader.entry(name)
        row = {"name": name, "type": entry.get("type"), "size": entry.get("size", 0),
               "encoding": entry.get("encoding"), "sha": entry.get("sha")}
        if entry.get("size", 0) <= load_limit:
            row["value"] = reader.load(name)
        rows.append(row)
    return rows


def _last_error(store: TaskStore) -> str:
    attempts = store.attempts()
    error = store.read_error(attempts[-1]) if attempts else None
    if not error:
        return ""
    return "%s: %s" % (error.get("type"), (error.get("message") or "").strip().splitlines()[0])


def rows_as_json(rows: List[Dict[str, Any]]) -> str:
    out = {}
    for row in rows:
        item = {k: row[k] for k in ("type", "size", "encoding", "sha")}
        if "value" in row:
            item["value"] = _json_value(row["value"])
        out[row["name"]] = item
    return json.dumps(out, indent=2, sort_keys=True)


def _json_value(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def rows_as_table(rows: List[Dict[str, Any]], width: int = 60) -> str:
    short = reprlib.Repr()
    short.maxstring, short.maxother, short.maxlist, short.maxdict = width, width, 8, 8
    lines = ["%-20s %-24s %-12s %10s  %s" % ("name", "type", "encoding", "size", "value")]
    for row in rows:
        value = short.repr(row["value"]) if "value" in row else "(not loaded: %s)" % _size(row["size"])
        lines.append("%-20s %-24s %-12s %10s  %s" % (row["name"], (row["type"] or "")[:24],
                                                      (row["encoding"] or "")[:12], _size(row["size"]), value))
    return "\n".join(lines)


def _size(size: int) -> str:
    if not size:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (size, unit)
        size /= 1024.0
    return str(size)
