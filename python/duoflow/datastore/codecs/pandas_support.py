"""Which pandas objects Arrow keeps exactly, and the few fixes a round trip needs.

Arrow (``pa.Table.from_pandas`` / ``to_pandas`` with the pandas metadata pyarrow writes) keeps
numeric, bool, datetime (naive and tz-aware), timedelta, category (levels and order), the nullable
dtypes (``Int64``, ``boolean``, ``Float64``, ...), ``string``/``str``, Arrow-backed dtypes, the
index (named, ``RangeIndex`` as metadata, ``MultiIndex``) and ``attrs``. Columns outside that list
(complex, float16, periods, intervals, sparse, objects of mixed types) send the value to
cloudpickle instead of being converted approximately.

One fix on the way back: an ``object`` column of strings comes back from Arrow as pandas 3's
``str`` dtype with NaN for missing values; :func:`restore_objects` turns it back into ``object``
with the missing-value marker it had (None or NaN; a column mixing both gets None: a lossy
corner listed in tests/fixtures/roundtrip).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

# Nullable ("masked") extension dtypes, by name: stable across pandas versions, unlike their
# classes' module paths.
_MASKED = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
           "Float32", "Float64", "boolean"}
_OBJECT_KINDS = ("string", "empty", "bytes", "date")  # date: datetime.date, Arrow date32


def column_ok(values) -> bool:
    """True when Arrow round-trips a column (a Series or Index) of this dtype exactly."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return column_ok(dtype.categories)
    if isinstance(dtype, (pd.DatetimeTZDtype, pd.StringDtype, pd.ArrowDtype)):
        return True
    if getattr(dtype, "name", None) in _MASKED:
        return True
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return False  # periods, intervals, sparse, third-party dtypes
    kind = dtype.kind
    if kind in "biumM":
        return True
    if kind == "f":
        return dtype.itemsize >= 4  # Arrow's half float has no pandas round trip
    if kind == "O":
        return pd.api.types.infer_dtype(values, skipna=True) in _OBJECT_KINDS
    return False


def labels_ok(columns) -> bool:
    """Column labels Arrow keeps: unique, flat, all ``str`` or all ``int``."""
    import pandas as pd

    if isinstance(columns, pd.MultiIndex) or not columns.is_unique:
        return False
    kinds = {type(c) for c in columns}
    return kinds <= {str} or kinds <= {int}


def index_ok(index) -> bool:
    """Row indexes Arrow keeps (``RangeIndex`` as metadata, others as columns)."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return True
    if isinstance(index, pd.MultiIndex):
        return all(column_ok(level) for level in index.levels)
    return column_ok(index)


def frame_ok(frame) -> bool:
    """True when every column, the labels and the index of ``frame`` round-trip through Arrow."""
    return (labels_ok(frame.columns) and index_ok(frame.index)
            and all(column_ok(frame.iloc[:, i]) for i in range(frame.shape[1])))


def object_markers(frame) -> Dict[str, str]:
    """``{position: "None" | "nan"}`` for the object columns (and ``"index"``) to restore."""
    import pandas as pd

    markers: Dict[str, str] = {}
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) != "bytes":
            markers[str(i)] = _missing_marker(column.to_numpy())
    index = frame.index
    if not isinstance(index, pd.MultiIndex) and index.dtype == object:
        markers["index"] = _missing_marker(index.to_numpy())
    return markers


def _missing_marker(values) -> str:
    import pandas as pd

    missing = values[pd.isna(values)]
    if len(missing) and all(isinstance(v, float) for v in missing):
        return "nan"
    return "None"


def restore_objects(frame, markers: Dict[str, str]):
    """Give the columns listed by :func:`object_markers` back their ``object`` dtype."""
    import pandas as pd

    for key, marker in markers.items():
        if key == "index":
            frame.index = pd.Index(_objects(frame.index, marker), dtype=object, name=frame.index.name)
        else:
            position = int(key)
            values = _objects(frame.iloc[:, position], marker)
            frame.isetitem(position, pd.Series(values, index=frame.index, dtype=object))
    return frame


def _objects(values, marker: str):
    import numpy as np
    import pandas as pd

    out = np.asarray(values, dtype=object).copy()
    out[pd.isna(out)] = None if marker == "None" else np.nan
    return out


def r_class_of_dtype(dtype: Any) -> str:
    """The class of the R vector a column of this dtype becomes."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return "factor"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "POSIXct"
    if isinstance(dtype, pd.StringDtype):
        return "character"
    name = getattr(dtype, "name", "")
    if name == "boolean":
        return "logical"
    if name in _MASKED:
        return "integer" if name in ("Int8", "Int16", "Int32", "UInt8", "UInt16") else "numeric"
    kind = getattr(dtype, "kind", "O")
    return {"b": "logical", "f": "numeric", "M": "POSIXct", "m": "difftime", "O": "character"}.get(
        kind, _int_class(dtype) if kind in "iu" else "list")


def _int_class(dtype) -> str:
    return "integer" if dtype.itemsize < 4 or (dtype.kind == "i" and dtype.itemsize == 4) else "numeric"


def series_name(value) -> Optional[str]:
    """The column name a Series or Index gets in its Arrow table."""
    name = getattr(value, "name", None)
    return name if isinstance(name, str) and name else "value"
