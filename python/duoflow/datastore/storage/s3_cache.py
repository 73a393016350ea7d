"""The local read cache of S3 blobs: content-addressed (a file named by its content hash is always
valid), shared by every process and run on the machine, trimmed to a size cap (least recently used
first). ``DUOFLOW_S3_CACHE_DIR`` (default ``~/.cache/duoflow/s3``), ``DUOFLOW_S3_CACHE_MAX_BYTES``
(default 10 GiB; 0 turns caching off: blobs are then downloaded to a temp file for each read)."""

from __future__ import annotations

import os
import tempfile
from typing import Callable, Optional

from ... import config


class BlobCache:
    def __init__(self) -> None:
        self.directory = config.s3_cache_dir()
        self.max_bytes = config.s3_cache_max_bytes()
        self.enabled = self.max_bytes > 0

    def path(self, sha: str) -> str:
        return os.path.join(self.directory, sha[:2], sha)

    def lookup(self, sha: str) -> Optional[str]:
        if not self.enabled:
            return None
        path = self.path(sha)
        try:
            os.utime(path)  # recently used: trimmed last
        except OSError:
            return None
        return path

    def add(self, sha: str, download: Callable[[str], None]) -> str:
        """Download into a temp file beside the cache entry, then rename it in (atomic)."""
        target = self.path(sha) if self.enabled else os.path.join(tempfile.gettempdir(), "duoflow-blob-" + sha)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(target))
        os.close(fd)
        try:
            download(tmp)
            if not self.enabled:
                return tmp
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        self.trim(keep=target)
        return target

    def trim(self, keep: str) -> None:
        """Remove least recently used entries until the cache fits its cap (``keep`` stays)."""
        entries = []
        total = 0
        for current, _dirs, files in os.walk(self.directory):
            for name in files:
                path = os.path.join(current, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                total += stat.st_size
                entries.append((stat.st_mtime, stat.st_size, path))
        if total <= self.max_bytes:
            return
        for _mtime, size, path in sorted(entries):
            if path == keep:
                continue
            try:
                os.unlink(path)  # open memory maps of it stay valid
            except OSError:
                continue
            total -= size
            if total <= self.max_bytes:
                return
