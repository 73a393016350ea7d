"""bytes, bytearray and memoryview values are stored raw (encoding ``bytes``): the blob is the
value's bytes, they come back with their exact type, peak memory stays near the value's size,
and bytes stored the old way (base64 in tagged JSON) still load."""

from __future__ import annotations

import array
import json
import subprocess
import sys
from pathlib import Path

import pytest

from duoflow.datastore import codecs
from duoflow.datastore.artifacts import load_value, store_value
from duoflow.datastore.cas import BlobStore
from duoflow.datastore.storage.local import LocalStorage

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bytes_memory.py"


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(LocalStorage(str(tmp_path)), "F")


def as_json(entry) -> dict:
    """An artifact entry as artifacts.json holds it."""
    return entry.to_json() if hasattr(entry, "to_json") else dict(entry)


def roundtrip(blobs, value):
    entry = store_value(blobs, "value", value)
    return as_json(entry), load_value(blobs, "value", entry, "F/1/start/1")


def blob_bytes(blobs, entry: dict) -> bytes:
    return Path(blobs.storage.path(blobs.key(entry["sha"]))).read_bytes()


def test_large_bytes_are_a_blob_of_the_bytes_themselves(blobs):
    value = bytes(range(256)) * 4096
    entry, loaded = roundtrip(blobs, value)
    assert entry["encoding"] == "bytes" and entry["r_class"] == "raw" and entry["size"] == len(value)
    assert blob_bytes(blobs, entry) == value  # no base64, no JSON around it
    assert type(loaded) is bytes and loaded == value


@pytest.mark.parametrize("value", [bytearray(b"\x00\x01\xff"), bytearray(range(256)) * 10],
                         ids=["small", "large"])
def test_bytearray_comes_back_as_a_bytearray(blobs, value):
    entry, loaded = roundtrip(blobs, value)
    assert entry["encoding"] == "bytes"
    assert type(loaded) is bytearray and loaded == value


@pytest.mark.parametrize("value", [
    memoryview(b"hello"),
    memoryview(bytes(range(256)) * 4),
    memoryview(array.array("d", [1.5, -2.0] * 100)),
    memoryview(array.array("i", range(12))).cast("B").cast("i", [3, 4]),
    memoryview(bytes(range(200)))[::2],
], ids=["small", "large", "doubles", "2d_ints", "strided"])
def test_memoryview_keeps_its_format_and_shape(blobs, value):
    entry, loaded = roundtrip(blobs, value)
    assert entry["encoding"] == "bytes"
    assert type(loaded) is memoryview
    assert (loaded.format, loaded.shape) == (value.format, value.shape)
    assert loaded.tobytes() == value.tobytes() and loaded == value
    assert loaded.readonly


def test_small_bytes_stay_inline_json_as_before(blobs):
    entry, loaded = roundtrip(blobs, b"\x00\x01\xff")
    assert entry["encoding"] == "json" and "inline" in entry
    assert loaded == b"\x00\x01\xff"


def test_the_json_inline_limit_is_where_bytes_start(blobs):
    from duoflow.datastore.codecs.bytes_codec import JSON_INLINE_BYTES

    at, over = (roundtrip(blobs, bytes(n))[0] for n in (JSON_INLINE_BYTES, JSON_INLINE_BYTES + 1))
    assert at["encoding"] == "json" and "inline" in at
    assert over["encoding"] == "bytes" and "sha" in over


def test_bytes_stored_the_old_way_still_load(blobs, monkeypatch):
    """Large bytes stored before the bytes encoding: base64 inside a json blob."""
    value = bytes(range(256)) * 64
    without = [c for c in codecs._PREFERENCE if c.encoding != "bytes"]
    monkeypatch.setattr(codecs, "_PREFERENCE", without)
    entry = store_value(blobs, "value", value)
    assert as_json(entry)["encoding"] == "json" and b"$bytes" in _raw_json(blobs, as_json(entry))
    monkeypatch.undo()
    loaded = load_value(blobs, "value", entry, "F/1/start/1")
    assert type(loaded) is bytes and loaded == value


def _raw_json(blobs, entry: dict) -> bytes:
    from duoflow.datastore.codecs import compression

    return bytes(compression.maybe_decompress(memoryview(blob_bytes(blobs, entry)), entry))


@pytest.mark.parametrize("kind", ["bytes", "bytearray"])
def test_peak_memory_stays_near_the_value_size(tmp_path, kind):
    """ru_maxrss growth of a child that saves, then of one that loads, 128 MiB (the old
    base64-in-JSON path needed 5x). Memory, not time: deterministic enough to pin."""
    size_mib = 128
    for phase in ("save", "load"):
        out = subprocess.run([sys.executable, str(BENCH), "--child", kind, phase, str(tmp_path),
                              "--size-mib", str(size_mib)], check=True, capture_output=True, text=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        assert row["encoding"] == "bytes"
        assert row["peak"] <= 1.2 * size_mib * 2 ** 20, (phase, row["peak"] / 2 ** 20)


def test_large_bytes_inside_a_container_are_a_raw_part(blobs):
    from duoflow.datastore.codecs.tagged import PART_BYTES

    big = bytes(range(256)) * (PART_BYTES // 256 + 1)
    value = {"image": big, "name": "x.png", "small": b"\x00\x01", "more": [big, bytearray(3)]}
    entry, loaded = roundtrip(blobs, value)
    assert entry["encoding"] == "json" and entry["layout"] == "parts"
    assert b"$bytes\":\"AAECAwQF" not in blob_bytes(blobs, entry)  # no base64 copy of the big one
    assert loaded == value and type(loaded["image"]) is bytes and type(loaded["more"][1]) is bytearray
