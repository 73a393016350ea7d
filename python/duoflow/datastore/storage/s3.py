"""The S3 backend of the storage protocol (:mod:`.protocol`).

Same keys, same layout, under ``s3://bucket/prefix``. What differs from local files:

- Blobs (``write(..., overwrite=False)``) are checked with a HEAD first (never uploaded twice) and
  uploaded in the background by a bounded thread pool; every later metadata write and every marker
  waits for them first (``flush``), so DONE is put only after all of a task's blobs are stored.
  Large blobs go up in parts (boto3's managed transfer) streamed from the value's own buffers.
- Fork safety: the runtime forks its tasks. The boto3 client and the pool are created lazily per
  process; no pool thread outlives a ``flush``, and a fork waits for pending uploads first
  (``os.register_at_fork``), so a child never inherits a busy thread or a parent's client.
- Reads of blobs go through a local content-addressed cache (always valid, size-capped), and are
  memory-mapped from there.
- Errors: a missing key is ``FileNotFoundError`` (as locally); everything else becomes a
  :class:`DatastoreError` naming the bucket, the key and what to check. Transient failures are
  retried by botocore (mode and attempts from the environment). Credentials are never printed.
"""

from __future__ import annotations

import concurrent.futures
import mmap
import os
import random
import re
import sys
import tempfile
import threading
import time
import weakref
from typing import Any, Callable, List, Mapping, Optional, Sequence, Union

from ... import config
from ...exceptions import DatastoreError, UsageError
from .protocol import Buffer, LogSink, Storage, iter_chunks, json_bytes

LIST_PAGE_SIZE = 1000  # keys per listing request (S3's maximum); every page is read
CLAIM_MARKER = ".claim"  # the object that claims a "directory" (a run id) on S3
_SHA_NAME = re.compile(r"^[0-9a-f]{64}$")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
_DENIED = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled",
           "ExpiredToken", "InvalidToken", "AccountProblem"}
# A conditional write lost: the object changed (412), or another conditional write of it was in
# flight (409).
_CONFLICT = {"412", "PreconditionFailed", "409", "ConditionalRequestConflict"}
UPDATE_ATTEMPTS = 50  # read-modify-write rounds before giving up (each conflict means another writer won)

_instances: "weakref.WeakSet[S3Storage]" = weakref.WeakSet()


class MissingBucketError(DatastoreError):
    """The datastore root names a bucket that does not exist: bad input (exit 2), like a root
    that names no bucket or a run id that does not exist."""

    exit_code = 2


def parse_s3_root(root: str):
    """``(bucket, prefix)`` of ``s3://bucket/prefix`` (the prefix without slashes at its ends)."""
    if not root.startswith("s3://"):
        raise UsageError("%r is not an S3 datastore root" % root, hint="Write it as s3://bucket/prefix.")
    bucket, _, prefix = root[5:].partition("/")
    if not bucket:
        raise UsageError("The S3 datastore root %r names no bucket" % root, hint="Write it as s3://bucket/prefix.")
    return bucket, prefix.strip("/")


class S3Storage(Storage):
    """A datastore root in an S3 bucket (or an S3-compatible service: DUOFLOW_S3_ENDPOINT_URL)."""

    fetches_blobs = True  # blobs are downloaded to be read: prefetch() fetches several at once
    durable_writes = True  # S3 acknowledges a PUT once the object is stored durably

    def __init__(self, root: str):
        self.bucket, self.prefix = parse_s3_root(root)
        self.root = "s3://%s%s" % (self.bucket, "/" + self.prefix if self.prefix else "")
        self._reset()
        _instances.add(self)

    # -- per-process state -------------------------------------------------------------------
    def _reset(self) -> None:
        """Forget the client and pool (a forked child starts from nothing)."""
        self._pid = os.getpid()
        self._client = None
        self._pool: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._pending: List[concurrent.futures.Future] = []
        self._started: set = set()  # blob keys uploaded (or being uploaded) by this process
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.s3_max_pending())

    def _own(self) -> None:
        if self._pid != os.getpid():
            self._reset()

    @property
    def client(self):
        self._own()
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = _make_client()
        return self._client

    def key(self, key: str) -> str:
        """The object key of ``key``."""
        key = key.strip("/")
        if not self.prefix:
            return key
        return "%s/%s" % (self.prefix, key) if key else self.prefix

    def path(self, key: str) -> str:
        return "s3://%s/%s" % (self.bucket, self.key(key))

    # -- writing ---------------------------------------------------------------------------
    def write(self, key: str, chunks: Union[Buffer, Sequence[Buffer]], overwrite: bool = True) -> bool:
        """Put ``chunks`` at ``key``. With ``overwrite=False`` (immutable, content-addressed blobs)
        the check (HEAD) and upload run in the background until the next flush, and an existing
        object is never uploaded again; False then means "already stored by this process"."""
        chunks = list(iter_chunks(chunks))
        if overwrite:
            self._put(key, chunks)
            return True
        self._own()
        if key in self._started:
            return False
        self._started.add(key)
        self._slots.acquire()  # bounds the payloads held for uploads in flight
        try:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(config.s3_workers(), "duoflow-s3")
            future = self._pool.submit(self._put_if_absent, key, chunks)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        self._pending.append(future)
        return True

    def flush(self) -> None:
        """Wait for the background uploads; raise the first failure. No pool thread survives."""
        self._own()
        pending, self._pending = self._pending, []
        failure = None
        for future in pending:
            try:
                future.result()
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                failure = failure or exc
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if failure is not None:
            raise failure.with_traceback(None)  # its frames are the pool's, not the user's

    def _put_if_absent(self, key: str, chunks: List[Buffer]) -> None:
        try:
            if self._head(key) is None:  # content-addressed: an existing object is the same bytes
                self._put(key, chunks)
        except BaseException:
            self._started.discard(key)  # not stored: a later save tries again
            raise

    def _quiesce(self) -> None:
        """Before a fork: let uploads finish and stop the pool (failures stay for ``flush``)."""
        if self._pid != os.getpid():
            return
        concurrent.futures.wait(self._pending)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _put(self, key: str, chunks: List[Buffer]) -> None:
        size = sum(memoryview(c).nbytes for c in chunks)
        if size < config.S3_MULTIPART_THRESHOLD:
            body = chunks[0] if len(chunks) == 1 and isinstance(chunks[0], bytes) else b"".join(chunks)
            self._call("write", key, lambda: self.client.put_object(Bucket=self.bucket, Key=self.key(key), Body=body))
        else:
            reader = _ChunkReader(chunks)
            self._call("write", key, lambda: self.client.upload_fileobj(
                reader, self.bucket, self.key(key), Config=_transfer_config()))

    def write_json(self, key: str, value: Any) -> None:
        self.flush()  # metadata may name blobs: they are stored first
        self._put(key, [json_bytes(value)])

    def update_json(self, key: str, change: Callable[[Optional[Any]], Any]) -> Any:
        """Optimistic: read the object and its ETag, put the new value only if the ETag is
        unchanged (``IfMatch``; ``IfNoneMatch='*'`` when it did not exist), and start over when
        another writer got there first (412 or 409)."""
        self.flush()
        for attempt in range(UPDATE_ATTEMPTS):
            try:
                data, etag = self._get(key)
                current = self._decode_for_update(data, key)
            except FileNotFoundError:
                current, etag = None, None
            value = change(current)
            condition = {"IfMatch": etag} if etag is not None else {"IfNoneMatch": "*"}
            body = json_bytes(value)
            try:
                self._call("update", key, lambda: self.client.put_object(
                    Bucket=self.bucket, Key=self.key(key), Body=body, **condition), conflict=True)
                return value
            except (_Conflict, FileNotFoundError):  # changed, or deleted, since it was read
                time.sleep(random.uniform(0, min(1.0, 0.01 * 2 ** attempt)))
        raise DatastoreError("Could not update %s: other writers kept changing it" % self.path(key),
                             ["%d attempts, each beaten by a concurrent update." % UPDATE_ATTEMPTS],
                             "Try again when the other updates are done.")

    def write_unpublished(self, key: str, data: Buffer) -> None:
        self._put(key, [data])

    def link_unpublished(self, source_key: str, key: str) -> None:
        """A server-side copy (no data through this machine)."""
        source = {"Bucket": self.bucket, "Key": self.key(source_key)}
        self._call("copy %s to" % self.path(source_key), key, lambda: self.client.copy_object(
            Bucket=self.bucket, Key=self.key(key), CopySource=source))

    def publish_marker(self, key: str, sizes: Optional[Mapping[str, int]] = None) -> None:
        """An empty object: S3's writes are durable, so ``sizes`` need no record."""
        self.flush()  # a task is visible once DONE exists: everything it names is stored before
        self._put(key, [b""])

    def make_dir_exclusive(self, key: str) -> bool:
        """Claim ``key`` with a conditional put of its marker: False when someone holds it."""
        marker = key.rstrip("/") + "/" + CLAIM_MARKER
        try:
            self._call("claim", marker, lambda: self.client.put_object(
                Bucket=self.bucket, Key=self.key(marker), Body=b"", IfNoneMatch="*"), conflict=True)
        except _Conflict:
            return False
        return True

    def make_dirs(self, key: str) -> None:
        """S3 has no directories."""

    def log_sink(self, key: str) -> "S3LogSink":
        return S3LogSink(self, key)

    # -- reading ---------------------------------------------------------------------------
    def _head(self, key: str) -> Optional[dict]:
        try:
            return self._call("look up", key, lambda: self.client.head_object(Bucket=self.bucket, Key=self.key(key)))
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        """An object at ``key``, or objects below it (a "directory")."""
        if key and self._head(key) is not None:
            return True
        prefix = self.key(key) + "/" if self.key(key) else ""
        found = self._call("list", key, lambda: self.client.list_objects_v2(
            Bucket=self.bucket, Prefix=prefix, MaxKeys=1))
        return bool(found.get("KeyCount") or found.get("Contents") or found.get("CommonPrefixes"))

    def read(self, key: str) -> bytes:
        return self._get(key)[0]

    def _get(self, key: str):
        """``(content, etag)`` of ``key``."""
        response = self._call("read", key, lambda: self.client.get_object(Bucket=self.bucket, Key=self.key(key)))
        return self._call("read", key, lambda: response["Body"].read()), response["ETag"]

    def map(self, key: str) -> memoryview:
        """A read-only view of the object: blobs from the local cache (downloaded once), memory-mapped."""
        name = key.rsplit("/", 1)[-1]
        if not _SHA_NAME.match(name):
            return memoryview(self.read(key))
        from .s3_cache import BlobCache

        cache = BlobCache()
        path = cache.lookup(name)
        if path is None:
            path = cache.add(name, lambda tmp: self._download(key, tmp))
        try:
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size == 0:
                    return memoryview(b"")
                return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        finally:
            if not cache.enabled:
                os.unlink(path)  # no cache: the mapping keeps the data alive

    def evict(self, key: str) -> None:
        """Drop a blob's cached copy (it failed its checksum)."""
        from .s3_cache import BlobCache

        name = key.rsplit("/", 1)[-1]
        if _SHA_NAME.match(name):
            try:
                os.unlink(BlobCache().path(name))
            except OSError:
                pass

    def prefetch(self, keys: Sequence[str]) -> None:
        """Download these blobs into the read cache in parallel (a bounded pool, stopped before
        returning), so the ``map`` calls that follow are local."""
        from .s3_cache import BlobCache

        cache = BlobCache()
        if not cache.enabled:
            return
        wanted = {}
        for key in keys:
            name = key.rsplit("/", 1)[-1]
            if _SHA_NAME.match(name) and cache.lookup(name) is None:
                wanted[name] = key
        if len(wanted) < 2:
            return  # one blob: map downloads it (in parts when large)
        self._own()
        with concurrent.futures.ThreadPoolExecutor(min(config.s3_workers(), len(wanted)), "duoflow-s3-get") as pool:
            futures = [pool.submit(cache.add, name, lambda tmp, key=key: self._download(key, tmp))
                       for name, key in wanted.items()]
            for future in futures:
                future.result()

    def _download(self, key: str, target: str) -> None:
        self._call("read", key, lambda: self.client.download_file(
            self.bucket, self.key(key), target, Config=_transfer_config()))

    def list(self, key: str) -> List[str]:
        """Names directly under ``key`` (sorted, every page; claim markers and other dot names excluded)."""
        prefix = self.key(key) + "/" if self.key(key) else ""
        names = set()
        paginator = self.client.get_paginator("list_objects_v2")

        def pages():
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/",
                                           PaginationConfig={"PageSize": LIST_PAGE_SIZE}):
                for common in page.get("CommonPrefixes") or ():
                    names.add(common["Prefix"][len(prefix):].rstrip("/"))
                for obj in page.get("Contents") or ():
                    names.add(obj["Key"][len(prefix):])

        self._call("list", key, pages)
        return sorted(n for n in names if n and not n.startswith("."))

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileNotFoundError(self.path(key))
        return int(head["ContentLength"])

    # -- errors ----------------------------------------------------------------------------
    def _call(self, what: str, key: str, fn: Callable[[], Any], conflict: bool = False) -> Any:
        """Run one S3 operation; translate botocore's failures into duoflow's."""
        from botocore import exceptions as bx

        try:
            return fn()
        except bx.ClientError as exc:
            error = exc.response.get("Error") or {}
            code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            if conflict and code in _CONFLICT:
                raise _Conflict() from None
            if code in _NOT_FOUND:
                raise FileNotFoundError(self.path(key)) from None
            raise self._error(what, key, code, error.get("Message") or "") from None
        except bx.NoCredentialsError:
            raise DatastoreError(
                "No AWS credentials found to %s %s" % (what, self.path(key)),
                hint="Set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or configure "
                     "~/.aws/credentials.") from None
        except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError,
                bx.ReadTimeoutError, bx.ProxyConnectionError, bx.SSLError) as exc:
            raise DatastoreError(
                "Cannot reach the S3 endpoint %s to %s %s" % (_endpoint_label(), what, self.path(key)),
                ["%s (after %d attempts)." % (type(exc).__name__, config.s3_max_attempts())],
                "Check DUOFLOW_S3_ENDPOINT_URL (or AWS_ENDPOINT_URL), the region and the network.") from None
        except bx.BotoCoreError as exc:
            raise DatastoreError("S3 failed to %s %s" % (what, self.path(key)),
                                 ["%s: %s" % (type(exc).__name__, _scrub(str(exc)))]) from None
        except Exception as exc:
            # boto3's managed transfers wrap failures (S3UploadFailedError, RetriesExceededError).
            if type(exc).__module__.split(".")[0] not in ("boto3", "s3transfer", "urllib3"):
                raise
            text = _scrub(str(exc))
            if "NoSuchBucket" in text:
                raise self._error(what, key, "NoSuchBucket", "") from None
            if "AccessDenied" in text or "(403)" in text:
                raise self._error(what, key, "AccessDenied", "") from None
            raise DatastoreError("S3 failed to %s %s" % (what, self.path(key)),
                                 ["Bucket '%s', key '%s', endpoint %s." % (self.bucket, self.key(key), _endpoint_label()),
                                  "%s: %s" % (type(exc).__name__, text)],
                                 "If this keeps happening, check the endpoint, region and bucket settings.") from None

    def _error(self, what: str, key: str, code: str, message: str) -> DatastoreError:
        where = "Bucket '%s', key '%s', endpoint %s." % (self.bucket, self.key(key), _endpoint_label())
        if code == "NoSuchBucket":
            return MissingBucketError(
                "The S3 bucket '%s' does not exist (while trying to %s %s)" % (self.bucket, what, self.path(key)),
                [where], "Create the bucket, or fix --datastore-root / DUOFLOW_DATASTORE_ROOT; check "
                "DUOFLOW_S3_ENDPOINT_URL and the region if the bucket lives elsewhere.")
        if code in _DENIED:
            return DatastoreError(
                "Access denied to S3 bucket '%s' (while trying to %s %s)" % (self.bucket, what, self.path(key)),
                [where, "S3 said: %s %s" % (code, _scrub(message))],
                "Check which credentials are in use (AWS_PROFILE, AWS_ACCESS_KEY_ID), that they are "
                "valid, and that the bucket policy allows s3:GetObject, s3:PutObject and s3:ListBucket.")
        return DatastoreError(
            "S3 failed to %s %s" % (what, self.path(key)),
            [where, "S3 said: %s %s" % (code, _scrub(message))],
            "If this keeps happening, check the endpoint, region and bucket settings.")


class _Conflict(Exception):
    """A conditional write that another writer beat."""


class S3LogSink(LogSink):
    """A task's log stream: kept in a local temp file while it runs, uploaded when it closes."""

    def __init__(self, storage: S3Storage, key: str):
        self.storage, self.key = storage, key
        self.handle = None

    def write(self, data: bytes) -> None:
        if self.handle is None:
            self.handle = tempfile.TemporaryFile(prefix="duoflow-log-")
        self.handle.write(data)

    def close(self) -> None:
        if self.handle is None:
            return
        handle, self.handle = self.handle, None
        try:
            handle.seek(0)
            storage = self.storage
            storage._call("write", self.key, lambda: storage.client.put_object(
                Bucket=storage.bucket, Key=storage.key(self.key), Body=handle))
        except DatastoreError as exc:  # a lost log must not stop the run: say so instead
            sys.stderr.write("duoflow: could not store the log %s:\n%s\n" % (storage.path(self.key), exc))
        finally:
            handle.close()


class _ChunkReader:
    """A non-seekable file over a list of buffers, read part by part (no joined copy)."""

    def __init__(self, chunks: List[Buffer]):
        self._chunks = [memoryview(c).cast("B") for c in chunks]
        self._index = 0
        self._offset = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        out = []
        wanted = size if size is not None and size >= 0 else float("inf")
        while wanted > 0 and self._index < len(self._chunks):
            chunk = self._chunks[self._index]
            take = chunk[self._offset:self._offset + wanted] if wanted != float("inf") else chunk[self._offset:]
            out.append(take)
            self._offset += take.nbytes
            wanted -= take.nbytes
            if self._offset >= chunk.nbytes:
                self._index, self._offset = self._index + 1, 0
        return b"".join(out)


_session = None


def _make_client():
    """A new client for this process. The botocore session (pure data: the loaded service model,
    the credential chain) is kept per module so a forked task builds its client in milliseconds;
    the client (connections) is never shared across a fork."""
    global _session
    import boto3
    from botocore.config import Config

    if _session is None:
        _session = boto3.session.Session()

    options = dict(retries={"mode": config.s3_retry_mode(), "max_attempts": config.s3_max_attempts()},
                   connect_timeout=config.s3_connect_timeout(), read_timeout=60,
                   max_pool_connections=max(10, config.s3_workers() * 2))
    endpoint = config.s3_endpoint_url()
    if endpoint:
        options["s3"] = {"addressing_style": "path"}  # MinIO, Ceph, moto: no bucket DNS names
    return _session.client("s3", endpoint_url=endpoint, config=Config(**options))


def _transfer_config():
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(multipart_threshold=config.S3_MULTIPART_THRESHOLD,
                          multipart_chunksize=config.S3_MULTIPART_CHUNK, max_concurrency=config.s3_workers())


def _endpoint_label() -> str:
    return _scrub(config.s3_endpoint_url() or "AWS default (region from the AWS config)")


def _scrub(text: str) -> str:
    """Remove anything that could be a credential: user:password@ in URLs, signatures, keys."""
    text = re.sub(r"//[^/@\s]+@", "//", text)
    text = re.sub(r"(?i)(signature|credential|x-amz-security-token|secret\w*)=[^&\s]+", r"\1=***", text)
    for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID"):
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


def _before_fork() -> None:
    for storage in list(_instances):
        storage._quiesce()


def _after_fork_in_child() -> None:
    for storage in list(_instances):
        storage._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)
