"""Compression where it pays: decided per encoding by trying a sample, recorded in the entry.

A compressed payload is a sequence of independent zstd frames, one per ``CHUNK`` bytes
of the raw payload, so compressing never holds a second full-size copy and decompressing fills
one preallocated buffer. The entry records ``{"method", "raw_size", "frames"}`` (``frames`` =
``[compressed size, raw size]`` of each frame) under ``"compression"``; a payload without that
key is stored as is.

Why per encoding (measured by ``bench/serialization.py`` on this machine):
- ``ndarray``: random floats shrink by ~6 % at best, and compressing them would cost the
  zero-copy load, so raw arrays stay raw unless a sample saves at least half (zeros, sparse or
  low-entropy data, where zstd also saves the disk and I/O time).
- ``json`` and ``rds``: text and R's serialization compress 3-10x; they are decoded by copying
  anyway, so compression is kept when it saves 20 %.
- ``arrow`` uses Arrow's own IPC body compression (readable by any Arrow reader, R's too), with
  the same sampling decision; see :mod:`.arrow_codec`.
- zstd level 1 over lz4: on zeros it compresses ~8 GB/s and decompresses into place faster than
  lz4, and on text it packs 2-3x smaller (0.15 vs 0.41 of a text-heavy frame); level 3 costs
  twice the time for ~1 % less. So lz4 is not used (nor a dependency).

Frames are compressed and decompressed on every core (zstandard releases the GIL): 1 GiB of
compressible bytes took 2.4 s to compress and 1.3 s to decompress on one core here, 1.2 s and
0.7 s on two.

Zero frames (arrays only, ``zero_frames=True``): a frame whose raw bytes are all zero is not
stored; its entry is ``[0, raw size]`` (zstd never writes an empty frame). Decompressing then
starts from ``np.zeros``, whose memory the kernel hands out already zeroed and only when it is
touched, and fills in the other frames. Writing 1 GiB of decompressed zeros into a new buffer cost
0.2-1.7 s here (the first touch of fresh memory is slow on this VM); skipping it costs nothing.
A reader that predates zero frames would fail on them, so an array stored with any is written
as version 2 of its encoding (see :func:`has_zero_frames`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

CHUNK = 8 << 20          # raw bytes per frame
SAMPLE_SLICE = 64 << 10  # bytes per sample slice
SAMPLE_SLICES = 4        # sample slices spread over the payload


@dataclass(frozen=True)
class Policy:
    """When an encoding compresses: ``method`` if the payload is at least ``min_size`` bytes
    and a sample shrinks to at most ``max_ratio`` of its size."""

    method: Optional[str]
    min_size: int
    max_ratio: float


POLICIES: Dict[str, Policy] = {
    "ndarray": Policy("zstd", 1 << 20, 0.5),
    "json": Policy("zstd", 4 << 10, 0.8),
    "rds": Policy("zstd", 4 << 10, 0.8),
    "arrow": Policy("zstd", 64 << 10, 0.8),
}


# -- the compressors --------------------------------------------------------------------------

def _zstd_compress(data) -> bytes:
    import zstandard

    # Level 1: ~3 GB/s on zeros and within a few % of level 3's size on real data here.
    return zstandard.ZstdCompressor(level=1).compress(data)


_COMPRESS = {"zstd": _zstd_compress}


def compress_frame(method: str, data) -> bytes:
    """One compressed frame of ``data`` with ``method`` (only "zstd" today)."""
    return _COMPRESS[method](data)


def decompress_frame(method: str, frame, size: int) -> bytes:
    """The ``size`` raw bytes of one frame."""
    if method == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().decompress(frame, max_output_size=size)
    raise ValueError("unknown compression method %r" % method)


# -- deciding ----------------------------------------------------------------------------------

def sample(view: memoryview) -> List[memoryview]:
    """Up to ``SAMPLE_SLICES`` slices spread over ``view`` (all of it when small)."""
    size = view.nbytes
    if size <= SAMPLE_SLICE * SAMPLE_SLICES:
        return [view]
    step = (size - SAMPLE_SLICE) // (SAMPLE_SLICES - 1)
    return [view[i * step:i * step + SAMPLE_SLICE] for i in range(SAMPLE_SLICES)]


def sample_ratio(method: str, view: memoryview) -> float:
    """Compressed/raw size of a sample of ``view`` with ``method``."""
    parts = sample(view)
    raw = sum(p.nbytes for p in parts)
    packed = sum(len(compress_frame(method, p)) for p in parts)
    return packed / raw if raw else 1.0


def choose(encoding: str, view: memoryview) -> Optional[str]:
    """The compression method for a payload of ``encoding``, or None to store it raw."""
    policy = POLICIES.get(encoding)
    if policy is None or policy.method is None or view.nbytes < policy.min_size:
        return None
    if sample_ratio(policy.method, view) > policy.max_ratio:
        return None
    return policy.method


# -- whole payloads ------------------------------------------------------------------------------

def as_bytes_view(chunks) -> memoryview:
    """A flat byte view of one buffer (several are joined: only used for small payloads)."""
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        return memoryview(chunks).cast("B")
    return memoryview(b"".join(chunks))


def compress(method: str, chunks, zero_frames: bool = False) -> Tuple[List[bytes], Dict[str, Any]]:
    """Compress a payload (a buffer or buffers, back to back) into frames of at most ``CHUNK``
    raw bytes each (a small header buffer is its own frame), on every core.

    With ``zero_frames``, a frame of zero bytes is left out and recorded with compressed size 0.
    Returns the frames and the ``compression`` entry field that :func:`decompress` reads:
    ``{"method", "raw_size", "frames": [[compressed size, raw size], ...]}``.
    """
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = [chunks]
    pieces: List[memoryview] = []
    for chunk in chunks:
        view = memoryview(chunk).cast("B")
        pieces.extend(view[start:start + CHUNK] for start in range(0, view.nbytes, CHUNK))

    def pack(piece: memoryview) -> bytes:
        if zero_frames and _all_zero(piece):
            return b""
        return compress_frame(method, piece)

    packed = parallel_map(pack, pieces)
    sizes = [[len(frame), piece.nbytes] for frame, piece in zip(packed, pieces)]
    raw = sum(size for _, size in sizes)
    return [frame for frame in packed if frame], {"method": method, "raw_size": raw, "frames": sizes}


def has_zero_frames(extra: Dict[str, Any]) -> bool:
    """True when a payload's ``compression`` field (in ``extra``) left out zero frames."""
    info = extra.get("compression")
    return bool(info) and any(packed == 0 for packed, _ in info["frames"])


def _all_zero(piece: memoryview) -> bool:
    """True when every byte of ``piece`` is zero (~25 GB/s: counted 8 bytes at a time)."""
    import numpy as np

    data = np.frombuffer(piece, dtype=np.uint8)
    whole = data.nbytes - data.nbytes % 8
    return not np.count_nonzero(data[:whole].view(np.uint64)) and not np.count_nonzero(data[whole:])


def parallel_map(function: Callable[[Any], Any], items: Sequence[Any]) -> List[Any]:
    """``[function(item) for item in items]``, on a thread per core when there are several items
    (for work that releases the GIL). The threads are gone when it returns, so a process may
    fork afterwards."""
    workers = min(len(items), os.cpu_count() or 1)
    if workers <= 1:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def decompress(payload: memoryview, info: Dict[str, Any]):
    """The raw payload of a compressed one, as a new writable numpy uint8 array.

    Raises ValueError when the payload does not match ``info`` (truncated, altered).
    """
    import numpy as np

    method, raw_size, frames = info["method"], int(info["raw_size"]), info["frames"]
    if method not in _COMPRESS:
        raise ValueError("unknown compression method %r" % method)
    if sum(packed for packed, _ in frames) != payload.nbytes:
        raise ValueError("the compressed payload has %d bytes, its frames add up to %d"
                         % (payload.nbytes, sum(packed for packed, _ in frames)))
    if sum(size for _, size in frames) != raw_size:
        raise ValueError("the frames' sizes do not add up to the raw size %d" % raw_size)
    holes = any(packed == 0 for packed, _ in frames)
    # Zero frames are simply not written: np.zeros' memory is already zero, and untouched.
    out = np.zeros(raw_size, dtype=np.uint8) if holes else np.empty(raw_size, dtype=np.uint8)
    jobs = []  # (compressed frame, where its bytes go)
    source = target = 0
    for packed, size in frames:
        if packed:
            jobs.append((payload[source:source + packed], memoryview(out)[target:target + size]))
        source += packed
        target += size
    parallel_map(_zstd_frame_into, jobs)
    return out


def _zstd_frame_into(job: Tuple[memoryview, memoryview]) -> None:
    """Decompress one zstd frame straight into its slice of the output, which it must fill
    exactly (no intermediate buffers: measured 5-10x faster than decompressing into new bytes
    and copying)."""
    import zstandard

    frame, out = job
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(frame)
        pos = 0
        while pos < out.nbytes:
            got = reader.readinto(out[pos:])
            if not got:
                break
            pos += got
        extra = reader.read(1)
    except zstandard.ZstdError as exc:
        raise ValueError("zstd: %s" % exc) from None
    if pos != out.nbytes or extra:
        raise ValueError("a compressed frame gave %s bytes instead of %d"
                         % ("more" if extra else pos, out.nbytes))


def maybe_compress(encoding: str, chunks, zero_frames: bool = False) -> Tuple[Any, Dict[str, Any]]:
    """``(payload, extra)``: the payload compressed when that pays for ``encoding`` (leaving
    out zero frames when ``zero_frames``: see :func:`compress`)."""
    view = as_bytes_view(chunks) if isinstance(chunks, (bytes, bytearray, memoryview)) else None
    if view is None:
        # Several buffers: decide on the largest (an array's memory), compress them all.
        largest = max(chunks, key=lambda c: memoryview(c).nbytes)
        view = memoryview(largest).cast("B")
    method = choose(encoding, view)
    if method is None:
        return chunks, {}
    frames, info = compress(method, chunks, zero_frames)
    return frames, {"compression": info}


def maybe_decompress(payload: memoryview, entry: Dict[str, Any]):
    """The raw payload of ``entry``: ``payload`` itself, or its decompressed copy."""
    info = entry.get("compression")
    if not info:
        return payload
    return memoryview(decompress(payload, info))
