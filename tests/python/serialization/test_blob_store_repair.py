"""A damaged blob is repaired when its value is stored again: the stored blob is trusted only once
its size and hash check out, and a bad one is replaced atomically (local files here; S3 in
tests/python/s3/test_s3_blob_repair.py, whole runs in
tests/python/integration/test_damaged_blob_runs.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from duoflow.datastore.artifacts import load_value, store_value
from duoflow.datastore.cas import BlobStore, digest
from duoflow.datastore.storage.local import LocalStorage
from duoflow.exceptions import ArtifactDecodeError

VALUE = list(range(5000))


def new_store(root: Path) -> BlobStore:
    """A fresh BlobStore, as a later task or run has (nothing checked by this process yet)."""
    return BlobStore(LocalStorage(str(root)), "F")


def blob_path(blobs: BlobStore, entry) -> Path:
    return Path(blobs.storage.path(blobs.key(entry.sha if hasattr(entry, "sha") else entry["sha"])))


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.chmod(path, 0o644)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "empty"])
def test_storing_the_value_again_repairs_its_blob(tmp_path, damage):
    entry = store_value(new_store(tmp_path), "numbers", VALUE)
    path = blob_path(new_store(tmp_path), entry)
    if damage == "flipped byte":
        flip_a_byte(path)
    else:
        os.chmod(path, 0o644)
        path.write_bytes(path.read_bytes()[: 10 if damage == "truncated" else 0])
    with pytest.raises(ArtifactDecodeError, match="corrupt"):
        load_value(new_store(tmp_path), "numbers", entry, "F/1/start/1")

    later = new_store(tmp_path)
    again = store_value(later, "numbers", VALUE)
    assert again == entry  # same address: every earlier entry pointing at it is healed too
    assert digest(path.read_bytes()) == path.name
    assert load_value(new_store(tmp_path), "numbers", entry, "F/1/start/1") == VALUE


def test_the_repair_replaces_the_file_atomically(tmp_path):
    """A new file renamed over the bad one: a reader holding the old file keeps its bytes, and no
    temporary file is left."""
    blobs = new_store(tmp_path)
    entry = store_value(blobs, "numbers", VALUE)
    path = blob_path(blobs, entry)
    flip_a_byte(path)
    before = os.stat(path).st_ino
    store_value(new_store(tmp_path), "numbers", VALUE)
    assert os.stat(path).st_ino != before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_an_intact_blob_is_not_written_again(tmp_path):
    blobs = new_store(tmp_path)
    entry = store_value(blobs, "numbers", VALUE)
    path = blob_path(blobs, entry)
    stat = os.stat(path)
    store_value(new_store(tmp_path), "numbers", VALUE)
    assert (os.stat(path).st_ino, os.stat(path).st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_the_corrupt_blob_hint_says_how_to_repair(tmp_path):
    entry = store_value(new_store(tmp_path), "numbers", VALUE)
    flip_a_byte(blob_path(new_store(tmp_path), entry))
    with pytest.raises(ArtifactDecodeError) as caught:
        load_value(new_store(tmp_path), "numbers", entry, "F/1/start/1")
    assert "repairs the blob" in caught.value.format()
