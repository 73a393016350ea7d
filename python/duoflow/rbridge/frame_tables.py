"""The Arrow table of a data frame R wrote, built from the Arrow arrays the bridge already has.

:func:`duoflow.rbridge.convert.from_wire` builds a pandas frame from R's buffers; a Date column
becomes an ``object`` column of ``datetime.date`` (the Python view of the round-trip table),
which pandas-to-Arrow would convert back one object at a time. The bridge made that column from
an Arrow ``date32`` array, so it hands the array over: the table is what
``pa.Table.from_pandas(frame)`` would give (its schema and pandas metadata are taken from
``from_pandas`` of a few rows of the frame, and a table that does not match it exactly is not
used), and :mod:`duoflow.datastore.codecs.arrow_prebuilt` lets the codec store it directly.
"""

from __future__ import annotations

from typing import Any, Dict


def register_table(frame: Any, arrays: Dict[int, Any]) -> None:
    """Build and register the Arrow table of ``frame``; ``arrays``: position -> Arrow array for
    the columns the bridge built as Arrow (the others are converted from pandas, as usual).
    Does nothing when the table would differ from what the codec makes by itself."""
    import pyarrow as pa

    from ..datastore.codecs.arrow_prebuilt import register
    from ..datastore.codecs.pandas_support import frame_ok, labels_ok

    if not arrays or not len(frame) or not labels_ok(frame.columns) or not all(isinstance(c, str) for c in frame.columns):
        return
    if any(frame.iloc[:, i].dtype == object for i in range(frame.shape[1]) if i not in arrays):
        return  # their missing-value markers would need object_markers: leave it all to the codec
    sample = _sample(frame, arrays)
    if not frame_ok(sample):
        return
    try:
        schema = pa.Table.from_pandas(sample, preserve_index=None).schema
        columns = [arrays[i] if i in arrays else pa.array(frame.iloc[:, i], from_pandas=True)
                   for i in range(frame.shape[1])]
        table = pa.Table.from_arrays(columns, schema=_full_range(schema, len(frame)))
    except (pa.ArrowException, TypeError, ValueError):
        return
    register(frame, table, {str(i): "None" for i in arrays})


def _sample(frame, arrays):
    """A few rows with every column's dtype: the first non-missing value of each Arrow-built
    column (so pandas infers its kind from a value), and the first row of the others."""
    import numpy as np
    import pandas as pd

    from .buffers import null_mask

    columns = {}
    for i, name in enumerate(frame.columns):
        column = frame.iloc[:, i]
        row = 0
        if i in arrays and arrays[i].null_count:
            row = int(np.argmin(null_mask(arrays[i])))  # the first valid row (0 when none is)
        columns[name] = column.iloc[row:row + 1].reset_index(drop=True)
    return pd.DataFrame(columns)


def _full_range(schema, rows: int):
    """The sample's schema with the pandas metadata's RangeIndex covering all ``rows``."""
    import json

    meta = json.loads(schema.metadata[b"pandas"])
    for index in meta.get("index_columns", []):
        if isinstance(index, dict) and index.get("kind") == "range":
            index["stop"] = index["start"] + rows * index["step"]
    metadata = dict(schema.metadata)
    metadata[b"pandas"] = json.dumps(meta).encode()
    return schema.with_metadata(metadata)
