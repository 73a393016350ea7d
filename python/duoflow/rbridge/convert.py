"""R values <-> Python values, through "wire" dicts that R builds and reads with base R only.

A wire is a dict with a ``kind``:

- ``null``; ``raw`` (``data``: bytes);
- ``vector``: ``type`` (logical/integer/double/character/complex), ``data`` (bytes of the values in
  R's native layout: little-endian int32 for logical and integer, float64 for double, with R's
  NA in place: see buffers.py) or ``strings`` (character: a strings buffer, see below), ``na``
  (complex only: 1-based int32 positions of NA), ``names``, ``dim``, ``levels`` (factor),
  ``class``, ``tzone``, ``py_dtype`` (the numpy dtype a vector came from, kept so it goes back
  to the same dtype);
- strings (character values, and names, levels, row names when large): ``{"text", "n", "na",
  "utf8"}``, ``n`` NUL-terminated UTF-8 strings in one buffer with the 1-based positions of NA
  and of the non-ASCII ones; a plain list of str where small (or where a string holds NUL);
- ``list``: ``items`` (wires), ``names`` (None for an unnamed list), ``py_type`` ("tuple");
- ``data.frame``: ``columns`` (vector wires), ``names``, ``nrow``, ``row_names`` (None: automatic);
- ``rds``: ``data`` (R serialize() bytes), ``class``;
- ``py``: ``object`` — a Python object R only holds a reference to (handed back unchanged).

The Python view of each R value is the one of docs/architecture.md, with two choices written down
here: a named atomic vector becomes a pandas Series indexed by the names (so names, type and NA
survive the round trip; a dict would lose them), and a length-1 vector without names, NA or
attributes becomes a Python scalar.
"""

from __future__ import annotations

from typing import Any, Dict, List

from .buffers import mask_from_positions, numbers_from_bytes, strings_from_block, strings_list

INT32_MIN, INT32_MAX = -(2 ** 31) + 1, 2 ** 31 - 1  # R's NA_integer_ is -2**31
NUMPY_OF_R = {"logical": "bool", "integer": "int32", "double": "float64", "complex": "complex128"}


class PyRef:
    """A Python value R holds by reference (no R counterpart): R hands it back unchanged, and
    ``ref$value`` gives reticulate's view of it."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        text = repr(self.value)
        return "<Python %s: %s>" % (type(self.value).__name__, text if len(text) < 200 else text[:200] + "...")


# -- R -> Python ------------------------------------------------------------------------------

def from_wire(wire: Dict[str, Any]) -> Any:
    """The Python value of an R wire."""
    kind = wire["kind"]
    if kind == "null":
        return None
    if kind == "py":
        obj = wire["object"]
        return obj.value if isinstance(obj, PyRef) else obj
    if kind == "raw":
        return bytes(wire["data"])
    if kind == "rds":
        from ..datastore.codecs.robject import RObject

        return RObject(bytes(wire["data"]), _strings(wire.get("class")))
    if kind == "list":
        return _list_from_wire(wire)
    if kind == "data.frame":
        return _frame_from_wire(wire)
    if kind == "vector":
        return _vector_from_wire(wire)
    raise ValueError("unknown wire kind %r" % kind)


def _strings(value: Any) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and "text" in value:
        return strings_list(value)
    return [str(v) for v in value]


def _list_from_wire(wire: Dict[str, Any]) -> Any:
    items = [from_wire(w) for w in _as_list(wire.get("items"))]
    names = wire.get("names")
    if names is not None:
        return dict(zip(_strings(names), items))
    kind = wire.get("py_type")
    if kind == "tuple":
        return tuple(items)
    if kind in ("set", "frozenset"):
        return set(items) if kind == "set" else frozenset(items)
    if kind == "dict":
        return {_hashable(pair[0]): pair[1] for pair in items}
    return items


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _as_list(value: Any) -> List[Any]:
    """A wire field as a list: reticulate gives a length-1 R vector as a scalar and a named R
    list as a dict."""
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _values_and_mask(wire: Dict[str, Any]):
    rtype = wire["type"]
    if rtype == "character":
        array, mask = _string_array(wire)
        values = array.to_numpy(zero_copy_only=False)  # str objects, None where NA
        return values.astype(object, copy=False), mask
    values, mask = numbers_from_bytes(wire.get("data"), rtype)
    if rtype == "complex":
        mask = mask_from_positions(wire.get("na"), len(values))
    return values, mask


def _string_array(wire: Dict[str, Any]):
    """``(arrow array, mask)`` of a character wire."""
    import pyarrow as pa

    strings = wire.get("strings")
    if isinstance(strings, dict) and "text" in strings:
        return strings_from_block(strings)
    items = _strings(strings)
    mask = mask_from_positions(wire.get("na"), len(items))
    if mask is None:
        return pa.array(items, type=pa.large_string()), None
    import numpy as np

    return pa.array(np.array(items, dtype=object), type=pa.large_string(), mask=mask), mask


def _vector_from_wire(wire: Dict[str, Any]) -> Any:
    import numpy as np

    values, mask = _values_and_mask(wire)
    classes = _strings(wire.get("class"))
    if wire.get("py_type") == "int":  # an int R could not hold as an integer
        return int(values[0]) if wire["type"] == "character" else int(float(values[0]))
    if wire.get("levels") is not None:
        return _factor(values, mask, _strings(wire["levels"]), "ordered" in classes, wire)
    if "difftime" in classes:
        return _timedeltas(values, mask, wire)
    if "Date" in classes:
        values = _dates(values, mask)
        if values.ndim == 0:
            return values
        mask = None  # NaT marks a missing date
    elif "POSIXct" in classes and str(wire.get("py_dtype") or "").startswith("datetime64"):
        return _numpy_datetimes(values, mask, wire)
    elif "POSIXct" in classes:
        return _datetimes(values, mask, wire.get("tzone"), wire)
    if wire.get("py_dtype"):
        extension = _pandas_dtype(wire["py_dtype"])
        if extension is not None:
            import pandas as pd

            return pd.Series(pd.array([None if (mask is not None and m) else v for v, m in
                                       zip(values.tolist(), mask if mask is not None else [False] * len(values))],
                                      dtype=extension))
        values = values.astype(wire["py_dtype"])
    dim = wire.get("dim")
    if dim is not None:
        shape = tuple(int(d) for d in _as_list(dim))
        values = values.reshape(shape, order="F")
        mask = mask.reshape(shape, order="F") if mask is not None else None
        return np.ma.MaskedArray(values, mask=mask) if mask is not None and mask.any() else values
    names = wire.get("names")
    if names is not None:
        import pandas as pd

        series = pd.Series(_nullable(values, mask, wire["type"]), index=_strings(names))
        return series
    has_na = mask is not None and bool(mask.any())
    array = wire.get("py_type") == "ndarray"
    if len(values) == 1 and not has_na and not array and "Date" not in classes:
        if wire.get("py_dtype"):
            return values[0]  # a numpy scalar (its dtype was kept)
        return values[0].item() if hasattr(values[0], "item") else values[0]
    if has_na:
        return np.ma.MaskedArray(values, mask=mask)
    return values


def _pandas_dtype(name: str):
    """The pandas extension dtype called ``name`` (Int64, boolean, string, ...), else None."""
    if not name or name[0].islower() and name not in ("boolean", "string"):
        return None
    import pandas as pd

    try:
        dtype = pd.api.types.pandas_dtype(name)
    except TypeError:
        return None
    return dtype if isinstance(dtype, pd.api.extensions.ExtensionDtype) else None


def _nullable(values, mask, rtype: str):
    """A pandas array that keeps NA apart from NaN (for Series and data frame columns)."""
    import numpy as np
    import pandas as pd

    if rtype == "character":
        return pd.Series(list(values)).array  # pandas' default string dtype (str in pandas 3)
    if mask is None or not mask.any():
        return values
    if rtype == "logical":
        return pd.arrays.BooleanArray(values.astype(bool), mask)
    if rtype == "integer":
        return pd.arrays.IntegerArray(values.astype(np.int32), mask)
    if rtype == "double":
        return pd.arrays.FloatingArray(values.astype(np.float64), mask)
    return values


def _timedeltas(values, mask, wire: Dict[str, Any]):
    import numpy as np

    units = {"secs": 1, "mins": 60, "hours": 3600, "days": 86400, "weeks": 604800}
    factor = units.get(_strings(wire.get("units"))[0] if wire.get("units") else "secs", 1)
    nanos = np.round(np.asarray(values, dtype="float64") * factor * 1e9).astype("int64")
    out = nanos.astype("timedelta64[ns]")
    if mask is not None:
        out[mask] = np.timedelta64("NaT")
    dtype = wire.get("py_dtype") or "timedelta64[s]"
    result = out.astype(dtype)
    return result if len(result) != 1 or wire.get("py_type") == "ndarray" else result[0]


def _factor(codes, mask, levels: List[str], ordered: bool, wire: Dict[str, Any]):
    import pandas as pd

    codes = codes.astype("int64") - 1
    if mask is not None:
        codes[mask] = -1
    categorical = pd.Categorical.from_codes(codes, categories=levels, ordered=ordered)
    if wire.get("names") is not None:
        return pd.Series(categorical, index=_strings(wire["names"]))
    return categorical


# datetime.date holds years 1 to 9999: days since 1970 from -719162 to 2932896
DATE_MIN_DAYS, DATE_MAX_DAYS = -719162, 2932896


def _date_column(values, mask):
    """An object column of ``datetime.date`` (None where NA or NaN), made by Arrow in one pass,
    and that Arrow ``date32`` array (None when the dates are beyond ``datetime.date``)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    days = np.asarray(values, dtype="float64")
    bad = np.isnan(days) if mask is None else (mask | np.isnan(days))
    whole = np.where(bad, 0, np.trunc(days))
    if whole.min(initial=0) < DATE_MIN_DAYS or whole.max(initial=0) > DATE_MAX_DAYS:
        dates = _dates(values, mask)  # beyond datetime.date: numpy's own objects, as before
        dates = dates if getattr(dates, "ndim", 0) else [dates]
        return pd.Series([None if pd.isna(d) else d.astype(object) for d in dates], dtype=object), None
    array = pa.array(whole.astype("int32"), type=pa.date32(), mask=bad)
    return pd.Series(array.to_pandas(date_as_object=True), dtype=object), array


def _dates(values, mask):
    import numpy as np

    days = np.array(values, dtype="float64")
    out = np.empty(len(days), dtype="datetime64[D]")
    good = ~np.isnan(days) if mask is None else ~(mask | np.isnan(days))
    out[good] = days[good].astype("int64").astype("datetime64[D]")
    out[~good] = np.datetime64("NaT")
    if len(out) == 1 and good.all():
        return out[0]
    return out


def _numpy_datetimes(values, mask, wire):
    """POSIXct that came from a naive numpy datetime64 array (its dtype kept)."""
    import numpy as np

    nanos = np.round(np.asarray(values, dtype="float64") * 1e9).astype("int64")
    out = nanos.astype("datetime64[ns]")
    if mask is not None:
        out[mask] = np.datetime64("NaT")
    result = out.astype(wire["py_dtype"])
    return result if len(result) != 1 or wire.get("py_type") == "ndarray" else result[0]


NANOS_LIMIT = 2.0 ** 63 - 1024  # float nanoseconds that fit int64


def _utc_index(nanos):
    """A UTC DatetimeIndex of float nanoseconds (NaN: NaT), as ``pd.to_datetime(nanos, unit="ns",
    utc=True)`` makes it (pandas truncates the fraction), in one numpy pass."""
    import numpy as np
    import pandas as pd

    missing = np.isnan(nanos)
    if not len(nanos) or not (np.abs(nanos[~missing]) < NANOS_LIMIT).all():
        return pd.to_datetime(nanos, unit="ns", utc=True)  # empty, infinite or out of range: pandas decides
    moments = np.where(missing, 0, nanos).astype("int64").view("M8[ns]")
    moments[missing] = np.datetime64("NaT")
    return pd.DatetimeIndex(moments).tz_localize("UTC")


def _datetimes(values, mask, tzone, wire):
    import numpy as np
    import pandas as pd

    seconds = np.array(values, dtype="float64")
    if mask is not None:
        seconds[mask] = np.nan
    tz = _strings(tzone)[0] if tzone is not None and _strings(tzone) and _strings(tzone)[0] else None
    index = _utc_index(seconds * 1e9)
    index = index.tz_convert(tz) if tz else index.tz_convert(None)
    if len(index) == 1 and not pd.isna(index[0]) and wire.get("names") is None:
        return index[0]
    if wire.get("names") is not None:
        return pd.Series(index, index=_strings(wire["names"]))
    return index


def _frame_from_wire(wire: Dict[str, Any]):
    import pandas as pd

    from .frame_tables import register_table

    names = _strings(wire.get("names"))
    columns = {}
    arrays = {}
    for i, (name, column) in enumerate(zip(names, _as_list(wire.get("columns")))):
        if column.get("kind") == "vector" and "Date" in _strings(column.get("class")) and column.get("levels") is None:
            columns[name], arrays[i] = _date_column(*_values_and_mask(column))  # arrays[i]: date32
        else:
            columns[name] = _column_from_wire(column)
    arrays = {i: a for i, a in arrays.items() if a is not None}
    frame = pd.DataFrame(columns, copy=False)  # the columns are new: no need for another copy
    if not names:
        frame = pd.DataFrame(index=range(int(wire.get("nrow") or 0)))
    row_names = wire.get("row_names")
    if row_names is not None:
        frame.index = pd.Index(_strings(row_names))
    elif len(names) == len(set(names)):
        register_table(frame, arrays)
    return frame


def _column_from_wire(wire: Dict[str, Any]):
    """One data frame column: NA-free columns keep plain numpy dtypes, columns with NA become
    pandas nullable arrays, dates become ``datetime.date`` objects (Arrow's date32)."""
    import pandas as pd

    if wire["kind"] != "vector":
        return pd.Series([from_wire(w) for w in _as_list(wire.get("items"))], dtype=object) \
            if wire["kind"] == "list" else pd.Series([from_wire(wire)], dtype=object)
    classes = _strings(wire.get("class"))
    if wire["type"] == "character" and not wire.get("py_dtype") and "levels" not in wire:
        array = _string_array(wire)[0]
        return pd.Series(array.to_pandas() if len(array) else [])  # pandas' default dtype for strings
    values, mask = _values_and_mask(wire)
    if wire.get("levels") is not None:
        return pd.Series(_factor(values, mask, _strings(wire["levels"]), "ordered" in classes, {}))
    if "Date" in classes:
        return _date_column(values, mask)[0]
    if "POSIXct" in classes and str(wire.get("py_dtype") or "").startswith("datetime64"):
        return pd.Series(_numpy_datetimes(values, mask, dict(wire, py_type="ndarray")))
    if "POSIXct" in classes:
        moments = _datetimes(values, mask, wire.get("tzone"), {"names": None})
        return pd.Series(moments if isinstance(moments, pd.DatetimeIndex) else pd.DatetimeIndex([moments]))
    column = pd.Series(_nullable(values, mask, wire["type"]))
    if wire.get("py_dtype"):
        column = column.astype(wire["py_dtype"])
    return column
