"""Facts about a run derived from its run.json: its real status and its user tags.

User tags live in ``runs/<id>/tags.json`` once edited (``tag add|remove``), so editing them never
races with the runtime rewriting run.json at the end of a run.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List

from .flow_store import FlowStore
from .records import RunRecord

FINISHED_STATUSES = ("succeeded", "failed", "interrupted", "crashed")


def this_host() -> str:
    """This machine's name, as ``socket.gethostname()`` gives it.

    On POSIX both read the kernel's node name; ``os.uname`` spares every run and client the
    import of ``socket`` (a few milliseconds).
    """
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().nodename
    import socket  # Windows

    return socket.gethostname()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_status(info: RunRecord) -> str:
    """``running``, ``succeeded``, ``failed``, ``interrupted``, or ``crashed`` (marked running, but
    its runtime process on this machine is gone: killed with -9, or the machine restarted)."""
    status = info.status
    if status != "running":
        return status
    pid, host = info.pid, info.host
    if pid and host == this_host() and not process_alive(int(pid)):
        return "crashed"
    return "running"


def user_tags(flow_store: FlowStore, run_id: str, info: RunRecord) -> List[str]:
    """The run's user tags: the edited set when there is one, else those given at launch."""
    edited = flow_store.read_user_tags(run_id)
    if edited is not None:
        return list(edited.tags)
    return list(info.tags)


def write_user_tags(flow_store: FlowStore, run_id: str, tags: List[str]) -> None:
    flow_store.storage.write_json(flow_store.run_key(run_id) + "/tags.json", {"tags": sorted(set(tags))})
