"""Content-addressed blobs: a value's bytes stored once per flow, named by their hash.

The address of a blob is the hex BLAKE3 digest of its bytes; the artifact entry records it as
``"sha"`` and the algorithm as ``"hash": "blake3"``. Entries without ``"hash"`` were written
before BLAKE3 and name their blob by SHA-256; both are read and verified.

Why BLAKE3 (measured on this 2-core machine, 1 GiB of random floats): SHA-256 takes 0.61 s,
BLAKE3 0.17 s on one core and 0.09 s on two. A blob is hashed once when it is saved and once more
when it is loaded (the checksum check), so for large artifacts the hash was most of the save and
load time. BLAKE3 is a cryptographic hash like SHA-256: equal addresses still mean equal content.
"""

from __future__ import annotations

from typing import Tuple

from ..exceptions import ArtifactDecodeError
from . import pages
from .storage.local import LocalStorage
from .storage.protocol import iter_chunks

# The hash of newly saved blobs, and the one assumed for entries that do not name theirs.
HASH = "blake3"
LEGACY_HASH = "sha256"

# Below this many bytes one thread hashes faster than handing work to a second one.
_THREADED_FROM = 4 << 20


def new_hasher(name: str, size_hint: int = 0):
    """A fresh hasher for ``name`` ("blake3" or "sha256") with ``update``/``hexdigest``."""
    if name == "blake3":
        import blake3

        threads = blake3.blake3.AUTO if size_hint >= _THREADED_FROM else 1
        return blake3.blake3(max_threads=threads)
    if name == "sha256":
        import hashlib

        return hashlib.sha256()
    raise ArtifactDecodeError(
        "Unknown blob hash '%s'" % name,
        ["This duoflow knows blake3 and sha256."],
        "The artifact was probably written by a newer duoflow: upgrade duoflow to read it.")


def digest(data, name: str = HASH) -> str:
    """The hex digest of one buffer with hash ``name``."""
    view = memoryview(data)
    hasher = new_hasher(name, view.nbytes)
    hasher.update(view)
    return hasher.hexdigest()


# Bytes hashed per step when verifying a stored blob (its mapped pages are released after each).
_VERIFY_CHUNK = 8 << 20
_ABSENT, _INTACT, _DAMAGED = "absent", "intact", "damaged"
# A stored blob up to this size is checked with one read (open + read locally, one GET on S3);
# a larger one by its size first (a stat, a HEAD), so a wrong size costs no read at all.
_READ_WHOLE_UP_TO = 64 << 10


def digest_and_release(view: memoryview, name: str = HASH) -> str:
    """The digest of a blob read only to check it: when ``view`` maps a file, its pages are
    released from this process as they are hashed (they stay in the page cache), so checking a
    large blob does not add its size to the memory of the task that stores the value."""
    source = pages.mapped_file(view)
    hasher = new_hasher(name, view.nbytes)
    for start in range(0, view.nbytes, _VERIFY_CHUNK):
        chunk = view[start:start + _VERIFY_CHUNK]
        hasher.update(chunk)
        pages.release(source, start, chunk.nbytes)
        chunk.release()
    view.release()
    return hasher.hexdigest()


class BlobStore:
    """``<flow>/blobs/ab/abcdef...``: immutable, deduplicated, checked on every load."""

    def __init__(self, storage: LocalStorage, flow: str):
        self.storage = storage
        self.prefix = "%s/blobs" % flow
        # Keys this process stored or verified: a value stored twice (by one task, or a join that
        # passes its inputs' values on) is checked once.
        self._checked: set = set()

    def key(self, sha: str) -> str:
        return "%s/%s/%s" % (self.prefix, sha[:2], sha)

    def save(self, payload) -> Tuple[str, int]:
        """Store a payload (a buffer or buffers); returns ``(address, size)``, the address being
        the payload's :data:`HASH` digest.

        A blob already at that address is trusted only once it checks out (size, then hash): a
        damaged one (a flipped byte, a truncated copy) is replaced atomically by the payload, so
        storing a value again repairs its blob instead of pointing one more task at bad bytes.
        """
        chunks = list(iter_chunks(payload))
        size = sum(memoryview(chunk).nbytes for chunk in chunks)
        hasher = new_hasher(HASH, size)
        for chunk in chunks:
            hasher.update(chunk)
        sha = hasher.hexdigest()
        key = self.key(sha)
        if key in self._checked:  # written or verified by this process already
            return sha, size
        state = self._stored_state(key, sha, size)
        if state is _ABSENT:
            self.storage.write(key, chunks, overwrite=False)  # (S3: uploaded in the background)
        elif state is _DAMAGED:
            self.storage.write(key, chunks, overwrite=True)  # temp file + rename; one put on S3
        self._checked.add(key)
        return sha, size

    def _stored_state(self, key: str, sha: str, size: int) -> str:
        """Whether the blob at ``key`` is absent, intact, or damaged: its size first, then, when
        the size is right, the hash of the stored bytes themselves (on S3 the object, not the
        local read cache, which can hold a good copy of a damaged object)."""
        try:
            if size <= _READ_WHOLE_UP_TO:  # one read answers all three questions
                data = memoryview(self.storage.read(key))
                if data.nbytes != size:
                    return _DAMAGED
            else:
                if self.storage.size(key) != size:  # a stat, a HEAD on S3
                    return _DAMAGED
                data = memoryview(self.storage.read(key)) if self.storage.fetches_blobs else self.storage.map(key)
        except FileNotFoundError:
            return _ABSENT
        return _INTACT if digest_and_release(data, HASH) == sha else _DAMAGED

    @property
    def fetches(self) -> bool:
        """True when blobs are downloaded to be read, so :meth:`prefetch` is worth calling."""
        return self.storage.fetches_blobs

    def prefetch(self, shas) -> None:
        """Fetch several blobs at once ahead of ``load`` (parallel downloads on S3; no-op locally)."""
        if self.fetches:
            self.storage.prefetch([self.key(sha) for sha in shas])

    def load(self, sha: str, what: str = "blob", hash_name: str = HASH) -> memoryview:
        """The blob's bytes, verified against ``sha`` (a digest made with ``hash_name``);
        ``what`` names it in errors."""
        try:
            view = self.storage.map(self.key(sha))
        except FileNotFoundError:
            raise ArtifactDecodeError(
                "The stored data of %s is missing" % what,
                ["Expected blob %s in %s." % (sha, self.storage.path(self.prefix))],
                "The datastore was changed by hand or only partly copied.") from None
        matches = digest(view, hash_name) == sha  # one pass over the data
        if not matches and getattr(self.storage, "evict", None):
            self.storage.evict(self.key(sha))  # a damaged local cached copy: fetch it again
            view = self.storage.map(self.key(sha))
            matches = digest(view, hash_name) == sha
        if not matches:
            raise ArtifactDecodeError(
                "The stored data of %s is corrupt" % what,
                ["Blob %s (%d bytes) does not match its %s checksum." % (sha, view.nbytes, hash_name)],
                "The file was changed or truncated after it was written. Re-run the step that "
                "produced it (e.g. `resume STEP` from that step): storing the value again "
                "repairs the blob.")
        return view
