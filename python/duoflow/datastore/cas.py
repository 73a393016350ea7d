"""Content-addressed blobs: a value's bytes stored once per flow, named by their SHA-256."""

from __future__ import annotations

import hashlib
from typing import Tuple

from ..exceptions import ArtifactDecodeError
from .storage import LocalStorage, iter_chunks


class BlobStore:
    """``<flow>/blobs/ab/abcdef...``: immutable, deduplicated, checked on every load."""

    def __init__(self, storage: LocalStorage, flow: str):
        self.storage = storage
        self.prefix = "%s/blobs" % flow

    def key(self, sha: str) -> str:
        return "%s/%s/%s" % (self.prefix, sha[:2], sha)

    def save(self, payload) -> Tuple[str, int]:
        """Store a payload (a buffer or buffers); returns ``(sha256 hex, size)``."""
        chunks = list(iter_chunks(payload))
        digest = hashlib.sha256()
        size = 0
        for chunk in chunks:
            digest.update(chunk)
            size += memoryview(chunk).nbytes
        sha = digest.hexdigest()
        # An existing blob has the same content by construction: never write it again.
        self.storage.write(self.key(sha), chunks, overwrite=False)
        return sha, size

    def prefetch(self, shas) -> None:
        """Fetch several blobs at once ahead of ``load`` (parallel downloads on S3; no-op locally)."""
        prefetch = getattr(self.storage, "prefetch", None)
        if prefetch is not None:
            prefetch([self.key(sha) for sha in shas])

    def load(self, sha: str, what: str = "blob") -> memoryview:
        """The blob's bytes, verified against ``sha``; ``what`` names it in errors."""
        try:
            view = self.storage.map(self.key(sha))
        except FileNotFoundError:
            raise ArtifactDecodeError(
                "The stored data of %s is missing" % what,
                ["Expected blob %s in %s." % (sha, self.storage.path(self.prefix))],
                "The datastore was changed by hand or only partly copied.") from None
        matches = hashlib.sha256(view).hexdigest() == sha  # one pass over the data
        if not matches and getattr(self.storage, "evict", None):
            self.storage.evict(self.key(sha))  # a damaged local cached copy: fetch it again
            view = self.storage.map(self.key(sha))
            matches = hashlib.sha256(view).hexdigest() == sha
        if not matches:
            raise ArtifactDecodeError(
                "The stored data of %s is corrupt" % what,
                ["Blob %s (%d bytes) does not match its checksum." % (sha, view.nbytes)],
                "The file was changed or truncated after it was written; re-run the step "
                "that produced it.")
        return view
