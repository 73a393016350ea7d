"""The storage contract (duoflow/datastore/storage/protocol.py), every method, against every
backend (the ``storage`` fixture: local files and S3 on the moto server)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from duoflow import config
from duoflow.exceptions import DatastoreError
from duoflow.datastore.storage.protocol import LogSink, Storage



def blob(*chunks: bytes) -> str:
    """The content-addressed key of ``chunks`` (S3 caches such keys locally, trusting the name)."""
    sha = hashlib.sha256(b"".join(chunks)).hexdigest()
    return "F/blobs/%s/%s" % (sha[:2], sha)


def test_every_backend_implements_the_protocol(storage):
    assert isinstance(storage, Storage)
    assert not getattr(type(storage), "__abstractmethods__", None)
    assert "F/runs/1" in storage.path("F/runs/1").replace(os.sep, "/")


# -- write / read ---------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [b"abc", bytearray(b"abc"), memoryview(b"abc"), [b"a", memoryview(b"b"), b"c"]],
                         ids=["bytes", "bytearray", "memoryview", "chunks"])
def test_write_takes_any_buffer_or_chunks_and_read_gives_them_back(storage, payload):
    assert storage.write("F/x", payload) is True
    storage.flush()
    assert storage.read("F/x") == b"abc"
    assert bytes(storage.map("F/x")) == b"abc"
    assert storage.size("F/x") == 3


def test_write_replaces_by_default(storage):
    storage.write("F/x", b"old content")
    storage.write("F/x", b"new")
    assert storage.read("F/x") == b"new"


def test_write_without_overwrite_keeps_what_is_stored(storage):
    assert storage.write("F/x", b"first") is True
    storage.flush()
    storage.write("F/x", b"other", overwrite=False)
    storage.flush()
    assert storage.read("F/x") == b"first"


def test_a_blob_written_in_the_background_is_stored_after_flush(storage):
    key = blob(b"payload")
    assert storage.write(key, b"payload", overwrite=False) is True
    assert storage.write(key, b"payload", overwrite=False) is False  # known to be stored (or on its way)
    storage.flush()
    assert storage.read(key) == b"payload"


def test_empty_files(storage):
    storage.write("F/empty", b"")
    storage.write(blob(b""), [], overwrite=False)
    storage.flush()
    for key in ("F/empty", blob(b"")):
        assert storage.read(key) == b""
        assert bytes(storage.map(key)) == b""
        assert storage.size(key) == 0
        assert storage.exists(key)


def test_a_large_payload_in_many_buffers_reads_back_whole(storage):
    """Above the multipart threshold: S3 uploads it in parts, from the buffers themselves."""
    part = os.urandom(1024 * 1024)
    count = config.S3_MULTIPART_THRESHOLD // len(part) + 2
    key = blob(*[part] * count)
    storage.write(key, [part] * count, overwrite=False)
    storage.flush()
    view = storage.map(key)
    assert view.nbytes == storage.size(key) == count * len(part)
    assert bytes(view[:len(part)]) == part and bytes(view[-len(part):]) == part


def test_json_is_compact_and_reads_back(storage):
    storage.write_json("F/r.json", {"a": [1, 2], "b": None})
    assert storage.read("F/r.json") == b'{"a":[1,2],"b":null}'
    assert storage.read_json("F/r.json") == {"a": [1, 2], "b": None}


# -- missing keys -----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["read", "map", "size", "read_json"])
def test_every_read_of_a_missing_key_is_file_not_found(storage, method):
    with pytest.raises(FileNotFoundError):
        getattr(storage, method)("F/missing")


def test_missing_keys_elsewhere(storage):
    assert storage.read_json_or_none("F/missing.json") is None
    assert not storage.exists("F/missing")
    assert storage.list("F/missing") == []
    assert storage.list("") == []


# -- exists and list --------------------------------------------------------------------------
def test_list_gives_sorted_names_directly_below_keys_and_directories_alike(storage):
    for key in ("F/runs/10/run.json", "F/runs/9/run.json", "F/runs/9/start/1/DONE", "F/top.json", "G/x"):
        storage.write(key, b"{}")
    assert storage.list("F") == ["runs", "top.json"]
    assert storage.list("F/runs") == ["10", "9"]  # sorted as text: callers order ids themselves
    assert storage.list("F/runs/9") == ["run.json", "start"]
    assert storage.list("") == ["F", "G"]
    assert storage.exists("F/runs/9") and storage.exists("F/runs/9/run.json") and storage.exists("F")


def test_list_hides_bookkeeping_names(storage):
    storage.make_dir_exclusive("F/runs/1")  # S3 keeps a claim marker, local a directory
    storage.update_json("F/runs/1/tags.json", lambda current: ["a"])  # local keeps a lock file
    storage.write("F/runs/1/run.json", b"{}")
    assert storage.list("F/runs") == ["1"]
    assert storage.list("F/runs/1") == ["run.json", "tags.json"]


# -- update_json ------------------------------------------------------------------------------
def test_update_json_creates_then_changes(storage):
    seen = []

    def add(item):
        def change(current):
            seen.append(current)
            return (current or []) + [item]
        return change

    assert storage.update_json("F/tags.json", add("a")) == ["a"]
    assert storage.update_json("F/tags.json", add("b")) == ["a", "b"]
    assert seen == [None, ["a"]]
    assert storage.read_json("F/tags.json") == ["a", "b"]


def test_update_json_writes_nothing_when_the_change_raises(storage):
    storage.write_json("F/tags.json", ["a"])

    def refuse(current):
        raise ValueError("no")

    with pytest.raises(ValueError):
        storage.update_json("F/tags.json", refuse)
    with pytest.raises(ValueError):
        storage.update_json("F/other.json", refuse)
    assert storage.read_json("F/tags.json") == ["a"]
    assert not storage.exists("F/other.json")


def test_update_json_of_a_damaged_file_names_it(storage):
    storage.write("F/tags.json", b'{"tags": [')
    with pytest.raises(DatastoreError) as caught:
        storage.update_json("F/tags.json", lambda current: current)
    assert storage.path("F/tags.json") in str(caught.value) and "not valid JSON" in str(caught.value)
    assert storage.read("F/tags.json") == b'{"tags": ['


def test_concurrent_updates_from_ten_processes_all_count(storage, run_children):
    outputs = run_children(storage, "update", [("F/tags.json", "tag-%d" % i) for i in range(10)])
    assert storage.read_json("F/tags.json") == sorted("tag-%d" % i for i in range(10))
    assert sorted(int(n) for n in outputs) == list(range(1, 11))  # each saw the ones before it


# -- atomicity and claims ---------------------------------------------------------------------
def test_concurrent_writers_of_one_key_leave_one_whole_value(storage, run_children):
    size = 2 * 1024 * 1024
    run_children(storage, "write", [("F/same", str(size))] * 6)
    data = storage.read("F/same")
    assert len(data) == size and data == bytes([data[0]]) * size and data[0] < 6
    assert storage.list("F") == ["same"]


def test_exactly_one_of_several_claimants_gets_a_key(storage, run_children):
    outputs = run_children(storage, "claim", [("F/runs/7",)] * 6)
    assert sorted(outputs) == ["False"] * 5 + ["True"]
    assert storage.make_dir_exclusive("F/runs/7") is False
    assert storage.make_dir_exclusive("F/runs/8") is True
    assert storage.list("F/runs") == ["7", "8"]


# -- a task's files ---------------------------------------------------------------------------
def test_unpublished_files_links_and_the_marker(storage):
    task = "F/runs/1/start/1"
    storage.make_dirs(task)
    storage.make_dirs(task)  # nothing to do the second time
    value = blob(b"value")
    storage.write(value, b"value", overwrite=False)  # S3: still uploading
    storage.write_unpublished(task + "/data", b"raw")
    storage.write_unpublished_json(task + "/artifacts.json", {"x": {"sha": value[-64:]}})
    storage.publish_marker(task + "/DONE", {value: 5, task + "/data": 3})
    # Everything written before the marker is complete once it exists.
    assert storage.read(value) == b"value"
    assert storage.read(task + "/data") == b"raw"
    assert storage.read_json(task + "/artifacts.json") == {"x": {"sha": value[-64:]}}
    assert storage.marker_holds(task + "/DONE") is True

    clone = "F/runs/2/start/1"
    storage.make_dirs(clone)
    storage.link_unpublished(task + "/artifacts.json", clone + "/artifacts.json")
    storage.publish_marker(clone + "/DONE")
    assert storage.read(clone + "/artifacts.json") == storage.read(task + "/artifacts.json")
    assert storage.list(clone) == ["DONE", "artifacts.json"]
    assert storage.marker_holds(clone + "/DONE") in (True, None)  # it records nothing to check
    assert storage.marker_holds("F/runs/3/start/1/DONE") is False
    assert storage.marker_sizes("F/runs/3/start/1/DONE") is None


def test_a_marker_tells_files_cut_short_where_writes_are_not_durable(storage):
    """What a power loss does to files written without a sync (local files): cut them short."""
    storage.make_dirs("F/t")
    storage.write_unpublished("F/t/task.json", b"0123456789")
    storage.publish_marker("F/t/DONE", {"F/t/task.json": 10})
    assert storage.marker_holds("F/t/DONE") is True
    if storage.durable_writes:
        assert storage.marker_sizes("F/t/DONE") == {}  # nothing to record: nothing can be cut short
        return
    assert storage.marker_sizes("F/t/DONE") == {"F/t/task.json": 10}
    storage.write_unpublished("F/t/task.json", b"")
    assert storage.marker_holds("F/t/DONE") is False
    storage.write_unpublished("F/t/DONE", b"")  # the marker's own record lost
    assert storage.marker_holds("F/t/DONE") is None


def test_a_log_sink_publishes_its_stream_when_closed(storage):
    sink = storage.log_sink("F/runs/1/start/1/attempt-0/stdout.log")
    assert isinstance(sink, LogSink)
    sink.write(b"one\n")
    sink.write(b"two\n")
    sink.close()
    assert storage.read("F/runs/1/start/1/attempt-0/stdout.log") == b"one\ntwo\n"
    quiet = storage.log_sink("F/runs/1/start/1/attempt-0/stderr.log")
    quiet.close()
    assert not storage.exists("F/runs/1/start/1/attempt-0/stderr.log")


def test_prefetch_and_evict_keep_map_right(storage):
    one, other = blob(b"blob one"), blob(b"blob two")
    storage.write(one, b"blob one", overwrite=False)
    storage.write(other, b"blob two", overwrite=False)
    storage.flush()
    storage.prefetch([one, other])
    assert bytes(storage.map(one)) == b"blob one"
    storage.evict(one)
    assert bytes(storage.map(one)) == b"blob one"
    assert bytes(storage.map(other)) == b"blob two"
    assert storage.fetches_blobs in (True, False)


def test_read_json_or_none_decodes(storage):
    storage.write("F/r.json", json.dumps({"a": 1}).encode())
    assert storage.read_json_or_none("F/r.json") == {"a": 1}
