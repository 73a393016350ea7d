"""What ``logs`` and ``dump`` show about one task."""

from __future__ import annotations

import json
import reprlib
from typing import Any, Dict, List, Optional

from .datastore.task_reader import TaskReader
from .exceptions import NotFoundError, UsageError

# Values bigger than this (stored size) are described, not loaded, by ``dump``.
DUMP_LOAD_LIMIT = 1024 * 1024


def pick_attempt(task: TaskReader, attempt: Optional[int]) -> int:
    """The requested attempt, or the one that counts; a clear error when it does not exist."""
    attempts = task.attempts()
    record = task.info if task.finished else task.store.read_info()  # one read of task.json
    latest = record.attempt if record is not None else (attempts[-1] if attempts else 0)
    if attempt is None:
        if record is None and not attempts:
            raise NotFoundError("Task %s has not started an attempt yet" % task.pathspec)
        return latest
    if attempt not in attempts and attempt != latest:
        raise NotFoundError("Task %s has no attempt %d" % (task.pathspec, attempt),
                            ["Its attempts: %s." % (", ".join(map(str, attempts)) or "none")])
    return attempt


def read_logs(task: TaskReader, attempt: Optional[int]) -> Dict[str, bytes]:
    """``{"stdout": ..., "stderr": ...}`` of one attempt of the task that really ran (a task
    cloned by resume, even through several resumes, shows its origin's)."""
    source = task.origin()
    chosen = pick_attempt(source, attempt)
    return {stream: source.log(stream, chosen) for stream in ("stdout", "stderr")}


def artifact_rows(task: TaskReader, load_limit: int = DUMP_LOAD_LIMIT) -> List[Dict[str, Any]]:
    """One row per artifact: name, type, size, encoding, sha, and the value when it is small."""
    if not task.finished:
        error = task.origin().last_error()
        raise UsageError("Task %s did not finish, so it stored no artifacts" % task.pathspec,
                         ["Its last attempt failed: %s" % error[1].first_line] if error else [],
                         "See what happened with the logs command.")
    rows = []
    for name in sorted(task.names()):
        entry = task.entry(name)
        row = {"name": name, "type": entry.type, "size": entry.size, "encoding": entry.encoding,
               "sha": entry.sha}
        if entry.size <= load_limit:
            row["value"] = task.load(name)
        rows.append(row)
    return rows


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
