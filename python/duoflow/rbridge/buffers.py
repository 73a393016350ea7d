"""Column buffers in R's own memory layout, so values cross the bridge as a few byte strings.

R reads ``bytearray`` s (reticulate turns one into an R raw vector with one copy) with
``readBin`` and writes them with ``writeBin``: no per-element conversion on either side. These
helpers make and read those buffers:

- numbers: little-endian int32 (R's logical and integer) and float64 (double, Date, POSIXct),
  with R's missing values written in place: ``NA_integer_`` and logical ``NA`` are INT_MIN,
  ``NA_real_`` is the NaN whose low word is 1954 (R's ``R_IsNA``; a NaN with any other payload
  is ``NaN``). So neither side needs a separate NA mask for them;
- strings: one UTF-8 buffer of NUL-terminated strings (what ``readBin(what = "character")``
  reads and ``writeBin`` writes), plus the 1-based positions of the missing ones and of those
  that are not ASCII (R marks those UTF-8). R strings cannot hold NUL; a Python string with one
  has no R counterpart (the caller falls back to a list, which reticulate refuses as before).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

INT_NA = -(2 ** 31)  # R's NA_integer_ and logical NA
REAL_NA_BITS = 0x7FF00000000007A2  # R's NA_real_ (R_ValueOfNA: high word 0x7FF00000, low word 1954)
NA_LOW_WORD = 1954


# -- numbers --------------------------------------------------------------------------------------

def numbers_bytes(values, mask, rtype: str) -> bytearray:
    """``values`` (1-d numpy) as R's ``rtype`` buffer, with R's NA where ``mask`` is true."""
    import numpy as np

    native = {"logical": "<i4", "integer": "<i4", "double": "<f8", "complex": "<c16"}[rtype]
    if values.dtype == np.dtype(native) and values.flags.c_contiguous and (mask is None or not np.any(mask)):
        return _bytearray(values)  # already R's layout: the one copy reticulate needs
    out = np.empty(len(values), dtype=native)
    out[...] = values  # one pass: cast and copy
    if mask is not None and rtype != "complex":
        where = np.asarray(mask, dtype=bool)
        if where.any():
            if rtype == "double":
                out.view("<u8")[where] = REAL_NA_BITS  # bit pattern: arithmetic would lose the payload
            else:
                out[where] = INT_NA
    return _bytearray(out)


def _bytearray(array) -> bytearray:
    """The bytes of a contiguous numpy array in a bytearray (the one type reticulate turns into a
    raw vector; bytes and memoryview stay Python references in reticulate 1.28)."""
    return bytearray(memoryview(array).cast("B"))


def numbers_from_bytes(data: Any, rtype: str):
    """``(values, mask)`` of an R buffer: numpy values (0 where R had NA) and the NA mask (None
    when there is none). NaN that is not NA stays NaN. A bytearray is used in place (and its NA
    slots zeroed): it is the one reticulate made for this call."""
    import numpy as np

    raw = data if data is not None else b""
    if rtype == "complex":
        return np.frombuffer(raw, dtype="<c16").astype("complex128"), None
    if rtype == "double":
        values = _owned(raw, "<f8")
        nan = np.isnan(values)
        if not nan.any():
            return values, None
        mask = nan & ((values.view("<u8") & 0xFFFFFFFF) == NA_LOW_WORD)
    else:
        values = _owned(raw, "<i4")
        mask = values == INT_NA
    if not mask.any():
        mask = None
    else:
        values[mask] = 0
    if rtype == "logical":
        values = values.astype(bool)
    return values, mask


def _owned(raw, dtype: str):
    """numpy values over R's buffer: the bytearray reticulate made is the bridge's alone, so it
    is used in place; anything read-only is copied."""
    import numpy as np

    values = np.frombuffer(raw, dtype=dtype)
    return values if values.flags.writeable else values.copy()


def positions_bytes(mask) -> Optional[bytearray]:
    """1-based int32 positions where ``mask`` is true (None when there are none)."""
    import numpy as np

    if mask is None:
        return None
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(where):
        return None
    return _bytearray((where + 1).astype("<i4"))


def mask_from_positions(data: Any, length: int):
    """The boolean mask of ``length`` elements true at the 1-based int32 ``positions`` (or None)."""
    import numpy as np

    if data is None:
        return None
    where = np.frombuffer(data, dtype="<i4").astype(np.intp) - 1
    mask = np.zeros(length, dtype=bool)
    mask[where] = True
    return mask if len(where) else None


# -- Arrow arrays, read through their buffers (no pyarrow.compute, no pandas: neither is imported
# by a task that only reads) ---------------------------------------------------------------------

def _bits(buffer, offset: int, length: int):
    import numpy as np

    return np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")[offset:offset + length].astype(bool)


def null_mask(array):
    """True where an Arrow array is null (None when nothing is)."""
    if not array.null_count:
        return None
    return ~_bits(array.buffers()[0], array.offset, len(array))


def arrow_values(array, dtype: str):
    """A fixed-width Arrow array's values as numpy (a view of Arrow's memory; booleans unpacked).
    Null slots hold whatever Arrow keeps there: callers overwrite them."""
    import numpy as np

    data = array.buffers()[1]
    if dtype == "bool":
        return _bits(data, array.offset, len(array)) if data is not None else np.zeros(len(array), dtype=bool)
    if data is None:
        return np.zeros(len(array), dtype=dtype)
    return np.frombuffer(data, dtype=dtype)[array.offset:array.offset + len(array)]


# -- strings --------------------------------------------------------------------------------------

def strings_block(values, mask=None) -> Optional[Dict[str, Any]]:
    """R's view of a sequence of ``str`` (None, or ``mask``, for NA) as one NUL-separated buffer:
    ``{"text", "n", "na", "utf8"}``. None when a value is not a string or holds a NUL."""
    import pyarrow as pa

    try:
        array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else \
            pa.array(values, type=pa.large_string())
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return strings_block_arrow(array, mask)


def strings_block_arrow(array, mask=None) -> Optional[Dict[str, Any]]:
    """:func:`strings_block` of an Arrow string array (any chunking; nulls are NA)."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    n = len(array)
    offsets, data = _string_buffers(array)
    if len(data) and not data.all():
        return None  # a NUL inside a string
    missing = null_mask(array)
    if mask is not None:
        missing = np.asarray(mask, dtype=bool) if missing is None else (missing | np.asarray(mask, dtype=bool))
    # string i's bytes move right by the i NULs before it; the NUL slots stay 0
    text = np.zeros(len(data) + n, dtype=np.uint8)
    if len(data):
        keep = np.ones(len(text), dtype=bool)
        keep[offsets[1:] + np.arange(n)] = False
        text[keep] = data
    # Bytes under a null are read by R and then replaced by NA, so they need no clearing.
    return {"text": _bytearray(text), "n": n, "na": positions_bytes(missing), "utf8": _non_ascii(data, offsets)}


def _string_buffers(array):
    """``(offsets, data)`` of an Arrow string array as numpy (offsets rebased to the slice)."""
    import numpy as np

    import pyarrow as pa

    width = "<i8" if pa.types.is_large_string(array.type) else "<i4"
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[array.offset:array.offset + len(array) + 1].astype(np.int64)
    if buffers[2] is None or not len(offsets):
        return np.zeros(max(len(array), 0) + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    return offsets - offsets[0], data


def _non_ascii(data, offsets) -> Optional[bytearray]:
    """1-based positions of the strings holding a byte above 127 (None when all are ASCII)."""
    import numpy as np

    high = np.flatnonzero(data >= 0x80)
    if not len(high):
        return None
    owners = np.unique(np.searchsorted(offsets, high, side="right") - 1)
    return _bytearray((owners + 1).astype("<i4"))


def strings_from_block(block: Dict[str, Any]):
    """``(arrow large_string array, mask)`` of R's strings buffer (NUL-terminated UTF-8 strings;
    ``na``: 1-based positions of NA)."""
    import numpy as np
    import pyarrow as pa

    n = int(block.get("n") or 0)
    raw = np.frombuffer(block.get("text") or b"", dtype=np.uint8)
    ends = np.flatnonzero(raw == 0)[:n]
    if len(ends) != n:
        raise ValueError("an R strings buffer holds %d strings, not %d" % (len(ends), n))
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = ends - np.arange(n)  # each NUL drops out
    data = raw[:ends[-1] + 1 if n else 0]
    data = data[data != 0] if n else data
    mask = mask_from_positions(block.get("na"), n)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()),
                                             None if mask is None else _validity(mask))
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:  # bytes R did not know as UTF-8: decode them one by one
        texts = [bytes(raw[(ends[i - 1] + 1 if i else 0):ends[i]]).decode("utf-8", "replace")
                 for i in range(n)]
        array = pa.array(texts, type=pa.large_string(), mask=mask)
    return array, mask


def _validity(mask):
    import numpy as np
    import pyarrow as pa

    return pa.py_buffer(np.packbits(~mask, bitorder="little").tobytes())


def strings_list(block: Dict[str, Any]) -> List[Optional[str]]:
    """The strings of an R buffer as a list (None for NA): for small fields (names, levels)."""
    array, _ = strings_from_block(block)
    return array.to_pylist()
