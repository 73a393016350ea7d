"""Facts about a run derived from its run.json: its real status and its user tags.

User tags live in ``runs/<id>/tags.json`` once edited (``tag add|remove``), so editing them never
races with the runtime rewriting run.json at the end of a run; edits at once are serialised by the
storage's read-modify-write (``update_json``).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List

from .flow_store import FlowStore
from .records import RunRecord, UserTags

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


def update_user_tags(flow_store: FlowStore, run_id: str, info: RunRecord,
                     change: Callable[[List[str]], List[str]]) -> List[str]:
    """Replace the run's user tags with ``change(current tags)``, atomically: of several edits at
    once (processes, machines), each sees the one before it, so none is lost. ``change`` may be
    called more than once (S3 retries on conflict); it may raise to refuse the edit. Returns the
    new tags."""
    key = flow_store.run_key(run_id) + "/tags.json"
    where = flow_store.where(key)

    def update(stored: Any) -> Dict[str, Any]:
        current = UserTags.from_json(stored, where).tags if stored is not None else info.tags
        return UserTags(tags=tuple(sorted(set(change(list(current)))))).to_json()

    return list(UserTags.from_json(flow_store.storage.update_json(key, update), where).tags)
