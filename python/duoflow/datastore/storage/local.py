"""The local-files backend of the storage protocol (:mod:`.protocol`): a datastore root is a
directory; a key is a file below it."""

from __future__ import annotations

import mmap
import os
from typing import Any, List, Optional, Sequence, Union

from ...exceptions import DatastoreError
from .protocol import Buffer, LogSink, Storage, json_bytes


class LocalStorage(Storage):
    """A datastore root on the local file system."""

    # Blobs are read where they lie: prefetch() has nothing to do (S3Storage downloads them).
    fetches_blobs = False

    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str:
        """Absolute file path of ``key``."""
        return os.path.join(self.root, *key.split("/"))

    # -- writing ---------------------------------------------------------------------------
    def write(self, key: str, chunks: Union[Buffer, Sequence[Buffer]], overwrite: bool = True) -> bool:
        """Write ``chunks`` (one buffer or several, back to back) to ``key`` atomically.

        With ``overwrite=False`` an existing key is left alone and False is returned.
        """
        # tempfile (with shutil and random) takes milliseconds to import: readers never need it, and a run
        # imports it with its first run.json, before forking, so tasks find it loaded.
        import tempfile

        target = self.path(key)
        if not overwrite and os.path.exists(target):
            return False
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        if isinstance(chunks, (bytes, bytearray, memoryview)):
            chunks = [chunks]
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            _remove_quietly(tmp)
            raise
        return True

    def write_json(self, key: str, value: Any) -> None:
        self.write(key, json_bytes(value))

    def write_unpublished(self, key: str, data: Buffer) -> None:
        """Write a file that no reader looks at until a later marker is published (a task's files
        before its DONE): no temp file and rename are needed, which matters when cloning
        thousands of tasks. The directory must exist (``make_dirs``)."""
        with open(self.path(key), "wb") as handle:
            handle.write(data)

    def link_unpublished(self, source_key: str, key: str) -> None:
        """Make ``key`` have the content of the immutable file ``source_key``: a hard link (no
        data written), or a copy where links are not possible."""
        try:
            os.link(self.path(source_key), self.path(key))
        except OSError:
            self.write_unpublished(key, self.read(source_key))

    def publish_marker(self, key: str, like: Optional[str] = None) -> None:
        """Create an empty marker file (atomic by nature: it exists or it does not).

        ``like`` names an existing marker to hard-link instead (a clone links its origin's, as it
        does its artifact index): a link is about ten times cheaper than a new file on ext4, and a
        resume may clone thousands of tasks.
        """
        if like is not None:
            try:
                os.link(self.path(like), self.path(key))
                return
            except OSError:
                pass  # no hard links on this file system (or no such marker): a file of its own
        fd = os.open(self.path(key), os.O_CREAT | os.O_WRONLY, 0o644)
        os.close(fd)

    def make_dir_exclusive(self, key: str) -> bool:
        """Create the directory ``key``; False when it already exists (someone else owns it)."""
        target = self.path(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.mkdir(target)
            return True
        except FileExistsError:
            return False

    def make_dirs(self, key: str) -> None:
        """Create the directory ``key`` and its parents (nothing to do when it exists)."""
        path = self.path(key)
        try:
            os.mkdir(path)  # a task's directory, in the usual case: one system call, not a stat and a mkdir
        except FileNotFoundError:
            os.makedirs(path, exist_ok=True)
        except FileExistsError:
            if not os.path.isdir(path):
                raise

    def flush(self) -> None:
        """Every write is complete when it returns (S3 uploads blobs in the background)."""

    def log_sink(self, key: str) -> "LocalLogSink":
        """Where a task's log stream goes while the task runs."""
        return LocalLogSink(self.path(key))

    # -- reading ---------------------------------------------------------------------------
    def exists(self, key: str) -> bool:
        return os.path.exists(self.path(key))

    def read(self, key: str) -> bytes:
        try:
            with open(self.path(key), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise DatastoreError("Cannot read %s" % self.path(key), [str(exc)]) from exc

    def map(self, key: str) -> memoryview:
        """A read-only view of the whole file, memory-mapped (empty files give an empty view)."""
        with open(self.path(key), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return memoryview(b"")
            return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))

    def list(self, key: str) -> List[str]:
        """Names directly under ``key`` (sorted; temp files excluded; empty when missing)."""
        try:
            names = os.listdir(self.path(key))
        except FileNotFoundError:
            return []
        return sorted(n for n in names if not n.startswith(".tmp-"))

    def size(self, key: str) -> int:
        return os.path.getsize(self.path(key))


class LocalLogSink(LogSink):
    """One stream of one attempt: written to a temp file as it arrives, renamed when complete."""

    def __init__(self, path: str):
        self.path = path
        self.handle = None

    def write(self, data: bytes) -> None:
        if self.handle is None:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            self.handle = open(self.path + ".part", "wb")
        self.handle.write(data)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            os.replace(self.path + ".part", self.path)
            self.handle = None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
