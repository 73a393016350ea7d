"""The client's only mutable state: the namespace and the datastore it reads.

``namespace()`` and ``metadata()`` are module-level calls in Metaflow's API: they change what every
later ``Flow(...)`` / ``Run(...)`` sees, in the whole process. That state has to live somewhere
process-wide, so it lives in exactly one small object, :data:`_state`, and nowhere else:
- one place to read it (every client object copies what it needs when it is created, as in
  Metaflow, so changing the namespace later does not change objects you already hold);
- one place to reset it (``_state.reset()``; the tests do this between tests).

This module is named ``state`` rather than ``namespace`` on purpose: ``duoflow.client`` exports the
function ``namespace``, which would shadow a submodule of the same name (``import
duoflow.client.namespace as m`` would then give the function).

Defaults are computed when asked, not frozen at import: the default namespace follows
``DUOFLOW_USER`` (see :func:`duoflow.config.username`), and the default datastore follows
``DUOFLOW_DATASTORE_ROOT`` or the nearest ``.duoflow/`` above the current directory.
"""

from __future__ import annotations

import os
from typing import Optional

from .. import config
from ..exceptions import NotFoundError, UsageError

_DEFAULT = object()  # "not chosen": use the default, computed when asked


class _ClientState:
    """What ``namespace()`` and ``metadata()`` chose (``_DEFAULT`` / None when they were not called)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.namespace = _DEFAULT  # a "key:value" tag, None (everything), or _DEFAULT
        self.root: Optional[str] = None  # set by metadata(); None means the default datastore


_state = _ClientState()


# -- namespaces ---------------------------------------------------------------------------------

def namespace(ns: Optional[str]) -> Optional[str]:
    """Switch the namespace: ``"user:bob"`` (any tag) filters runs by it; ``None`` sees every run.

    Returns the namespace now in use. Objects already created keep the namespace they were made in.
    """
    if ns is not None and (not isinstance(ns, str) or not ns.strip()):
        raise UsageError("namespace() takes a tag such as 'user:bob', or None; got %r" % (ns,),
                         hint="namespace(None) shows the runs of every user.")
    _state.namespace = ns
    return ns


def get_namespace() -> Optional[str]:
    """The namespace in use: the one set by :func:`namespace`, else the default (``user:<you>``)."""
    if _state.namespace is _DEFAULT:
        return _default_namespace_value()
    return _state.namespace


def default_namespace() -> str:
    """Go back to the default namespace (``user:<you>``) and return it, as Metaflow does."""
    _state.namespace = _DEFAULT
    return _default_namespace_value()


def _default_namespace_value() -> str:
    return "user:%s" % config.username()


# -- the datastore ("metadata" in Metaflow's words) ----------------------------------------------

def metadata(ms: Optional[str]) -> str:
    """Choose the datastore the client reads: ``"local@/path"``, ``"/path"``, ``"s3://bucket/prefix"``
    (or ``"s3@s3://bucket/prefix"``); None for the default.

    ``/path`` may be the datastore root itself or a directory holding a ``.duoflow/`` (as Metaflow's
    ``local@`` takes the directory that holds ``.metaflow/``). Returns :func:`get_metadata`.
    """
    if ms is None:
        _state.root = None
        return get_metadata()
    if not isinstance(ms, str) or not ms.strip():
        raise UsageError("metadata() takes 'local@/path/to/datastore', a path or 's3://bucket/prefix'; "
                         "got %r" % (ms,))
    kind, sep, where = ms.partition("@")
    if not sep or "://" in kind:
        kind, where = ("s3" if ms.startswith("s3://") else "local"), ms
    if kind == "s3" or where.startswith("s3://"):
        if not where.startswith("s3://") or not where[5:].split("/")[0]:
            raise UsageError("metadata() takes an S3 datastore as 's3://bucket/prefix'; got %r" % ms)
        _state.root = where.rstrip("/")
        return get_metadata()
    if kind != "local" or "://" in where:
        raise UsageError("duoflow's client reads local and S3 datastores; got %r" % ms,
                         hint="Give metadata('local@/path/to/datastore') or metadata('s3://bucket/prefix').")
    path = os.path.abspath(os.path.expanduser(where))
    nested = os.path.join(path, config.DATASTORE_DIRNAME)
    if os.path.isdir(nested):
        path = nested
    if not os.path.isdir(path):
        raise NotFoundError("There is no datastore at %s" % path,
                            hint="Give the directory that --datastore-root named, or the "
                                 "directory that holds a .duoflow/ folder.")
    _state.root = path
    return get_metadata()


def get_metadata() -> str:
    """``local@<root>`` (or ``s3@s3://...``) of the datastore the client reads (where it would
    look, if there is none)."""
    root = _state.root or _default_root()
    if root and root.startswith("s3://"):
        return "s3@%s" % root
    return "local@%s" % (root or os.path.join(os.getcwd(), config.DATASTORE_DIRNAME))


def default_metadata() -> str:
    """Go back to the default datastore and return it (``local@<root>``)."""
    _state.root = None
    return get_metadata()


def _default_root() -> Optional[str]:
    from ..datastore.root import find_upward

    chosen = config.datastore_root_from_env()
    if chosen and chosen.startswith("s3://"):
        return chosen.rstrip("/")
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    return find_upward(os.getcwd())


def datastore_root() -> str:
    """The root the client reads now; a clear error when there is none."""
    root = _state.root or _default_root()
    if root is None:
        raise NotFoundError(
            "No duoflow datastore found",
            ["DUOFLOW_DATASTORE_ROOT is not set, and there is no %s/ directory in %s or above it."
             % (config.DATASTORE_DIRNAME, os.getcwd())],
            "Run from the directory of your flows, set DUOFLOW_DATASTORE_ROOT, or call "
            "metadata('local@/path/to/datastore').")
    if "://" in root and not root.startswith("s3://"):
        raise UsageError("duoflow's client reads local and S3 datastores; the datastore is %s" % root,
                         hint="Point DUOFLOW_DATASTORE_ROOT (or metadata()) at a local directory "
                              "or at s3://bucket/prefix.")
    return root
