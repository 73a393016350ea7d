"""``ndarray``: numpy arrays and scalars as a standard ``.npy`` header plus the array's own bytes.

Blob layout (uncompressed): one ``.npy`` record (numpy's documented format: magic, a header
giving ``descr``/``fortran_order``/``shape``, padding so the data starts at a multiple of 64
bytes, then the raw data), and for a masked array a second ``.npy`` record holding the boolean
mask, starting at the next multiple of 64 bytes. Any ``.npy`` reader (``np.load``, R's RcppCNPy,
or ``readBin`` at the data offset) reads it; Fortran-ordered arrays are stored column-major as
they are, so an R matrix needs no transpose.

Loading wraps the blob's memory map with ``np.frombuffer``: no copy, and the result is read-only
(write to a copy: ``arr.copy()``). When a sample shows that compression saves at least half
(zeros, sparse data), the blob is compressed and loading decompresses into one new buffer;
8 MiB stretches of zeros are not stored at all and cost nothing to load (version 2).

Object arrays cannot be stored as raw memory: those whose items are plain values (str, None,
numbers, ...) are stored as tagged JSON (``layout: "json"``), exactly, items in C order; others
go to cloudpickle. Fixed-width ``str``/``bytes`` arrays (``<U5``, ``|S3``) are raw memory too.
"""

from __future__ import annotations

import io
import sys
from typing import Any, List, Optional, Tuple

from . import compression, tagged
from .base import Buffer, Codec, Encoded, bad_payload, python_type_name

ALIGN = 64
_RAW_KINDS = "biufcmMUS"
_MAGIC = b"\x93NUMPY"


class NdarrayCodec(Codec):
    """numpy ``ndarray`` (any shape, C or Fortran order), ``MaskedArray`` and numpy scalars."""

    encoding = "ndarray"
    # Version 2: the compressed payload may leave out frames of zeros (compression.compress).
    # Arrays without such frames are still written as version 1, readable by older duoflow.
    version = 2

    def accepts(self, value: Any) -> bool:
        np = sys.modules.get("numpy")
        if np is None:  # not imported: the value cannot be a numpy object
            return False
        kind = type(value)
        if kind not in (np.ndarray, np.ma.MaskedArray, np.memmap) and not isinstance(value, np.generic):
            return False
        dtype = value.dtype
        if dtype.kind == "O":
            return True
        # long double has no portable layout; structured dtypes have no R view.
        return dtype.kind in _RAW_KINDS and dtype.fields is None and not _is_long_double(dtype)

    def encode(self, value: Any) -> Optional[Encoded]:
        import numpy as np

        extra: dict = {}
        if isinstance(value, np.generic):
            extra["scalar"] = True
        arr = np.asarray(value) if not isinstance(value, np.ma.MaskedArray) else value
        mask = None
        if isinstance(arr, np.ma.MaskedArray):
            extra.update(_masked_fields(arr))
            mask = None if arr.mask is np.ma.nomask else np.asarray(arr.mask)
            arr = np.asarray(arr.data)
        if arr.dtype.kind == "O":
            return self._encode_objects(value, arr, mask, extra)
        chunks = _npy_chunks(arr)
        if mask is not None:
            size = sum(memoryview(c).nbytes for c in chunks)
            chunks.append(bytes(_pad(size)))
            chunks.extend(_npy_chunks(mask))
        payload, packed = compression.maybe_compress(self.encoding, chunks, zero_frames=True)
        extra.update(packed)
        version = 2 if compression.has_zero_frames(packed) else 1
        return Encoded(self.encoding, version, python_type_name(value), payload=payload,
                       r_class=r_class_of(arr), extra=extra)

    def _encode_objects(self, value, arr, mask, extra) -> Optional[Encoded]:
        order = "F" if (arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous) else "C"
        try:
            items = [tagged.to_tree(v) for v in arr.ravel(order=order).tolist()]
            # tolist() gives Python objects back, but an item like a nested array is not plain:
            tree = {"shape": list(arr.shape), "order": order, "items": items,
                    "mask": None if mask is None else mask.ravel(order=order).tolist()}
            text = tagged.dumps(tree)
        except (tagged.NotPlain, UnicodeEncodeError):
            return None
        payload, packed = compression.maybe_compress("json", text)
        extra.update(packed)
        extra["layout"] = "json"
        strings = all(type(v) is str or v is None for v in arr.flat)
        return Encoded(self.encoding, self.version, python_type_name(value), payload=payload,
                       r_class=_dims_class("character" if strings else "list", arr.ndim), extra=extra)

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        import numpy as np

        if payload is None:
            raise bad_payload(entry, "It has no blob.")
        try:
            raw = compression.maybe_decompress(payload, entry)
        except ValueError as exc:
            raise bad_payload(entry, "Its compressed data cannot be read: %s" % exc) from None
        if entry.get("layout") == "json":
            arr, mask = _decode_objects(raw, entry)
        else:
            arr, mask = _decode_npy(raw, entry)
        if entry.get("masked"):
            arr = np.ma.MaskedArray(arr, mask=np.ma.nomask if mask is None else mask, copy=False,
                                    fill_value=_fill_value(entry), hard_mask=bool(entry.get("hard_mask")))
        if entry.get("scalar"):
            return arr[()]
        return arr


# -- writing -----------------------------------------------------------------------------------

def _npy_chunks(arr) -> List[Any]:
    """``[header, data]`` of one ``.npy`` record; ``data`` is the array's own memory when it is
    contiguous (no copy), else a C-ordered copy."""
    import numpy as np
    from numpy.lib import format as npy

    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = np.ascontiguousarray(arr)
    header = io.BytesIO()
    fields = npy.header_data_from_array_1_0(arr)
    try:
        npy.write_array_header_1_0(header, fields)
    except ValueError:  # a header over 64 KiB (a huge number of dimensions)
        header = io.BytesIO()
        npy.write_array_header_2_0(header, fields)
    order = "F" if fields["fortran_order"] else "C"
    data = arr.reshape(-1, order=order).view(np.uint8)
    return [header.getvalue(), data]


def _pad(size: int) -> int:
    return -size % ALIGN


def _masked_fields(arr) -> dict:
    fields: dict = {"masked": True}
    try:
        fields["fill_value"] = tagged.to_tree(arr.fill_value.item())
    except (tagged.NotPlain, AttributeError, ValueError):
        pass  # a fill value with no plain form (datetime): the default comes back
    if arr.hardmask:
        fields["hard_mask"] = True
    return fields


# -- reading -----------------------------------------------------------------------------------

def _decode_npy(raw, entry) -> Tuple[Any, Any]:
    view = memoryview(raw).cast("B") if not isinstance(raw, memoryview) else raw
    arr, end = read_npy(view, 0, entry)
    mask = None
    if entry.get("masked") and end < view.nbytes:
        mask, end = read_npy(view, end + _pad(end), entry)
        if mask.dtype.kind != "b" or mask.shape != arr.shape:
            raise bad_payload(entry, "Its mask has dtype %s and shape %s, the data shape %s."
                              % (mask.dtype, mask.shape, arr.shape))
    if end != view.nbytes:
        raise bad_payload(entry, "The blob has %d bytes, its header describes %d." % (view.nbytes, end))
    if arr.flags.writeable:  # a decompressed copy: made read-only like a mapped blob
        arr.flags.writeable = False
    if mask is not None:
        mask.flags.writeable = False
    return arr, mask


def read_npy(view: memoryview, offset: int, entry: dict) -> Tuple[Any, int]:
    """The array of the ``.npy`` record at ``offset`` of ``view`` (no copy) and where it ends."""
    import numpy as np
    from numpy.lib import format as npy

    head = bytes(view[offset:offset + 12])
    if head[:6] != _MAGIC or len(head) < 10 or head[6] not in (1, 2):
        raise bad_payload(entry, "No .npy header at byte %d." % offset)
    width = 2 if head[6] == 1 else 4
    length = int.from_bytes(head[8:8 + width], "little")
    start = offset + 8 + width + length
    reader = npy.read_array_header_1_0 if head[6] == 1 else npy.read_array_header_2_0
    try:
        stream = io.BytesIO(bytes(view[offset:start]))
        npy.read_magic(stream)
        shape, fortran, dtype = reader(stream, max_header_size=length + 1)
    except (ValueError, SyntaxError) as exc:
        raise bad_payload(entry, "Its .npy header cannot be read: %s" % exc) from None
    count = 1
    for dim in shape:
        count *= dim
    end = start + count * dtype.itemsize
    if end > view.nbytes or dtype.hasobject:
        raise bad_payload(entry, "The blob has %d bytes, its header needs %d." % (view.nbytes, end))
    if count == 0:
        flat = np.empty(0, dtype=dtype)
        flat.flags.writeable = False
    else:
        flat = np.frombuffer(view, dtype=dtype, count=count, offset=start)
    return flat.reshape(shape, order="F" if fortran else "C"), end


def _decode_objects(raw, entry) -> Tuple[Any, Any]:
    import numpy as np

    try:
        tree = tagged.loads(raw)
        shape, order = tuple(tree["shape"]), tree.get("order", "C")
        items = [tagged.from_tree(t) for t in tree["items"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_payload(entry, "Its JSON items cannot be read: %s" % exc) from None
    flat = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):  # one by one: a list item must stay one item
        flat[i] = item
    try:
        arr = flat.reshape(shape, order=order)
    except ValueError as exc:
        raise bad_payload(entry, str(exc)) from None
    mask = None
    if tree.get("mask") is not None:
        mask = np.array(tree["mask"], dtype=bool).reshape(shape, order=order)
    return arr, mask


def _fill_value(entry: dict) -> Any:
    return tagged.from_tree(entry["fill_value"]) if "fill_value" in entry else None


# -- R class ------------------------------------------------------------------------------------

def _is_long_double(dtype) -> bool:
    return (dtype.kind == "f" and dtype.itemsize > 8) or (dtype.kind == "c" and dtype.itemsize > 16)


def r_class_of(arr) -> str:
    """The class of the R value the array becomes (see tests/fixtures/roundtrip)."""
    dtype = arr.dtype
    kind = dtype.kind
    if kind == "b":
        base = "logical"
    elif kind in "iu":
        # R integers are 32-bit (and -2**31 is NA): wider integers become doubles.
        base = "integer" if dtype.itemsize < 4 or (kind == "i" and dtype.itemsize == 4) else "numeric"
    elif kind == "f":
        base = "numeric"
    elif kind == "c":
        base = "complex"
    elif kind == "M":
        base = "Date" if dtype.str.endswith("[D]") else "POSIXct"
    elif kind == "m":
        base = "difftime"
    elif kind == "U":
        base = "character"
    else:  # "S": bytes strings
        base = "list"
    return _dims_class(base, arr.ndim)


def _dims_class(base: str, ndim: int) -> str:
    if ndim == 2:
        return "matrix"
    if ndim > 2:
        return "array"
    return base
