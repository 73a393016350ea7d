"""The R bridge's column buffers (rbridge/buffers.py), the Arrow-to-R path (rbridge/arrow_wire.py)
and the prebuilt Arrow tables of R-written frames (rbridge/frame_tables.py), without R: the bytes
are those R's writeBin() writes and readBin() reads."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from duoflow.rbridge import buffers
from duoflow.rbridge.arrow_wire import table_wire
from duoflow.rbridge.convert import from_wire
from duoflow.rbridge.to_r import to_wire

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "roundtrip"


def r_doubles(values, na_at=()):
    """What writeBin() writes for a double vector with NA at ``na_at``."""
    out = np.array(values, dtype="<f8")
    out.view("<u8")[list(na_at)] = buffers.REAL_NA_BITS
    return bytearray(out.tobytes())


def r_strings(values):
    """What writeBin(enc2utf8(x)) writes (NA as "NA") and the positions R sends for NA."""
    text = b"".join((b"NA" if v is None else v.encode()) + b"\0" for v in values)
    na = [i + 1 for i, v in enumerate(values) if v is None]
    return {"text": bytearray(text), "n": len(values),
            "na": bytearray(np.array(na, dtype="<i4").tobytes()) if na else None}


def test_r_na_and_nan_stay_apart():
    values, mask = buffers.numbers_from_bytes(r_doubles([1.5, np.nan, 0.0, 2.0], na_at=[2]), "double")
    assert mask.tolist() == [False, False, True, False]
    assert np.isnan(values[1]) and values[2] == 0.0
    back = np.frombuffer(buffers.numbers_bytes(values, mask, "double"), dtype="<u8")
    assert back[2] == buffers.REAL_NA_BITS and np.isnan(np.frombuffer(back.tobytes())[1])
    assert (back[1] & 0xFFFFFFFF) != buffers.NA_LOW_WORD


def test_integer_and_logical_na_is_int_min():
    written = np.array([1, -2 ** 31, 0], dtype="<i4").tobytes()
    values, mask = buffers.numbers_from_bytes(bytearray(written), "logical")
    assert values.tolist() == [True, False, False] and mask.tolist() == [False, True, False]
    assert bytes(buffers.numbers_bytes(values, mask, "logical")) == written


def test_strings_cross_as_one_buffer_both_ways():
    values = ["a", None, "", "café", "x" * 10000, "日本"]
    array, mask = buffers.strings_from_block(r_strings(values))
    assert array.to_pylist() == values and mask.tolist() == [v is None for v in values]
    block = buffers.strings_block(np.array(values, dtype=object))
    assert bytes(block["text"]) == b"a\0\0\0caf\xc3\xa9\0" + b"x" * 10000 + b"\0\xe6\x97\xa5\xe6\x9c\xac\0"
    assert np.frombuffer(block["na"], dtype="<i4").tolist() == [2]
    assert np.frombuffer(block["utf8"], dtype="<i4").tolist() == [4, 6]


def test_strings_with_nul_or_non_strings_have_no_buffer():
    assert buffers.strings_block(np.array(["a\0b"], dtype=object)) is None
    assert buffers.strings_block(np.array(["a", 1], dtype=object)) is None
    wire = to_wire(np.array(["a\0b", "c"], dtype=object))
    assert wire["strings"] == ["a\0b", "c"]  # a list: R refuses it, as it always did


def test_a_sliced_arrow_column_keeps_its_own_strings():
    array = pa.array(["skip", "b", None, "dé"], type=pa.string()).slice(1)
    block = buffers.strings_block_arrow(array)
    assert bytes(block["text"]) == b"b\0\0d\xc3\xa9\0" and block["n"] == 3


def _frames():
    """Data frames of the shared round-trip table, and a few more shapes."""
    sys.path.insert(0, str(FIXTURES))
    import rowlib

    frames = [rowlib.expected(r) for r in rowlib.load_rows()]
    # Data frames stored as Arrow (a frame of complex numbers is pickled: no Arrow path to test).
    frames = [f for f in frames if isinstance(f, pd.DataFrame)
              and not any(pd.api.types.is_complex_dtype(t) for t in f.dtypes)]
    n = 200
    frames.append(pd.DataFrame({
        "d": pd.array(np.where(np.arange(n) % 3 == 0, np.nan, np.arange(n) / 7), dtype="Float64"),
        "i": pd.array(np.where(np.arange(n) % 5 == 0, None, np.arange(n)), dtype="Int32"),
        "b": np.arange(n) % 2 == 0, "u": np.arange(n, dtype="uint16"), "f32": np.ones(n, dtype="float32"),
        "c": pd.Categorical(np.where(np.arange(n) % 4 == 0, None, "lvl-" + (np.arange(n) % 90).astype(str))),
        "day": [None if k % 6 == 0 else datetime.date(2000, 1, 1) + datetime.timedelta(days=k) for k in range(n)],
        "t": pd.date_range("2024-03-31", periods=n, freq="37min", tz="Europe/Paris"),
        "naive": pd.date_range("2024-01-01", periods=n, freq="h").astype("datetime64[us]"),
        "s": pd.array(["é" * (k % 3) if k % 9 else None for k in range(n)], dtype="str"),
    }))
    return frames


@pytest.mark.parametrize("frame", _frames(), ids=lambda f: ",".join(map(str, f.columns))[:40] or "empty")
def test_arrow_columns_give_the_wire_of_the_pandas_frame(frame):
    from duoflow.datastore.codecs import decode_value, encode_value

    encoded = encode_value(frame)
    assert encoded.encoding == "arrow"
    table = pa.ipc.open_stream(pa.py_buffer(encoded.payload)).read_all()
    wire = table_wire(table)
    if wire is None:
        assert len(frame) != 200, "the frame of every converted column kind must take the Arrow path"
        return  # a frame this path leaves to pandas
    loaded = decode_value(encoded.payload, dict(encoded.extra, encoding="arrow", version=1))
    assert wire == to_wire(loaded)


def test_an_r_frame_carries_the_table_from_pandas_would_make():
    from duoflow.datastore.codecs.arrow_prebuilt import prebuilt
    from duoflow.datastore.codecs.pandas_support import object_markers

    days = r_doubles([0.0, 1.0, 18000.5, 3.0, np.nan], na_at=[1])
    wire = {"kind": "data.frame", "names": ["day", "x", "s"], "nrow": 5, "row_names": None, "columns": [
        {"kind": "vector", "type": "double", "data": days, "class": ["Date"]},
        {"kind": "vector", "type": "double", "data": r_doubles([1, 2, 3, 4, 5], na_at=[0])},
        {"kind": "vector", "type": "character", "strings": r_strings(["a", None, "b", "c", "d"])}]}
    frame = from_wire(wire)
    assert frame["day"].tolist() == [datetime.date(1970, 1, 1), None, datetime.date(2019, 4, 14),
                                     datetime.date(1970, 1, 4), None]
    built = prebuilt(frame)
    reference = pa.Table.from_pandas(frame, preserve_index=None)
    assert built.table.equals(reference) and built.table.schema.equals(reference.schema, check_metadata=True)
    assert built.markers == object_markers(frame)


def test_a_frame_changed_by_hand_has_no_prebuilt_table():
    from duoflow.datastore.codecs.arrow_prebuilt import prebuilt

    frame = pd.DataFrame({"day": [datetime.date(2020, 1, 1)]})
    assert prebuilt(frame) is None


def test_posixct_seconds_become_the_times_pandas_makes():
    from duoflow.rbridge.convert import _utc_index

    rng = np.random.default_rng(0)
    seconds = np.concatenate([1e9 + rng.random(1000) * 1e8, -1e6 + rng.random(100), [np.nan, 0.0, -0.5]])
    expected = pd.to_datetime(seconds * 1e9, unit="ns", utc=True)  # pandas truncates the fraction
    assert _utc_index(seconds * 1e9).equals(expected)
    with pytest.raises(pd.errors.OutOfBoundsDatetime):  # beyond nanoseconds: pandas' own error
        _utc_index(np.array([1e21]))
