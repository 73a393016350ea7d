"""``arrow``: pandas DataFrames, Series, Index, Categorical and extension arrays as Arrow IPC.

An Arrow IPC stream (the format of ``pyarrow.ipc.new_stream``, also read by R's ``arrow``
package) with pyarrow's pandas metadata, so a run stored with one pandas version loads with
another: nothing pandas-internal (block layout, class paths) is stored, unlike a pickled frame.

A Series, Index, Categorical or extension array is stored as a one-column table (named after the
Series when its name is a string, else ``value``); ``pandas_kind`` in the entry says what to
rebuild, and ``name`` keeps the exact name (tagged JSON). A ``RangeIndex`` needs no blob at all.

Compression: Arrow's own per-buffer body compression (zstd), used when a sample of the rows
shrinks to 80 % or less (text-heavy frames); readers need nothing but Arrow. The entry records it
as ``ipc_compression``.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from . import compression, tagged
from .arrow_prebuilt import prebuilt
from .base import Buffer, Codec, Encoded, bad_payload, python_type_name
from .pandas_support import (column_ok, frame_ok, object_markers, r_class_of_dtype,
                             restore_objects, series_name)

SAMPLE_BYTES = 256 << 10


class ArrowCodec(Codec):
    """pandas objects whose columns Arrow keeps exactly (see :mod:`.pandas_support`)."""

    encoding = "arrow"
    version = 1

    def accepts(self, value: Any) -> bool:
        return _kind(value) is not None

    def encode(self, value: Any) -> Optional[Encoded]:
        import pandas as pd

        kind = _kind(value)
        if kind == "RangeIndex":
            inline = {"range": [value.start, value.stop, value.step], "name": _name_tree(value)}
            return None if inline["name"] is _NO_NAME else Encoded(
                self.encoding, self.version, python_type_name(value), inline=inline,
                r_class="integer", extra={"pandas_kind": kind})
        extra: dict = {"pandas_kind": kind}
        built = prebuilt(value) if kind == "DataFrame" else None  # a frame from R (rbridge)
        if kind == "DataFrame":
            frame = value
            if built is None and not frame_ok(frame):
                return None
        else:
            column = _as_series(value, kind)
            if not column_ok(column):
                return None
            extra["name"] = _name_tree(value)
            if extra["name"] is _NO_NAME:
                return None
            frame = column.to_frame(name=series_name(value))
        if type(frame.columns) is pd.RangeIndex:  # Arrow would give an Int64 Index back
            extra["column_range"] = [frame.columns.start, frame.columns.stop, frame.columns.step]
        markers = built.markers if built else object_markers(frame)
        if markers:
            extra["objects"] = markers
        import pyarrow as pa

        try:
            payload, method = _write_ipc(frame, built.table if built else None)
        except (pa.ArrowException, TypeError, ValueError):  # pyarrow refused a value (attrs, ...)
            return None
        if method:
            extra["ipc_compression"] = method
        r_class = "data.frame" if kind == "DataFrame" else _vector_class(value, kind)
        return Encoded(self.encoding, self.version, python_type_name(value), payload=payload,
                       r_class=r_class, extra=extra)

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        import pandas as pd

        kind = entry.get("pandas_kind", "DataFrame")
        if kind == "RangeIndex":
            start, stop, step = entry["inline"]["range"]
            return pd.RangeIndex(start, stop, step, name=tagged.from_tree(entry["inline"]["name"]))
        frame = _read_ipc(payload, entry)
        restore_objects(frame, entry.get("objects") or {})
        if "column_range" in entry:
            frame.columns = pd.RangeIndex(*entry["column_range"], name=frame.columns.name)
        if kind == "DataFrame":
            return frame
        series = frame.iloc[:, 0]
        series.name = tagged.from_tree(entry.get("name"))
        if kind == "Series":
            return series
        if kind == "Index":
            return pd.Index(series, name=series.name, dtype=series.dtype)
        return series.array  # Categorical, extension arrays


_NO_NAME = object()


def _name_tree(value) -> Any:
    try:
        return tagged.to_tree(getattr(value, "name", None))  # arrays have no name
    except tagged.NotPlain:
        return _NO_NAME


def _kind(value) -> Optional[str]:
    """What pandas object ``value`` is (None when this codec does not take it)."""
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    kind = type(value)
    if kind is pd.DataFrame:
        return "DataFrame"
    if kind is pd.Series:
        return "Series"
    if kind is pd.RangeIndex:
        return "RangeIndex"
    if isinstance(value, pd.Index) and not isinstance(value, pd.MultiIndex) and kind.__module__.startswith("pandas"):
        return "Index"
    if kind is pd.Categorical:
        return "Categorical"
    if isinstance(value, pd.api.extensions.ExtensionArray) and kind.__module__.startswith("pandas"):
        return "ExtensionArray"
    return None


def _as_series(value, kind: str):
    import pandas as pd

    if kind == "Series":
        return value
    if kind == "Index":
        return value.to_series(index=pd.RangeIndex(len(value)))
    return pd.Series(value)


def _vector_class(value, kind: str) -> str:
    if kind == "Categorical":
        return "factor"
    return r_class_of_dtype(value.dtype)


# -- Arrow IPC ----------------------------------------------------------------------------------

def _write_ipc(frame, table=None):
    """The IPC stream of ``frame`` (a view of pyarrow's buffer, no copy) and the compression used
    (``table``: the frame's Arrow table when it is already built)."""
    import pyarrow as pa

    if table is None:
        table = pa.Table.from_pandas(frame, preserve_index=None)
    method = _choose_compression(table)
    return _ipc_bytes(table, method), method


def _ipc_bytes(table, method: Optional[str]):
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=method)
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        for batch in _batches(table):
            writer.write_batch(batch)
    return memoryview(sink.getvalue())  # the datastore takes plain buffers


def _batches(table):
    import pyarrow as pa

    batches = table.to_batches()
    if batches or table.num_columns == 0:
        return batches
    # A 0-row table has no batch, and a stream without one drops the dictionaries, i.e. the
    # levels of a 0-row factor: write one empty batch that carries them.
    columns = [c.chunk(0) if c.num_chunks else pa.array([], type=c.type) for c in table.columns]
    return [pa.record_batch(columns, schema=table.schema)]


def _choose_compression(table) -> Optional[str]:
    """zstd when a sample of the rows written with it shrinks enough (see compression.POLICIES)."""
    policy = compression.POLICIES["arrow"]
    if table.nbytes < policy.min_size or table.num_rows == 0:
        return None
    rows = max(1, int(table.num_rows * SAMPLE_BYTES / table.nbytes) // 3)
    starts = sorted({0, max(0, table.num_rows // 2 - rows // 2), max(0, table.num_rows - rows)})
    plain = packed = 0
    for start in starts:
        piece = table.slice(start, rows)
        plain += _ipc_bytes(piece, None).nbytes
        packed += _ipc_bytes(piece, policy.method).nbytes
    return policy.method if packed <= policy.max_ratio * plain else None


def _read_ipc(payload, entry):
    import pyarrow as pa

    if payload is None:
        raise bad_payload(entry, "It has no blob.")
    try:
        table = pa.ipc.open_stream(pa.py_buffer(payload)).read_all()
    except (pa.ArrowInvalid, OSError) as exc:
        raise bad_payload(entry, "Its Arrow IPC stream cannot be read: %s" % exc) from None
    return table.to_pandas()
