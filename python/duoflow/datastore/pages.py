"""Releasing the memory-mapped pages of a blob that is read once (checked, or copied into a value).

A blob is read through a memory map (:meth:`LocalStorage.map`, S3's read cache). Every page read
stays in the process's resident memory until the map is closed, so checking a 1 GiB blob, or
copying it into a new ``bytes`` value, would hold the blob's size on top of everything else.
``MADV_DONTNEED`` on a read-only file mapping only unmaps those pages from this process: the data
stays in the page cache, and reading the page again maps it back.
"""

from __future__ import annotations

import mmap
from typing import Optional


def mapped_file(view: memoryview) -> Optional[mmap.mmap]:
    """The memory map that ``view`` covers whole (a blob's), or None (bytes, a part of a map)."""
    source = view.obj
    return source if isinstance(source, mmap.mmap) and len(source) == view.nbytes else None


def release(source: Optional[mmap.mmap], start: int, length: int) -> None:
    """Unmap ``length`` bytes of ``source`` from ``start`` (a multiple of the page size) from
    this process's memory; nothing when ``source`` is None or madvise is not available."""
    if source is None or length <= 0:
        return
    try:
        source.madvise(mmap.MADV_DONTNEED, start, length)
    except (AttributeError, OSError, ValueError):  # no madvise here: only memory use differs
        pass
