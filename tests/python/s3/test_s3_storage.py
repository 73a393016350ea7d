"""S3Storage on its own: the bytes protocol against the moto server (multipart, cache, listing,
claims, fork safety)."""

from __future__ import annotations

import os

import pytest

from duoflow.datastore.storage import s3 as s3mod
from duoflow.datastore.cas import BlobStore, digest
from duoflow.datastore.storage.factory import open_storage


@pytest.fixture
def storage(s3_root):
    return open_storage(s3_root)


def test_open_storage_picks_the_backend(storage, tmp_path):
    assert type(storage).__name__ == "S3Storage"
    assert type(open_storage(str(tmp_path))).__name__ == "LocalStorage"


def test_large_blob_goes_up_in_parts_and_reads_back_through_the_cache(storage, s3, bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("DUOFLOW_S3_CACHE_DIR", str(tmp_path / "cache"))
    blobs = BlobStore(storage, "F")
    data = os.urandom(1024 * 1024)
    chunks = [data] * 20  # 20 MiB in several buffers: streamed, never joined
    sha, size = blobs.save(chunks)
    storage.flush()
    assert size == 20 * 1024 * 1024
    head = s3.head_object(Bucket=bucket, Key="store/F/blobs/%s/%s" % (sha[:2], sha))
    assert "-" in head["ETag"]  # a multipart upload
    view = blobs.load(sha)
    assert view.nbytes == size and digest(view) == sha
    assert os.path.exists(tmp_path / "cache" / sha[:2] / sha)
    assert blobs.save(chunks) == (sha, size)  # exists: not uploaded again


def test_cache_cap_trims_oldest(storage, tmp_path, monkeypatch):
    monkeypatch.setenv("DUOFLOW_S3_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DUOFLOW_S3_CACHE_MAX_BYTES", str(150 * 1024))
    blobs = BlobStore(storage, "F")
    shas = [blobs.save(os.urandom(100 * 1024))[0] for _ in range(3)]
    storage.flush()
    for sha in shas:
        assert bytes(blobs.load(sha))  # each read works, whatever the cache keeps
    kept = [sha for sha in shas if os.path.exists(tmp_path / "cache" / sha[:2] / sha)]
    assert kept == [shas[-1]]


def test_listing_exists_claims_and_missing_keys(storage, monkeypatch):
    monkeypatch.setattr(s3mod, "LIST_PAGE_SIZE", 2)
    for name in ("a", "b", "c", "d", "e"):
        storage.write("F/runs/%s/run.json" % name, b"{}")
    storage.write("F/top.json", b"{}")
    assert storage.list("F/runs") == ["a", "b", "c", "d", "e"]
    assert storage.list("F") == ["runs", "top.json"]
    assert storage.list("nothing") == []
    assert storage.exists("F/runs") and storage.exists("F/top.json") and not storage.exists("F/nope")
    assert storage.make_dir_exclusive("F/runs/z") is True
    assert storage.make_dir_exclusive("F/runs/z") is False
    assert "z" in storage.list("F/runs")
    with pytest.raises(FileNotFoundError):
        storage.read("F/missing.json")
    assert storage.read_json_or_none("F/missing.json") is None
    assert storage.size("F/top.json") == 2


def test_pending_uploads_finish_before_a_fork_and_the_child_uses_its_own_client(storage):
    blobs = BlobStore(storage, "F")
    sha, _ = blobs.save(os.urandom(300 * 1024))  # uploading in the background
    pid = os.fork()
    if pid == 0:  # the child: a fresh client and pool
        code = 1
        try:
            other, _ = blobs.save(os.urandom(1000))
            storage.flush()
            code = 0 if storage.exists(blobs.key(sha)) and storage.exists(blobs.key(other)) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    storage.flush()
    assert storage.exists(blobs.key(sha))


def test_prefetch_downloads_many_blobs_into_the_cache_at_once(storage, tmp_path, monkeypatch):
    monkeypatch.setenv("DUOFLOW_S3_CACHE_DIR", str(tmp_path / "cache"))
    blobs = BlobStore(storage, "F")
    shas = [blobs.save(os.urandom(10000))[0] for _ in range(8)]
    storage.flush()
    blobs.prefetch(shas)
    assert all(os.path.exists(tmp_path / "cache" / sha[:2] / sha) for sha in shas)
    assert all(digest(blobs.load(sha)) == sha for sha in shas)


def test_a_damaged_cached_copy_is_fetched_again(storage, tmp_path, monkeypatch):
    monkeypatch.setenv("DUOFLOW_S3_CACHE_DIR", str(tmp_path / "cache"))
    blobs = BlobStore(storage, "F")
    data = os.urandom(5000)
    sha, _ = blobs.save(data)
    storage.flush()
    assert bytes(blobs.load(sha)) == data
    (tmp_path / "cache" / sha[:2] / sha).write_bytes(b"garbage")
    assert bytes(blobs.load(sha)) == data


def test_the_client_reads_an_s3_root_from_the_environment(s3_flow, s3_root, monkeypatch):
    from duoflow import Flow, get_metadata, namespace

    result = s3_flow("linear_flow.py", "run")
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("DUOFLOW_DATASTORE_ROOT", s3_root)
    namespace(None)
    assert get_metadata() == "s3@" + s3_root
    assert Flow("LinearFlow").latest_run.id == result.run_id
    wrong = s3_flow("linear_flow.py", "run", "--datastore", "local")
    assert wrong.returncode == 2 and "--datastore local" in wrong.stderr


def test_a_failed_multipart_upload_is_a_datastore_error_naming_the_bucket(moto_server):
    from duoflow.exceptions import DatastoreError

    storage = open_storage("s3://no-such-bucket-for-parts/p")
    with pytest.raises(DatastoreError) as caught:
        storage.write("F/blobs/ab/" + "ab" * 32, [b"x" * (17 * 1024 * 1024)])
    assert "no-such-bucket-for-parts" in str(caught.value) and "does not exist" in str(caught.value)
