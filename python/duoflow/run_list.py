"""The table ``runs`` prints: one line per past run of a flow."""

from __future__ import annotations

import time
from typing import Any, Dict, List

from .datastore.flow_store import FlowStore
from .datastore.run_info import run_status, user_tags


def run_rows(flow_store: FlowStore, limit: int) -> List[Dict[str, Any]]:
    """The newest ``limit`` runs: id, status, start, duration, user, tags."""
    rows = []
    for run_id in reversed(flow_store.run_ids()):
        if len(rows) >= limit:
            break
        info = flow_store.storage.read_json_or_none(flow_store.run_key(run_id) + "/run.json")
        if info is None:
            continue
        start, end = info.get("created_at"), info.get("finished_at")
        rows.append({
            "run_id": run_id, "status": run_status(info), "started": start,
            "duration": (end - start) if (start and end) else None, "user": info.get("user", ""),
            "tags": user_tags(flow_store, run_id, info), "origin_run_id": info.get("origin_run_id"),
        })
    return rows


def format_rows(rows: List[Dict[str, Any]]) -> str:
    lines = ["%-18s %-11s %-19s %9s  %-10s %s" % ("run", "status", "started", "duration", "user", "tags")]
    for row in rows:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["started"])) if row["started"] else "-"
        duration = "%.1fs" % row["duration"] if row["duration"] is not None else "-"
        tags = ", ".join(row["tags"])
        if row["origin_run_id"]:
            tags = ("resumed from %s" % row["origin_run_id"]) + ("; " + tags if tags else "")
        lines.append("%-18s %-11s %-19s %9s  %-10s %s" % (row["run_id"], row["status"], started, duration,
                                                          row["user"][:10], tags))
    return "\n".join(lines)
