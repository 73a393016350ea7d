"""The storage protocol: the bytes operations every datastore backend provides, and the contract
each one keeps. ``tests/python/storage/`` checks every backend against this contract; a new
backend (GCS, Azure, a remote worker's view) is done when it passes those tests.

Keys are '/'-separated paths relative to the datastore root (``Flow/runs/12/start/1/DONE``).
Names that start with a dot are the backend's own bookkeeping (temp files, locks, claims): no
caller writes them and :meth:`Storage.list` never shows them.

Missing keys: every read of a key that does not exist raises :class:`FileNotFoundError` (whatever
the backend); other failures raise :class:`~duoflow.exceptions.DatastoreError` naming the place
and what to do.
"""

from __future__ import annotations

import abc
import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ...exceptions import DatastoreError

Buffer = Union[bytes, bytearray, memoryview]
Chunks = Union[Buffer, Sequence[Buffer]]


class LogSink(abc.ABC):
    """One stream of one attempt, written as it arrives; readers see it once it is closed."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Append ``data``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Publish what was written (nothing is published when nothing was written)."""


class Storage(abc.ABC):
    """A datastore root. Subclasses implement the abstract methods; the JSON reads are shared."""

    #: The root as the user named it (a directory, ``s3://bucket/prefix``).
    root: str
    #: True when blobs are downloaded to be read, so :meth:`prefetch` is worth calling.
    fetches_blobs: bool = False
    #: True when a write that returned survives a power loss (an object store). False where
    #: recent writes can be lost or cut short by one (local files are not synced, for speed): a
    #: marker may then outlive the files it vouches for, and readers check those files.
    durable_writes: bool = False

    @abc.abstractmethod
    def path(self, key: str) -> str:
        """Where ``key`` lives, for messages (a file path, an ``s3://`` URL)."""

    # -- writing ---------------------------------------------------------------------------
    @abc.abstractmethod
    def write(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        """Store ``chunks`` (one buffer or several, back to back) at ``key``.

        Atomic: a reader sees the old content or the new, never a part, and a failed write
        leaves the old content. With ``overwrite=False`` (immutable, content-addressed keys) an
        existing key keeps its content; False means the key is known to exist already, True
        that it is stored once :meth:`flush` returns (it may have existed).
        """

    @abc.abstractmethod
    def write_json(self, key: str, value: Any) -> None:
        """Store ``value`` as compact JSON at ``key``, atomically. Every earlier write of this
        process is complete before it (metadata may name blobs)."""

    @abc.abstractmethod
    def update_json(self, key: str, change: Callable[[Optional[Any]], Any]) -> Any:
        """Atomic read-modify-write: store ``change(current)`` at ``key`` (``current`` is None when
        the key is missing) and return it.

        Concurrent updates of one key, from any process or machine, are serialised: none is lost.
        ``change`` may be called more than once (a backend retries on conflict), so it must only
        compute; an exception from it leaves the key as it was and propagates.
        """

    @abc.abstractmethod
    def write_unpublished(self, key: str, data: Buffer) -> None:
        """Store a file that no reader looks at until a later marker is published (a task's
        files before its DONE): not atomic, so cheaper. The directory must exist (:meth:`make_dirs`)."""

    def write_unpublished_json(self, key: str, value: Any) -> None:
        """:meth:`write_unpublished` of ``value`` as compact JSON."""
        self.write_unpublished(key, json_bytes(value))

    @abc.abstractmethod
    def link_unpublished(self, source_key: str, key: str) -> None:
        """Give ``key`` the content of the immutable ``source_key`` (a hard link or a
        server-side copy where the backend can), unpublished like :meth:`write_unpublished`."""

    @abc.abstractmethod
    def publish_marker(self, key: str, sizes: Optional[Mapping[str, int]] = None) -> None:
        """Create the marker ``key`` (a task's DONE) after every earlier write of this process is
        complete: a reader that sees it finds everything it vouches for. ``sizes``
        (``{key: bytes}``) names what it vouches for; where writes are not durable the marker
        records them, for :meth:`marker_holds`."""

    def marker_sizes(self, key: str) -> Optional[Dict[str, int]]:
        """What the marker ``key`` recorded (``{key: bytes}``); None when there is no marker, {}
        when it records nothing (written where writes are durable, by an earlier version, or
        itself cut short by a power loss)."""
        try:
            data = self.read(key)
        except FileNotFoundError:
            return None
        try:
            sizes = json.loads(data) if data else {}
        except ValueError:
            return {}
        return sizes if isinstance(sizes, dict) else {}

    def marker_holds(self, key: str) -> Optional[bool]:
        """Whether the marker ``key`` stands for whole files: False when it is missing or a file
        it recorded is missing or has another size (a power loss cut it short); True when all
        check out, or where writes are durable; None when it records nothing to check (see
        :meth:`marker_sizes`): the caller then checks what it can."""
        if self.durable_writes:
            return self.exists(key)
        sizes = self.marker_sizes(key)
        if not sizes:
            return None if sizes is not None else False
        try:
            return all(self.size(vouched) == size for vouched, size in sizes.items())
        except FileNotFoundError:
            return False

    @abc.abstractmethod
    def make_dir_exclusive(self, key: str) -> bool:
        """Claim ``key`` (a run id): True for exactly one of several concurrent callers, False
        when it is already claimed. A claimed key is listed under its parent."""

    @abc.abstractmethod
    def make_dirs(self, key: str) -> None:
        """Make ``key`` ready to hold files (nothing to do where there are no directories)."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Wait until every write of this process is stored; raise the first failure."""

    def prefetch(self, keys: Sequence[str]) -> None:
        """Fetch several blobs ahead of :meth:`map` (a hint: backends that read in place ignore it)."""

    def evict(self, key: str) -> None:
        """Forget any local copy of the blob ``key`` (it failed its checksum), so the next
        :meth:`map` reads the stored one again. Nothing to do where blobs are read in place."""

    @abc.abstractmethod
    def log_sink(self, key: str) -> LogSink:
        """Where a task's log stream goes while the task runs."""

    # -- reading ---------------------------------------------------------------------------
    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """True for a stored key, or a key with stored keys below it."""

    @abc.abstractmethod
    def read(self, key: str) -> bytes:
        """The whole content of ``key``; FileNotFoundError when it is missing."""

    @abc.abstractmethod
    def map(self, key: str) -> memoryview:
        """A read-only view of the whole content (memory-mapped where possible; an empty key
        gives an empty view); FileNotFoundError when it is missing."""

    @abc.abstractmethod
    def list(self, key: str) -> List[str]:
        """Names directly under ``key`` (keys and "directories" alike), sorted, without
        bookkeeping names (starting with a dot); empty when nothing is there."""

    @abc.abstractmethod
    def size(self, key: str) -> int:
        """The size in bytes of ``key``; FileNotFoundError when it is missing."""

    def read_json(self, key: str) -> Any:
        """``key`` decoded as JSON; FileNotFoundError when it is missing."""
        return json.loads(self.read(key))

    def read_json_or_none(self, key: str) -> Optional[Any]:
        """``key`` decoded as JSON, or None when it is missing."""
        try:
            return self.read_json(key)
        except FileNotFoundError:
            return None

    def _decode_for_update(self, data: bytes, key: str) -> Any:
        """``data`` (the current content of ``key``) decoded for :meth:`update_json`."""
        try:
            return json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise DatastoreError("Cannot update %s: it is not valid JSON" % self.path(key), [str(exc)],
                                 "It was changed outside duoflow: repair it, or move it aside to start "
                                 "afresh.") from None

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.root)


def json_bytes(value: Any) -> bytes:
    """Compact JSON, as every backend stores it."""
    return json.dumps(value, separators=(",", ":"), default=str).encode("utf-8")


def iter_chunks(payload: Chunks) -> Iterable[Buffer]:
    """The buffers of a payload (one buffer or a sequence of buffers)."""
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return [payload]
    return payload
