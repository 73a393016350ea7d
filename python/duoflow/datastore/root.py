"""Where the datastore lives: the option, the environment, or the nearest ``.duoflow/``."""

from __future__ import annotations

import os
from typing import Optional

from .. import config


def resolve_root(explicit: Optional[str], flow_file: str, create: bool = True) -> str:
    """The datastore root for a flow file.

    ``--datastore-root``, else ``DUOFLOW_DATASTORE_ROOT``, else the nearest ``.duoflow/`` found
    upward from the flow file's directory, else a new ``.duoflow/`` beside the flow file.
    """
    chosen = explicit or config.datastore_root_from_env()
    if chosen:
        root = os.path.abspath(os.path.expanduser(chosen))
    else:
        start = os.path.dirname(os.path.abspath(flow_file)) if flow_file else os.getcwd()
        root = find_upward(start) or os.path.join(start, config.DATASTORE_DIRNAME)
    if create:
        os.makedirs(root, exist_ok=True)
    return root


def find_upward(directory: str) -> Optional[str]:
    """The nearest existing ``.duoflow`` directory at or above ``directory``."""
    current = os.path.abspath(directory)
    while True:
        candidate = os.path.join(current, config.DATASTORE_DIRNAME)
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
