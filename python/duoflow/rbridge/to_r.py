"""Python values -> R wires (see convert.py for the wire format and the views chosen).

Vectors travel as R's own memory layout (buffers.py): a column of a million numbers is one byte
string, R's NA written in place, and strings one NUL-separated UTF-8 buffer.

Anything without an R counterpart goes to R as a ``py`` reference: R code can hand it back
unchanged (``self$y <- self$x`` stores the same Python object) or use it through reticulate.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional

from .buffers import numbers_bytes, positions_bytes, strings_block

INT32_MIN, INT32_MAX = -(2 ** 31) + 1, 2 ** 31 - 1
# The pandas dtypes R's logical, integer and double columns with NA become (convert.py).
CANONICAL_NULLABLE = ("boolean", "Int32", "Float64")
# pandas' NA-able dtypes and the numpy dtype of their values.
NULLABLE_NUMPY = {"boolean": "bool", "Int8": "int8", "Int16": "int16", "Int32": "int32", "Int64": "int64",
                  "UInt8": "uint8", "UInt16": "uint16", "UInt32": "uint32", "UInt64": "uint64",
                  "Float32": "float32", "Float64": "float64"}


def to_wire(value: Any) -> Dict[str, Any]:
    """The R wire of a Python value."""
    import sys

    if value is None:
        return {"kind": "null"}
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):  # before float: np.float64 is one
        return _numpy_wire(value)
    if isinstance(value, bool):
        return _scalar("logical", value)
    if isinstance(value, int):
        return _scalar("integer", value) if INT32_MIN <= value <= INT32_MAX else _wide_int(value)
    if isinstance(value, float):
        return _scalar("double", value)
    if isinstance(value, complex):
        return _scalar("complex", value)
    if isinstance(value, str):
        return {"kind": "vector", "type": "character", "strings": [value], "na": None}
    if isinstance(value, (bytes, bytearray, memoryview)):  # memoryview: a stored view (bytes encoding)
        return {"kind": "raw", "data": bytearray(value)}
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        import numpy as np

        return _dates_wire(np.array([value], dtype="datetime64[D]"), None)
    from ..datastore.codecs.robject import RObject

    if isinstance(value, RObject):
        return {"kind": "rds", "data": bytearray(value.data), "class": list(value.r_class)}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"kind": "list", "items": [to_wire(v) for v in value.values()], "names": list(value)}
        pairs = [{"kind": "list", "items": [to_wire(k), to_wire(v)], "names": None} for k, v in value.items()]
        return {"kind": "list", "items": pairs, "names": None, "py_type": "dict"}
    if isinstance(value, (list, tuple)):
        wire = {"kind": "list", "items": [to_wire(v) for v in value], "names": None}
        if isinstance(value, tuple):
            wire["py_type"] = "tuple"
        return wire
    if isinstance(value, (set, frozenset)):
        return {"kind": "list", "items": [to_wire(v) for v in _ordered(value)], "names": None,
                "py_type": type(value).__name__}
    if "numpy" in sys.modules:
        wire = _numpy_wire(value)
        if wire is not None:
            return wire
    if "pandas" in sys.modules:
        wire = _pandas_wire(value)
        if wire is not None:
            return wire
    return _py(value)


def _wide_int(value: int) -> Dict[str, Any]:
    """An int R's integer cannot hold: a double when exact (up to 2**53), else its digits."""
    if abs(value) <= 2 ** 53:
        wire = _scalar("double", float(value))
    else:
        wire = {"kind": "vector", "type": "character", "strings": [str(value)], "na": None}
    wire["py_type"] = "int"
    return wire


def _ordered(items) -> List[Any]:
    try:
        return sorted(items)
    except TypeError:  # mixed types: any stable order will do
        return sorted(items, key=repr)


def _py(value: Any) -> Dict[str, Any]:
    from .convert import PyRef

    return {"kind": "py", "object": PyRef(value)}


def _scalar(rtype: str, value: Any) -> Dict[str, Any]:
    import struct

    if rtype == "complex":
        data = struct.pack("<dd", value.real, value.imag)
    else:
        data = struct.pack({"logical": "<i", "integer": "<i", "double": "<d"}[rtype], value)
    return {"kind": "vector", "type": rtype, "data": bytearray(data), "na": None}


def _rtype_of(dtype) -> Optional[str]:
    kind = dtype.kind
    if kind == "b":
        return "logical"
    if kind in "iu":
        return "integer" if dtype.itemsize <= 4 and not (kind == "u" and dtype.itemsize == 4) else "integer64"
    if kind == "f":
        return "double"
    if kind == "c":
        return "complex"
    if kind in "UO":
        return "character"
    return None


def _numpy_wire(value: Any) -> Optional[Dict[str, Any]]:
    import numpy as np

    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return _datetime64_wire(np.array([value]), None, scalar=True)
        if isinstance(value, (np.str_, np.bytes_)):
            return to_wire(value.item())
        wire = _vector_wire(np.array([value]), None)
        if wire is None:
            return _py(value)
        wire.pop("py_type", None)
        # A numpy scalar of R's own types (float64, int32, bool) is a plain R value: an attribute
        # would follow it through R arithmetic. Other dtypes keep theirs (as for arrays).
        return wire
    if not isinstance(value, np.ndarray):
        return None
    mask = np.ma.getmaskarray(value) if isinstance(value, np.ma.MaskedArray) else None
    data = np.ma.getdata(value) if mask is not None else value
    if data.dtype.kind == "M":
        return _datetime64_wire(data, mask)
    if data.dtype.kind == "m":
        return _timedelta_wire(data, mask)
    wire = _vector_wire(data.ravel(order="F"), None if mask is None else mask.ravel(order="F"))
    if wire is None and data.dtype == object and data.ndim == 1:
        return {"kind": "list", "items": [to_wire(v) for v in data.tolist()], "names": None}
    if wire is None:
        return None
    if data.ndim != 1:
        wire["dim"] = [int(d) for d in data.shape]
    else:
        _keep_array(wire, len(data), mask)
    return wire


def _keep_array(wire: Dict[str, Any], length: int, mask=None) -> None:
    """Mark a length-1 array without NA, which R would otherwise hand back as a scalar."""
    if length == 1 and (mask is None or not bool(getattr(mask, "any", lambda: mask)())):
        wire["py_type"] = "ndarray"


def _timedelta_wire(values, mask) -> Dict[str, Any]:
    """numpy timedelta64 -> R difftime in seconds (the unit kept when it is not seconds)."""
    import numpy as np

    nat = np.isnat(values)
    mask = nat if mask is None else (mask | nat)
    seconds = np.where(mask, 0, values.astype("timedelta64[ns]").astype("int64")).astype("<f8") / 1e9
    wire = {"kind": "vector", "type": "double", "data": numbers_bytes(seconds, mask, "double"),
            "class": ["difftime"], "units": "secs"}
    if str(values.dtype) != "timedelta64[s]":
        wire["py_dtype"] = str(values.dtype)
    _keep_array(wire, len(values), mask)
    return wire


def _vector_wire(values, mask, from_pandas: bool = False) -> Optional[Dict[str, Any]]:
    """A wire for a 1-d numpy array (C order, already flattened column-major by the caller);
    ``from_pandas``: NaN in an object array is a missing string (pandas' marker)."""
    import numpy as np

    rtype = _rtype_of(values.dtype)
    if rtype is None:
        return None
    if rtype == "integer64":
        if len(values) and (values.max() > INT32_MAX or values.min() < INT32_MIN):
            wire = {"kind": "vector", "type": "double", "data": numbers_bytes(values, mask, "double")}
        else:
            wire = {"kind": "vector", "type": "integer", "data": numbers_bytes(values, mask, "integer")}
        wire["py_dtype"] = str(values.dtype)
        return wire
    if rtype == "character":
        wire = _character_wire(values, mask, from_pandas)
        if wire is not None and values.dtype.kind == "U":
            wire["py_dtype"] = "str"
        return wire
    wire = {"kind": "vector", "type": rtype, "data": numbers_bytes(values, mask, rtype)}
    if rtype == "complex":
        wire["na"] = positions_bytes(mask)
    if values.dtype != np.dtype({"logical": "bool", "integer": "int32", "double": "float64",
                                  "complex": "complex128"}[rtype]):
        wire["py_dtype"] = str(values.dtype)
    return wire


def _character_wire(values, mask, from_pandas: bool = False) -> Optional[Dict[str, Any]]:
    """Strings (None or ``mask`` for NA) as one buffer; None when a value is not a string. A
    string holding NUL (R has none) goes as a list, which R refuses as it always did."""
    if from_pandas:
        import pandas as pd

        values = values.copy() if values.dtype == object else values.astype(object)
        values[pd.isna(values)] = None
    block = strings_block(values, mask)
    if block is not None:
        return {"kind": "vector", "type": "character", "strings": block}
    items = values.tolist()
    if any(v is not None and not isinstance(v, str) for v in items):
        return None
    import numpy as np

    none = np.array([v is None for v in items], dtype=bool)
    mask = none if mask is None else (np.asarray(mask, dtype=bool) | none)
    return {"kind": "vector", "type": "character", "strings": ["" if v is None else v for v in items],
            "na": positions_bytes(mask)}


def _dates_wire(days, mask) -> Dict[str, Any]:
    import numpy as np

    nat = np.isnat(days)
    mask = nat if mask is None else (mask | nat)
    numbers = np.where(mask, 0, days.astype("int64"))
    return {"kind": "vector", "type": "double", "data": numbers_bytes(numbers, mask, "double"), "class": ["Date"]}


def _datetime64_wire(values, mask, scalar: bool = False) -> Dict[str, Any]:
    import numpy as np

    if np.datetime_data(values.dtype)[0] == "D":
        wire = _dates_wire(values, mask)
    else:
        wire = _posix_wire(values.astype("datetime64[ns]").astype("int64"), np.isnat(values) if mask is None
                           else (mask | np.isnat(values)), "UTC")
        wire["py_dtype"] = str(values.dtype)  # naive numpy times: shown in UTC, dtype kept
    if not scalar:
        _keep_array(wire, len(values), mask)
    return wire


def _posix_wire(nanos, mask, tz: Optional[str]) -> Dict[str, Any]:
    import numpy as np

    seconds = np.where(mask, 0, nanos).astype("<f8") / 1e9
    wire = {"kind": "vector", "type": "double", "data": numbers_bytes(seconds, mask, "double"),
            "class": ["POSIXct", "POSIXt"]}
    if tz:
        wire["tzone"] = tz
    return wire


def _pandas_wire(value: Any) -> Optional[Dict[str, Any]]:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        wire = _posix_wire(_as_int64([value.value]), _as_bool([False]), str(value.tz) if value.tz else None)
        return wire
    if isinstance(value, pd.Index):  # DatetimeIndex, RangeIndex, ...: their values, as a vector
        wire = _series_values_wire(pd.Series(value))
        if wire is not None:
            _keep_array(wire, len(value))
        return wire
    if isinstance(value, pd.api.extensions.ExtensionArray) and not isinstance(value, pd.Categorical):
        wire = _series_values_wire(pd.Series(value))
        if wire is not None:
            _keep_array(wire, len(value))
        return wire
    if isinstance(value, pd.Categorical):
        wire = _categorical_wire(value)
        return wire
    if isinstance(value, pd.Series):
        wire = _series_values_wire(value)
        if wire is None:
            return None
        if not isinstance(value.index, pd.RangeIndex) or value.index.start != 0 or value.index.step != 1:
            wire["names"] = strings_field(value.index)
        else:
            _keep_array(wire, len(value), value.isna().to_numpy())
        return wire
    if isinstance(value, pd.DataFrame):
        return _frame_wire(value)
    return None


def _as_int64(values):
    import numpy as np

    return np.asarray(values, dtype="int64")


def _as_bool(values):
    import numpy as np

    return np.asarray(values, dtype=bool)


def _categorical_wire(cat) -> Dict[str, Any]:
    import numpy as np

    codes = np.asarray(cat.codes)
    mask = codes < 0
    return factor_wire(codes, mask, [str(c) for c in cat.categories], cat.ordered)


def factor_wire(codes, mask, levels, ordered: bool) -> Dict[str, Any]:
    """R's factor: 1-based integer codes (``codes`` are 0-based), NA where ``mask``."""
    import numpy as np

    ones = np.asarray(codes, dtype="<i4") + 1
    return {"kind": "vector", "type": "integer", "data": numbers_bytes(ones, mask, "integer"),
            "levels": strings_field(levels), "class": ["ordered", "factor"] if ordered else ["factor"]}


def strings_field(values) -> Any:
    """Names, levels, row names: one buffer when large, a plain list when small (or when a
    string holds NUL)."""
    if len(values) < 64:
        return [str(v) for v in values]
    block = strings_block(values)
    if block is None:  # labels that are not all strings: their str(), as for small ones
        texts = [str(v) for v in values]
        block = strings_block(texts)
        return block if block is not None else texts
    return block


def _series_values_wire(series) -> Optional[Dict[str, Any]]:
    """The wire of a Series' values (no names): nullable dtypes keep NA, dates and times keep time."""
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical_wire(series.array)
    if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
        mask = series.isna().to_numpy()
        utc = series.dt.tz_convert("UTC") if isinstance(dtype, pd.DatetimeTZDtype) else series
        nanos = utc.to_numpy(dtype="datetime64[ns]").astype("int64")
        wire = _posix_wire(nanos, mask, str(dtype.tz) if isinstance(dtype, pd.DatetimeTZDtype) else None)
        if not isinstance(dtype, pd.DatetimeTZDtype) and str(dtype) != "datetime64[ns]":
            wire["py_dtype"] = str(dtype)
        return wire
    mask = series.isna().to_numpy()
    if dtype == object and _is_dates(series, mask):
        import pyarrow as pa

        days = pa.array(series.to_numpy(), type=pa.date32(), from_pandas=True).to_numpy(zero_copy_only=False)
        return _dates_wire(days, mask)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(dtype, pd.StringDtype):
        numpy_kind = NULLABLE_NUMPY.get(str(dtype))
        if numpy_kind is None:
            return None
        values = series.to_numpy(dtype=numpy_kind, na_value=0 if numpy_kind != "bool" else False)
        wire = _vector_wire(values, mask)
        wire.pop("py_dtype", None)
        if str(dtype) not in CANONICAL_NULLABLE:  # R's NA-able types come back as these
            wire["py_dtype"] = str(dtype)
        return wire
    if isinstance(dtype, pd.StringDtype):
        # Any string dtype maps to R character and comes back as pandas' default string dtype.
        block = strings_block(series.array, mask)
        if block is not None:
            return {"kind": "vector", "type": "character", "strings": block}
        return _vector_wire(series.to_numpy(dtype=object, na_value=None), mask)
    values = series.to_numpy()
    return _vector_wire(values, None, from_pandas=values.dtype == object)


def _is_dates(series, mask) -> bool:
    """An object column of ``datetime.date`` (not datetime) with None for missing, at least one
    date: what Arrow's date32 (and R's Date) become in pandas."""
    import pandas as pd

    if not len(series) or mask.all() or pd.api.types.infer_dtype(series, skipna=True) != "date":
        return False
    values = series.to_numpy()
    return all(v is None for v in values[mask]) and not any(
        isinstance(v, datetime.datetime) for v in values[~mask][:1])


def _frame_wire(frame) -> Optional[Dict[str, Any]]:
    import pandas as pd

    columns: List[Dict[str, Any]] = []
    for name in frame.columns:
        wire = _series_values_wire(frame[name])
        if wire is None:
            return None
        columns.append(wire)
    wire = {"kind": "data.frame", "columns": columns, "names": strings_field(frame.columns),
            "nrow": int(len(frame)), "row_names": None}
    index = frame.index
    if not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1):
        wire["row_names"] = strings_field(index)
    return wire
