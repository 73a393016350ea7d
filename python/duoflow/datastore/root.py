"""Where the datastore lives: the option, the environment, or the nearest ``.duoflow/``."""

from __future__ import annotations

import os
from typing import Optional

from .. import config
from ..exceptions import UsageError
from .storage.factory import is_s3_root


def resolve_root(explicit: Optional[str], flow_file: str, create: bool = True,
                 datastore: Optional[str] = None) -> str:
    """The datastore root for a flow file.

    ``--datastore-root``, else ``DUOFLOW_DATASTORE_ROOT``, else the nearest ``.duoflow/`` found
    upward from the flow file's directory, else a new ``.duoflow/`` beside the flow file.
    An ``s3://bucket/prefix`` root selects the S3 backend (``--datastore s3`` or
    ``DUOFLOW_DATASTORE=s3`` then only confirm it, and need such a root).
    """
    chosen = explicit or config.datastore_root_from_env()
    kind = datastore or config.datastore_kind_from_env()
    if is_s3_root(chosen):
        if datastore == "local":
            raise UsageError("--datastore local cannot use the S3 root %s" % chosen,
                             hint="Use --datastore s3, or give a local --datastore-root.")
        return chosen.rstrip("/")
    if kind == "s3":
        raise UsageError("The S3 datastore needs an s3:// root%s" % (" (got %s)" % chosen if chosen else ""),
                         hint="Give --datastore-root s3://bucket/prefix, or set "
                              "DUOFLOW_DATASTORE_ROOT=s3://bucket/prefix.")
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
