"""The table ``runs`` prints: one line per past run of a flow."""

from __future__ import annotations

import time
from typing import Any, Dict, List

from .datastore.reader import FlowReader


def run_rows(reader: FlowReader, limit: int) -> List[Dict[str, Any]]:
    """The newest ``limit`` runs: id, status, start, duration, user, tags (a run whose record is
    damaged is listed as such, naming the file, and the others list normally)."""
    rows = []
    for listing in reader.runs():
        if len(rows) >= limit:
            break
        if listing.damaged:
            rows.append({"run_id": listing.run_id, "status": "damaged", "started": None, "duration": None,
                         "user": "", "tags": [], "origin_run_id": None,
                         "problem": "%s (%s)" % (listing.damage.headline, listing.damage.details[0])})
            continue
        info = listing.record
        start, end = info.created_at, info.finished_at
        rows.append({
            "run_id": listing.run_id, "status": reader.status(info), "started": start,
            "duration": (end - start) if (start and end) else None, "user": info.user,
            "tags": reader.user_tags(listing.run_id, info), "origin_run_id": info.origin_run_id,
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
        if row.get("problem"):
            tags = row["problem"]
        lines.append("%-18s %-11s %-19s %9s  %-10s %s" % (row["run_id"], row["status"], started, duration,
                                                          row["user"][:10], tags))
    return "\n".join(lines)
