"""Stored data frames straight from their Arrow columns to R, without a pandas frame in between.

A data frame artifact is an Arrow IPC stream (the ``arrow`` encoding). For R there is no need to
build the pandas frame first: each Arrow column already holds the buffer R wants (numbers), or
one pass of numpy makes it (codes + 1 for factors, days as doubles for dates, strings joined with
NUL). The wire is exactly the one :func:`duoflow.rbridge.to_r.to_wire` makes from the pandas
frame the artifact decodes to (same R values, same dtype notes): the pandas metadata says which
pandas dtype each column becomes, and only columns whose conversion is written out here take this
path; a frame with any other column (or a non-default index) goes through pandas as before.

One difference, on purpose: a NaN stored in a nullable float column (R's NaN in a double column
that also has NA) reaches R as NaN, as R wrote it; pandas 3 counts such a NaN as missing, so
converting the pandas frame would have made it NA.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .buffers import arrow_values, null_mask, numbers_bytes, strings_block_arrow
from .to_r import CANONICAL_NULLABLE, NULLABLE_NUMPY, _posix_wire, _vector_wire, factor_wire, strings_field

PLAIN_NUMPY = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
               "float32", "float64"}
STRING_NUMPY = {"object", "str", "string"}


def reader_wire(reader: Any, name: str) -> Optional[Dict[str, Any]]:
    """The R wire of artifact ``name`` of a task (a :class:`TaskReader`) when it is a data frame
    this module converts; None otherwise (the caller then converts the loaded value)."""
    from ..datastore.cas import LEGACY_HASH
    from ..datastore.codecs.arrow_codec import ArrowCodec

    entry = reader.entry(name)
    extra = entry.extra or {}
    if (entry.is_inline or entry.encoding != "arrow" or entry.version > ArrowCodec.version
            or extra.get("pandas_kind", "DataFrame") != "DataFrame" or "column_range" in extra):
        return None
    what = "artifact '%s' of %s" % (name, reader.pathspec)
    payload = reader.flow_store.blobs.load(entry.sha, what, entry.hash or LEGACY_HASH)
    import pyarrow as pa

    try:
        table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
    except (pa.ArrowInvalid, OSError):
        return None  # the pandas path reports the damage with its usual error
    return table_wire(table)


def table_wire(table) -> Optional[Dict[str, Any]]:
    """The data.frame wire of an Arrow table written from pandas (None: not one this converts)."""
    meta = table.schema.pandas_metadata
    if not meta or not _default_index(meta.get("index_columns"), table.num_rows):
        return None
    described = meta.get("columns") or []
    if len(described) != table.num_columns:
        return None
    names = [column.get("name") for column in described]
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    columns: List[Dict[str, Any]] = []
    for i, column in enumerate(described):
        wire = column_wire(table.column(i), column)
        if wire is None:
            return None
        columns.append(wire)
    return {"kind": "data.frame", "columns": columns, "names": strings_field(names),
            "nrow": int(table.num_rows), "row_names": None}


def _default_index(index_columns, rows: int) -> bool:
    """Only the automatic index (0, 1, ... stored as range metadata) means R's automatic row names."""
    if not index_columns:
        return rows == 0
    if len(index_columns) != 1 or not isinstance(index_columns[0], dict):
        return False
    index = index_columns[0]
    return index.get("kind") == "range" and index.get("start") == 0 and index.get("step") == 1


def column_wire(chunked, described: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """One column's vector wire, from its Arrow data and its pandas description."""
    import pyarrow as pa

    if chunked.num_chunks > 1:
        return None  # dictionaries may differ between chunks: let pandas unify them
    column = chunked.chunk(0) if chunked.num_chunks else pa.array([], type=chunked.type)
    kind = column.type
    numpy_type = described.get("numpy_type")
    if pa.types.is_dictionary(kind):
        return _factor(column) if described.get("pandas_type") == "categorical" else None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _character(column) if numpy_type in STRING_NUMPY else None
    if pa.types.is_date32(kind):
        return _dates(column) if numpy_type == "object" else None
    if pa.types.is_timestamp(kind):
        return _timestamps(column, numpy_type)
    if numpy_type in NULLABLE_NUMPY:
        return _nullable(column, numpy_type)
    if numpy_type in PLAIN_NUMPY and (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)):
        return _plain(column, numpy_type)
    return None


def _numpy_dtype(kind) -> Optional[str]:
    """The numpy dtype of an Arrow integer, float or boolean type."""
    import pyarrow as pa

    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_integer(kind):
        return "%s%d" % ("int" if pa.types.is_signed_integer(kind) else "uint", kind.bit_width)
    if pa.types.is_floating(kind) and kind.bit_width in (32, 64):
        return "float%d" % kind.bit_width
    return None


def _zeroed(values, mask, fill=0):
    """``values`` (copied) with ``fill`` where ``mask``: what pandas puts under a null."""
    if mask is None:
        return values
    values = values.copy()
    values[mask] = fill
    return values


def _factor(column) -> Optional[Dict[str, Any]]:
    import pyarrow as pa

    levels = column.dictionary
    if not (pa.types.is_string(levels.type) or pa.types.is_large_string(levels.type)) or levels.null_count:
        return None  # pandas turns other categories into str() of its own values
    indices = column.indices
    dtype = _numpy_dtype(indices.type)
    if dtype is None:
        return None
    mask = null_mask(indices)
    return factor_wire(_zeroed(arrow_values(indices, dtype), mask), mask, levels.to_pylist(), column.type.ordered)


def _character(column) -> Optional[Dict[str, Any]]:
    if not len(column) or column.null_count == len(column):
        return None  # an empty or all-missing column: pandas decides its dtype
    block = strings_block_arrow(column)
    return None if block is None else {"kind": "vector", "type": "character", "strings": block}


def _dates(column) -> Optional[Dict[str, Any]]:
    if not len(column) or column.null_count == len(column):
        return None  # pandas sees no date there: an object column of None
    mask = null_mask(column)
    days = _zeroed(arrow_values(column, "<i4"), mask)
    return {"kind": "vector", "type": "double", "data": numbers_bytes(days, mask, "double"), "class": ["Date"]}


NANOS_PER = {"s": 10 ** 9, "ms": 10 ** 6, "us": 10 ** 3, "ns": 1}


def _timestamps(column, numpy_type) -> Optional[Dict[str, Any]]:
    import numpy as np

    kind = column.type
    tz = kind.tz
    if tz is not None and not (tz == "UTC" or "/" in tz):
        return None  # fixed offsets: pandas names them its own way
    if tz is None and numpy_type != "datetime64[%s]" % kind.unit:
        return None
    mask = null_mask(column)
    values = _zeroed(arrow_values(column, "<i8"), mask)
    factor = NANOS_PER[kind.unit]
    if factor > 1 and len(values) and np.abs(values).max() > np.iinfo(np.int64).max // factor:
        return None  # beyond nanoseconds: pandas has its own rules
    wire = _posix_wire(values * factor, np.zeros(len(values), dtype=bool) if mask is None else mask, tz)
    if tz is None and numpy_type != "datetime64[ns]":
        wire["py_dtype"] = numpy_type
    return wire


def _nullable(column, numpy_type) -> Optional[Dict[str, Any]]:
    numpy_kind = NULLABLE_NUMPY[numpy_type]
    dtype = _numpy_dtype(column.type)
    if dtype is None:
        return None
    mask = null_mask(column)
    values = _zeroed(arrow_values(column, dtype), mask, False if dtype == "bool" else 0)
    wire = _vector_wire(values.astype(numpy_kind, copy=False), mask)
    if wire is None:
        return None
    wire.pop("py_dtype", None)
    if numpy_type not in CANONICAL_NULLABLE:  # R's NA-able types come back as these
        wire["py_dtype"] = numpy_type
    return wire


def _plain(column, numpy_type) -> Optional[Dict[str, Any]]:
    dtype = _numpy_dtype(column.type)
    if dtype != numpy_type or (column.null_count and not dtype.startswith("float")):
        return None  # pandas makes an integer or boolean column with nulls float or object
    mask = null_mask(column)
    return _vector_wire(_zeroed(arrow_values(column, dtype), mask, float("nan")), None)  # null: NaN, as in pandas
