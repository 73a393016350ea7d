"""On S3 too, storing a value whose blob object is damaged repairs the object: the object's size
(HEAD) and then its own bytes (not the local read cache's copy) are checked before it is trusted."""

from __future__ import annotations

import os

import pytest

from duoflow.datastore.artifacts import load_value, store_value
from duoflow.datastore.cas import BlobStore
from duoflow.datastore.storage.factory import open_storage

VALUE = os.urandom(300_000)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DUOFLOW_S3_CACHE_DIR", str(tmp_path / "cache"))


def fresh(s3_root) -> BlobStore:
    """The blob store of a later task or run (a new client, nothing checked yet)."""
    return BlobStore(open_storage(s3_root), "F")


def stored(s3_root):
    blobs = fresh(s3_root)
    entry = store_value(blobs, "payload", VALUE)
    blobs.storage.flush()
    load_value(blobs, "payload", entry, "F/1/start/1")  # a reader caches a good copy locally
    return entry, "store/F/blobs/%s/%s" % (entry.sha[:2], entry.sha)


@pytest.mark.parametrize("damage", ["flipped byte", "truncated"])
def test_storing_the_value_again_repairs_the_object(s3, bucket, s3_root, damage):
    entry, key = stored(s3_root)
    data = bytearray(VALUE)
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
    else:
        del data[100:]
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(data))

    later = fresh(s3_root)
    assert store_value(later, "payload", VALUE) == entry
    later.storage.flush()
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == VALUE


def test_an_intact_object_is_not_uploaded_again(s3, bucket, s3_root):
    entry, key = stored(s3_root)
    # The same bytes, marked: an upload by duoflow would replace the object and lose the mark.
    s3.put_object(Bucket=bucket, Key=key, Body=VALUE, Metadata={"mark": "kept"})
    later = fresh(s3_root)
    store_value(later, "payload", VALUE)
    later.storage.flush()
    assert s3.head_object(Bucket=bucket, Key=key)["Metadata"] == {"mark": "kept"}
