"""``bytes``: bytes, bytearray and memoryview values as their raw bytes, nothing around them.

Before this encoding, bytes went into tagged JSON as base64 (``{"$bytes": ...}``), which cost five
times the value in memory while saving (base64 text, the JSON document, its UTF-8 copy) and the
same again while loading. Here the blob *is* the value's memory: saving hands the value's own
buffer to the datastore (no copy), and loading copies the verified blob once into the new value,
dropping the blob's mapped pages as it goes, so peak memory stays about the value's size
(bench/bytes_memory.py measures it).

- ``bytes`` small enough to sit in the artifact index (base64 within ``INLINE_LIMIT``) are left
  to the ``json`` codec, as before: older duoflows read those too.
- ``bytearray`` and ``memoryview`` values of that size are kept inline here as base64 text.
- The entry's ``type`` says which of the three to rebuild. A memoryview keeps its ``format`` and
  ``shape`` (entry fields) and comes back as a read-only view of the blob's memory (no copy);
  a view that ``memoryview.cast`` cannot restore (a non-native format such as ``>i``, an empty
  view) comes back as a flat view of its bytes.
- Not compressed: the value's memory is the blob, so a load is one copy (or none for a view).
- R reads the value as a raw vector.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Optional

from .. import pages
from .base import INLINE_LIMIT, Buffer, Codec, Encoded, bad_payload, python_type_name

# The largest bytes whose tagged JSON ({"$bytes": "<base64>"}) is inlined by the json codec.
JSON_INLINE_BYTES = (INLINE_LIMIT - len('{"$bytes":""}')) // 4 * 3
# Bytes copied out of the blob per step of a load (its mapped pages are dropped after each).
COPY_CHUNK = 8 << 20
_KINDS = {bytes: "bytes", bytearray: "bytearray", memoryview: "memoryview"}


class BytesCodec(Codec):
    """bytes, bytearray, memoryview: raw."""

    encoding = "bytes"
    version = 1

    def accepts(self, value: Any) -> bool:
        return type(value) in _KINDS

    def encode(self, value: Any) -> Optional[Encoded]:
        view = memoryview(value)
        if type(value) is bytes and view.nbytes <= JSON_INLINE_BYTES:
            return None  # tagged JSON inlines it, as duoflow always did
        extra = {}
        if type(value) is memoryview:
            extra = {"format": view.format, "shape": list(view.shape)}
        flat = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
        kind = python_type_name(value)
        if flat.nbytes <= JSON_INLINE_BYTES:
            return Encoded(self.encoding, self.version, kind, inline=base64.b64encode(flat).decode("ascii"),
                           r_class="raw", extra=extra)
        return Encoded(self.encoding, self.version, kind, payload=flat, r_class="raw", extra=extra)

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        kind = entry.get("type")
        if payload is None:
            try:
                payload = base64.b64decode(entry["inline"], validate=True)
            except (KeyError, TypeError, ValueError) as exc:
                raise bad_payload(entry, "Its inline base64 text cannot be read: %s" % exc) from None
        view = memoryview(payload).cast("B")
        if kind == "memoryview":
            return _restore_view(view, entry)
        source = pages.mapped_file(view)
        pages.release(source, 0, view.nbytes)  # resident since the checksum pass: let them go first
        if kind == "bytearray":
            out = bytearray(view.nbytes)
            _copy_dropping(view, lambda start, chunk: out.__setitem__(slice(start, start + chunk.nbytes), chunk))
            return out
        if kind == "bytes":
            sink = io.BytesIO()
            _copy_dropping(view, lambda start, chunk: sink.write(chunk))
            # getvalue() hands over the BytesIO's own bytes object (CPython): no second copy.
            return sink.getvalue()
        raise bad_payload(entry, "Its type %r is not bytes, bytearray or memoryview." % (kind,))


def _restore_view(view: memoryview, entry: dict) -> memoryview:
    """The stored memoryview's format and shape over the blob's (read-only) memory."""
    fmt, shape = entry.get("format") or "B", entry.get("shape")
    if fmt == "B" and (shape is None or list(shape) == [view.nbytes]):
        return view
    try:
        return view.cast(fmt, shape) if shape is not None else view.cast(fmt)
    except (TypeError, ValueError):
        return view  # a cast() cannot restore (a non-native format such as ">i", an empty view): flat bytes


def _copy_dropping(view: memoryview, put) -> None:
    """``put(offset, chunk)`` for each chunk of ``view``; when ``view`` maps a file, the chunk's
    pages are released from this process after it is copied (the file stays in the page cache),
    so the blob's mapping and the new value are never both resident in full."""
    source = pages.mapped_file(view)
    for start in range(0, view.nbytes, COPY_CHUNK):
        chunk = view[start:start + COPY_CHUNK]
        put(start, chunk)
        pages.release(source, start, chunk.nbytes)
