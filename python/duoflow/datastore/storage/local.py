"""The local-files backend of the storage protocol (:mod:`.protocol`): a datastore root is a
directory; a key is a file below it.

- Atomic writes go to a temp file beside the target (``.tmp-...``), then ``os.replace``.
- Modes follow the umask, as git's do (``0666 & ~umask`` for files, ``0777 & ~umask`` for
  directories), so a team shares a datastore by its umask and group.
- Files are not synced to disk before a marker (``docs/durability.md``: measured too costly), so
  ``durable_writes`` is False: after a power loss a marker may outlive files written just before
  it, and readers check that what a marker vouches for is whole.
- Read-modify-write (``update_json``) holds an ``flock`` on a lock file beside the key.
- A write that the file system refuses (read-only, full, a file where a directory should be)
  raises one :class:`DatastoreError` naming the root and what to do.
"""

from __future__ import annotations

import errno
import mmap
import os
from typing import Any, Callable, Iterable, List, Mapping, Optional

from ...exceptions import DatastoreError
from .protocol import Buffer, Chunks, LogSink, Storage, iter_chunks, json_bytes

FILE_MODE = 0o666  # the umask takes its part, as for every file a user creates


class LocalStorage(Storage):
    """A datastore root on the local file system."""

    # Blobs are read where they lie: prefetch() has nothing to do (S3Storage downloads them).
    fetches_blobs = False
    durable_writes = False

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        # Keys are "/"-separated: where that is the path separator too, a path is one
        # concatenation (a resume or a wide join asks for thousands).
        self._prefix = self.root.rstrip(os.sep) + os.sep if os.sep == "/" else None

    def path(self, key: str) -> str:
        """Absolute file path of ``key``."""
        if self._prefix is not None:
            return self._prefix + key if key else self.root
        return os.path.join(self.root, *key.split("/"))

    # -- writing ---------------------------------------------------------------------------
    def write(self, key: str, chunks: Chunks, overwrite: bool = True) -> bool:
        target = self.path(key)
        if not overwrite and os.path.exists(target):
            return False
        try:
            tmp = self._write_temp(target, iter_chunks(chunks))
            try:
                os.replace(tmp, target)
            except BaseException:
                _remove_quietly(tmp)
                raise
        except OSError as exc:
            raise self._write_error(exc, target) from None
        return True

    def _write_temp(self, target: str, chunks: Iterable[Buffer]) -> str:
        """A new temp file beside ``target`` holding ``chunks`` (its directory made if needed)."""
        directory = os.path.dirname(target)
        tmp = os.path.join(directory, ".tmp-%d-%s" % (os.getpid(), os.urandom(6).hex()))
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(tmp, flags, FILE_MODE)
        except FileNotFoundError:  # the first file of its directory (a new blob prefix)
            self._create_dirs(directory)
            fd = os.open(tmp, flags, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except BaseException:
            _remove_quietly(tmp)
            raise
        return tmp

    def write_json(self, key: str, value: Any) -> None:
        self.write(key, json_bytes(value))

    def update_json(self, key: str, change: Callable[[Optional[Any]], Any]) -> Any:
        """Under an exclusive ``flock`` of ``.lock-<name>`` beside the key (kept: removing a lock
        file races with its next user). flock works across processes on local file systems and,
        on Linux, on NFS (emulated with byte-range locks)."""
        import fcntl

        target = self.path(key)
        lock_path = os.path.join(os.path.dirname(target), ".lock-" + os.path.basename(target))
        try:
            self._create_dirs(os.path.dirname(target))
            # Read-only is enough for flock, so a lock file another user created serves too.
            fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
        except OSError as exc:
            raise self._write_error(exc, lock_path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = self._decode_for_update(self.read(key), key)
            except FileNotFoundError:
                current = None
            value = change(current)
            self.write_json(key, value)
            return value
        finally:
            os.close(fd)  # releases the lock

    def write_unpublished(self, key: str, data: Buffer) -> None:
        """No temp file and rename, which matters when cloning thousands of tasks."""
        target = self.path(key)
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise self._write_error(exc, target) from None

    def link_unpublished(self, source_key: str, key: str) -> None:
        """A hard link (no data written), or a copy where links are not possible."""
        target = self.path(key)
        if not _try_link(self.path(source_key), target):
            self.write_unpublished(key, self.read(source_key))

    def publish_marker(self, key: str, sizes: Optional[Mapping[str, int]] = None) -> None:
        """A file holding ``sizes`` as JSON (empty without them). Nothing is synced to disk before
        it (docs/durability.md), so it records what it vouches for: :meth:`marker_holds` then
        tells whole files from ones a power loss cut short."""
        target = self.path(key)
        try:
            fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
            try:
                if sizes:
                    os.write(fd, json_bytes(dict(sizes)))
            finally:
                os.close(fd)
        except OSError as exc:
            raise self._write_error(exc, target) from None

    def make_dir_exclusive(self, key: str) -> bool:
        """Create the directory ``key``; False when it already exists (someone else owns it)."""
        target = self.path(key)
        try:
            self._create_dirs(os.path.dirname(target))
            os.mkdir(target)
        except FileExistsError:
            return False
        except OSError as exc:
            raise self._write_error(exc, target) from None
        return True

    def make_dirs(self, key: str) -> None:
        path = self.path(key)
        try:
            os.mkdir(path)  # a task's directory, in the usual case: one system call, not a stat and a mkdir
        except FileExistsError:
            if not os.path.isdir(path):
                raise self._write_error(OSError(errno.ENOTDIR, "Not a directory"), path) from None
        except FileNotFoundError:
            self._create_dirs(path)
        except OSError as exc:
            raise self._write_error(exc, path) from None

    def _create_dirs(self, path: str) -> None:
        """Create ``path`` and its missing parents."""
        try:
            os.makedirs(path, exist_ok=True)
        except FileExistsError:  # a file stands there
            raise self._write_error(OSError(errno.ENOTDIR, "Not a directory"), path) from None
        except OSError as exc:
            raise self._write_error(exc, path) from None

    def flush(self) -> None:
        """Every write is complete when it returns (S3 uploads blobs in the background)."""

    def log_sink(self, key: str) -> "LocalLogSink":
        return LocalLogSink(self.path(key))

    def _write_error(self, exc: OSError, path: str) -> Exception:
        """The error to raise for a write the file system refused: a DatastoreError saying what
        to do for the causes a user can fix, else ``exc`` itself."""
        where = "Could not write %s: %s." % (path, exc.strerror or exc)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return DatastoreError(
                "The datastore at %s is read-only" % self.root, [where],
                "Ask for write access to it, or choose a datastore you can write with --datastore-root "
                "or DUOFLOW_DATASTORE_ROOT. Reading it (dump, logs, the client) needs no write access.")
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return DatastoreError("No space left for the datastore at %s" % self.root, [where],
                                  "Free some space (or raise the quota), or choose another --datastore-root.")
        if exc.errno == errno.ENOTDIR:
            return DatastoreError(
                "The datastore at %s is damaged: a file stands where a directory belongs" % self.root,
                [where],
                "A file was put into the datastore by hand: move it away (or use another --datastore-root).")
        return exc

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
        with open(self.path(key), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                return memoryview(b"")
            return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))

    def list(self, key: str) -> List[str]:
        try:
            names = os.listdir(self.path(key))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(n for n in names if not n.startswith("."))

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


def _try_link(source: str, target: str) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False  # no hard links on this file system (or no such file)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
