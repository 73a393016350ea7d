"""A damaged artifact gives a clear ArtifactDecodeError naming the artifact and the task, never a
wrong value or an unpickling traceback; artifacts written before the codecs existed still load."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
import rowlib
from stores import WHERE
from same import assert_same

from duoflow.exceptions import ArtifactDecodeError

DAMAGEABLE = {
    "json": [{"id": i} for i in range(200)],
    "ndarray": np.arange(1000.0),
    "ndarray_zstd": np.zeros(1 << 18),
    "arrow": pd.DataFrame({"a": np.arange(100), "s": ["x"] * 100}),
    "cloudpickle": __import__("fractions").Fraction(1, 3),
}


def _rewrite(path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


@pytest.mark.parametrize("kind", sorted(DAMAGEABLE))
def test_flipped_byte_is_detected(store, kind):
    entry = store.save("model", DAMAGEABLE[kind])
    path = store.blob_path(entry)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    _rewrite(path, bytes(data))
    with pytest.raises(ArtifactDecodeError) as caught:
        store.load("model", entry)
    message = str(caught.value)
    assert "artifact 'model'" in message and WHERE in message and "corrupt" in message


@pytest.mark.parametrize("kind", sorted(DAMAGEABLE))
def test_truncated_blob_is_detected(store, kind):
    entry = store.save("model", DAMAGEABLE[kind])
    path = store.blob_path(entry)
    _rewrite(path, path.read_bytes()[:-7])
    with pytest.raises(ArtifactDecodeError, match="artifact 'model' of %s" % WHERE):
        store.load("model", entry)


def test_missing_blob_is_detected(store):
    entry = store.save("model", np.arange(10))
    store.blob_path(entry).unlink()
    with pytest.raises(ArtifactDecodeError, match="missing"):
        store.load("model", entry)


def test_payload_that_does_not_match_its_header_is_refused(store):
    """A blob that passes its checksum but disagrees with itself (written by another tool)."""
    entry = store.save("good", np.arange(16, dtype=np.int32))
    data = store.blob_path(entry).read_bytes()
    short = store.blobs.save(data[:-8])  # a consistent checksum, a short payload
    bad = dict(entry, sha=short[0], size=short[1])
    with pytest.raises(ArtifactDecodeError, match="header needs"):
        store.load("bad", bad)


def test_tampered_compression_info_is_refused(store):
    entry = store.save("z", np.zeros(1 << 18))
    entry["compression"] = dict(entry["compression"], raw_size=entry["compression"]["raw_size"] + 8)
    with pytest.raises(ArtifactDecodeError, match="compressed"):
        store.load("z", entry)


def test_unknown_encoding_and_newer_version_are_clear(store):
    entry = store.save("x", np.arange(3))
    with pytest.raises(ArtifactDecodeError, match="Unknown artifact encoding 'parquet'"):
        store.load("x", dict(entry, encoding="parquet"))
    with pytest.raises(ArtifactDecodeError, match="newer than this duoflow reads"):
        store.load("x", dict(entry, version=99))


# -- the blob address: BLAKE3 now, SHA-256 before --------------------------------------------------

def _as_sha256_entry(store, entry):
    """The same value as an entry written before BLAKE3: its blob named by SHA-256, no "hash"."""
    import hashlib

    data = store.blob_path(entry).read_bytes()
    old = hashlib.sha256(data).hexdigest()
    store.storage.write(store.blobs.key(old), data)
    legacy = {k: v for k, v in entry.items() if k != "hash"}
    legacy["sha"] = old
    return legacy


def test_new_blobs_are_named_by_their_blake3_digest(store):
    import blake3

    entry = store.save("a", np.arange(1000.0))
    assert entry["hash"] == "blake3"
    assert entry["sha"] == blake3.blake3(store.blob_path(entry).read_bytes()).hexdigest()


def test_entries_without_a_hash_are_sha256_addressed_and_still_checked(store):
    entry = store.save("a", np.arange(1000.0))
    legacy = _as_sha256_entry(store, entry)
    assert np.array_equal(store.load("a", legacy), np.arange(1000.0))
    path = store.blob_path(legacy)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    _rewrite(path, bytes(data))
    with pytest.raises(ArtifactDecodeError, match="does not match its sha256 checksum"):
        store.load("a", legacy)


def test_a_blob_is_not_accepted_under_the_other_hash(store):
    entry = store.save("a", np.arange(1000.0))
    with pytest.raises(ArtifactDecodeError, match="corrupt"):
        store.load("a", dict(entry, hash="sha256"))


def test_unknown_hash_is_clear(store):
    entry = store.save("a", np.arange(1000.0))
    with pytest.raises(ArtifactDecodeError, match="Unknown blob hash 'md5'") as caught:
        store.load("a", dict(entry, hash="md5"))
    assert "upgrade duoflow" in str(caught.value)


# -- artifacts written before this layer (cloudpickle version 1) -------------------------------------

def test_legacy_cloudpickle_artifacts_still_load():
    import collections
    import datetime
    import decimal
    import fractions

    from duoflow.datastore.artifacts import load_value
    from duoflow.datastore.cas import BlobStore
    from duoflow.datastore.records import ArtifactEntry
    from duoflow.datastore.storage.local import LocalStorage

    root = rowlib.LEGACY_DIR
    index = json.loads((root / rowlib.LEGACY_FLOW / "artifacts.json").read_text())
    blobs = BlobStore(LocalStorage(str(root)), rowlib.LEGACY_FLOW)
    assert {e["encoding"] for e in index.values()} == {"cloudpickle"}
    assert {e["version"] for e in index.values()} == {1}
    loaded = {name: load_value(blobs, name, ArtifactEntry.from_json(entry), "Legacy/1/start/1")
              for name, entry in index.items()}
    expected = {
        "count": 3, "ratio": 0.25, "message": "h\u00e9llo", "nothing": None,
        "mapping": {"a": [1, 2.5, None], 7: ("x", b"\x00")}, "tags": {"x", "y"}, "big": 2 ** 80,
        "when": datetime.date(2024, 1, 31), "price": decimal.Decimal("1.10"),
        "third": fractions.Fraction(1, 3), "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
    }
    assert list(loaded) == list(expected)
    for name, value in expected.items():
        assert_same(loaded[name], value, path=name)


def test_python_only_objects_still_use_cloudpickle_version_1(store):
    entry, loaded = store.roundtrip(__import__("fractions").Fraction(2, 7))
    assert (entry["encoding"], entry["version"]) == ("cloudpickle", 1)
    assert loaded == __import__("fractions").Fraction(2, 7)
