"""Codec choices and behaviours beyond value equality: inlining, compression decisions, zero-copy
loads, memory order, parts of containers, fallbacks to cloudpickle."""

from __future__ import annotations

import mmap

import numpy as np
import pandas as pd
import pytest
from same import assert_same

from duoflow.datastore.codecs import base, compression, encode_value


# -- json -----------------------------------------------------------------------------------------

def test_small_values_are_inlined_without_a_blob(store):
    entry, loaded = store.roundtrip({"alpha": 0.5, "layers": [64, 32]})
    assert entry["encoding"] == "json" and "inline" in entry and "sha" not in entry
    assert entry["inline"] == {"alpha": 0.5, "layers": [64, 32]}  # readable in artifacts.json
    assert not list(store.blobs.storage.list("RoundTripFlow/blobs"))
    assert loaded == {"alpha": 0.5, "layers": [64, 32]}


def test_inline_limit_is_the_json_size(store):
    just_fits = "x" * (base.INLINE_LIMIT - 2)  # plus its two quotes
    assert "inline" in store.save("a", just_fits)
    assert "sha" in store.save("b", just_fits + "x")


def test_large_json_is_a_compressed_blob(store):
    value = [{"id": i, "name": "item-%d" % i} for i in range(5000)]
    entry, loaded = store.roundtrip(value)
    assert entry["encoding"] == "json" and entry["compression"]["method"] == "zstd"
    assert entry["size"] < entry["compression"]["raw_size"] / 3
    assert loaded == value


def test_equal_sets_give_equal_bytes():
    # String hashing changes per process, so set order does; the stored form must not.
    a = {"pear", "apple", "fig", ("t", 1)}
    b = set(sorted(a, key=str, reverse=True))
    assert encode_value(a).inline == encode_value(b).inline


@pytest.mark.parametrize("value", [
    [1, object()],                         # a Python-only object inside
    {"s": "\ud800"},                      # a lone surrogate is not UTF-8
    __import__("collections").OrderedDict(a=1),
    __import__("enum").IntEnum("E", "A").A,  # an int subclass
])
def test_not_plain_values_go_to_cloudpickle(value):
    assert encode_value(value).encoding == "cloudpickle"


def test_self_containing_list_goes_to_cloudpickle(store):
    value = [1]
    value.append(value)
    entry, loaded = store.roundtrip(value)
    assert entry["encoding"] == "cloudpickle" and loaded[1] is loaded


def test_container_of_arrays_keeps_them_as_zero_copy_parts(store):
    weights = np.random.default_rng(0).random((300, 200))
    entry, loaded = store.roundtrip({"w": weights, "meta": {"epochs": 3}, "frame": pd.DataFrame({"a": [1]})})
    assert entry["encoding"] == "json" and entry["layout"] == "parts"
    assert_same(loaded["w"], weights)
    assert not loaded["w"].flags.owndata and not loaded["w"].flags.writeable
    assert loaded["w"].ctypes.data % 64 == 0  # parts are aligned in the blob
    assert loaded["meta"] == {"epochs": 3}
    assert_same(loaded["frame"], pd.DataFrame({"a": [1]}))


def test_unknown_tag_is_a_clear_error(store):
    from duoflow.exceptions import ArtifactDecodeError

    entry = store.save("x", (1, 2))
    entry["inline"] = {"$mystery": 1}
    with pytest.raises(ArtifactDecodeError, match="not a duoflow tagged-JSON value"):
        store.load("x", entry)


# -- ndarray --------------------------------------------------------------------------------------

def test_array_loads_without_a_copy(store):
    value = np.random.default_rng(1).random(300_000)
    entry, loaded = store.roundtrip(value)
    assert entry["encoding"] == "ndarray" and "compression" not in entry
    assert not loaded.flags.owndata and not loaded.flags.writeable
    base_object = loaded.base
    while isinstance(base_object, np.ndarray):
        base_object = base_object.base
    assert isinstance(base_object, memoryview) and isinstance(base_object.obj, mmap.mmap)
    with pytest.raises(ValueError, match="read-only"):
        loaded[0] = 1.0
    assert_same(loaded, value)


def test_fortran_order_is_stored_column_major(store):
    value = np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4))
    entry, loaded = store.roundtrip(value)
    data = store.blob_path(entry).read_bytes()
    assert data.endswith(value.tobytes(order="F"))  # R reads this without a transpose
    assert loaded.flags.f_contiguous and not loaded.flags.c_contiguous
    assert_same(loaded, value, check_order=True)


def test_blob_is_a_standard_npy_record(store, tmp_path):
    value = np.arange(6.0).reshape(2, 3)
    entry = store.save("x", value)
    assert_same(np.load(store.blob_path(entry)), value)


def test_zeros_are_compressed_and_random_floats_are_not(store):
    zeros = store.save("zeros", np.zeros(1 << 20))
    floats = store.save("floats", np.random.default_rng(2).random(1 << 20))
    assert zeros["compression"]["method"] == "zstd" and zeros["size"] < 10_000
    assert "compression" not in floats
    loaded = store.load("zeros", zeros)
    assert not loaded.flags.writeable and (loaded == 0).all() and loaded.dtype == np.float64


def _sparse():
    """Frames (8 MiB each) of zeros, of low-entropy values, of zeros, and a short non-zero tail."""
    ints = np.zeros(3 * (compression.CHUNK // 8) + 123, dtype=np.int64)
    middle = compression.CHUNK // 8
    ints[middle:middle + 5000] = np.random.default_rng(4).integers(0, 3, 5000)
    ints[-1] = 7
    return ints


def test_frames_of_zeros_are_not_stored(store):
    value = _sparse()
    entry = store.save("sparse", value)
    frames = entry["compression"]["frames"]
    assert [packed == 0 for packed, _ in frames] == [False, True, False, True, False]  # header, ..., tail
    assert entry["version"] == 2 and entry["size"] < 100_000
    loaded = store.load("sparse", entry)
    assert np.array_equal(loaded, value) and not loaded.flags.writeable


def test_arrays_without_zero_frames_stay_version_1(store):
    text = np.tile(np.arange(7, dtype=np.int64), 3 << 20)  # compressible, never 8 MiB of zeros
    entry = store.save("pattern", text)
    assert entry["compression"]["method"] == "zstd" and entry["version"] == 1
    assert all(packed for packed, _ in entry["compression"]["frames"])
    assert np.array_equal(store.load("pattern", entry), text)


def test_frames_of_zeros_that_were_compressed_still_load():
    """Payloads written before zero frames (every frame compressed) decompress as before."""
    raw = bytes(100) + b"x" * 5000 + bytes(2 * compression.CHUNK)
    frames, info = compression.compress("zstd", raw)
    assert all(packed for packed, _ in info["frames"]) and len(info["frames"]) == 3
    assert bytes(compression.decompress(memoryview(b"".join(frames)), info)) == raw


def test_a_missing_or_extra_byte_in_one_frame_is_refused():
    frames, info = compression.compress("zstd", [bytes(100), b"x" * 5000, bytes(compression.CHUNK)], zero_frames=True)
    payload = b"".join(frames)
    assert bytes(compression.decompress(memoryview(payload), info)) == bytes(100) + b"x" * 5000 + bytes(compression.CHUNK)
    wrong = dict(info, frames=[[info["frames"][0][0], 101], [info["frames"][1][0], 4999], info["frames"][2]])
    with pytest.raises(ValueError, match="instead of"):
        compression.decompress(memoryview(payload), wrong)


def test_compression_is_decided_on_a_sample():
    random = memoryview(np.random.default_rng(3).random(1 << 20)).cast("B")
    assert compression.choose("ndarray", random) is None
    assert compression.choose("ndarray", memoryview(bytes(8 << 20))) == "zstd"
    assert compression.choose("ndarray", memoryview(bytes(1000))) is None  # too small to matter
    assert compression.choose("cloudpickle", memoryview(bytes(8 << 20))) is None


@pytest.mark.parametrize("value", [
    np.array([1.0], dtype=np.longdouble),
    np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]),
    np.array([np.arange(2), "x"], dtype=object),
])
def test_arrays_without_a_portable_layout_go_to_cloudpickle(value):
    assert encode_value(value).encoding == "cloudpickle"


def test_numpy_scalar_comes_back_as_a_numpy_scalar(store):
    entry, loaded = store.roundtrip(np.float32(0.1))
    assert entry["scalar"] is True and type(loaded) is np.float32 and loaded == np.float32(0.1)


# -- arrow ----------------------------------------------------------------------------------------

def test_text_heavy_frame_uses_arrow_compression(store):
    frame = pd.DataFrame({"text": ["the quick brown fox %d" % (i % 50) for i in range(100_000)]})
    entry, loaded = store.roundtrip(frame)
    assert entry["encoding"] == "arrow" and entry["ipc_compression"] == "zstd"
    assert_same(loaded, frame)


def test_random_float_frame_is_not_compressed(store):
    frame = pd.DataFrame({"x": np.random.default_rng(4).random(100_000)})
    entry = store.save("x", frame)
    assert entry["encoding"] == "arrow" and "ipc_compression" not in entry


def test_arrow_blob_is_a_plain_ipc_stream_with_pandas_metadata(store):
    import pyarrow as pa

    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", "b"]})
    entry = store.save("x", frame)
    table = pa.ipc.open_stream(store.blob_path(entry).read_bytes()).read_all()
    assert table.column_names == ["n", "s"] and table.column("n").null_count == 1
    assert b"pandas" in table.schema.metadata


def test_loaded_frame_can_be_changed(store):
    _, loaded = store.roundtrip(pd.DataFrame({"x": np.arange(5.0), "y": np.arange(5)}))
    loaded.loc[0, "x"] = 42.0
    loaded["z"] = 1
    assert loaded.loc[0, "x"] == 42.0


def test_frames_arrow_cannot_keep_go_to_cloudpickle():
    assert encode_value(pd.DataFrame({"z": [1 + 2j]})).encoding == "cloudpickle"
    assert encode_value(pd.DataFrame({"o": [1, "a"]})).encoding == "cloudpickle"
    assert encode_value(pd.DataFrame([[1, 2]], columns=["a", "a"])).encoding == "cloudpickle"
    assert encode_value(pd.Series(pd.period_range("2024-01", periods=2, freq="M"))).encoding == "cloudpickle"
