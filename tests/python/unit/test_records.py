"""The datastore's typed records: what they write, what they accept, and how they refuse."""

from __future__ import annotations

import json

import pytest

from duoflow.datastore.records import (FORMAT, ArtifactEntry, AttemptError, DamagedRecordError,
                                       FrameRecord, RunRecord, TaskRecord, UserTags,
                                       artifact_index_from_json, artifact_index_to_json, parse_json)

TASK_V1 = {  # a task.json as the first format wrote it (no "format" field)
    "flow": "F", "run_id": "17", "step": "work", "task_id": "4", "attempt": 1,
    "parents": ["start/1"], "foreach_stack": [{"step": "start", "task": "start/1", "index": 2, "num_splits": 3}],
    "foreach_num_splits": None, "started_at": 10, "finished_at": 12.5, "status": "succeeded",
    "pid": 99, "user": "ana", "launcher": "fork", "resources": None, "imported": ["numpy"],
}


def test_a_version_1_task_record_reads_with_typed_fields():
    record = TaskRecord.from_json(TASK_V1, "t/task.json")
    assert record.format == 1
    assert record.parents == ("start/1",)
    assert record.foreach_stack == (FrameRecord(step="start", task="start/1", index=2, num_splits=3),)
    assert record.foreach_index == 2
    assert record.started_at == 10.0 and isinstance(record.started_at, float)
    assert record.pathspec == "F/17/work/4"
    assert record.origin is None


def test_round_trip_keeps_every_field_and_leaves_unset_optional_ones_out():
    record = TaskRecord.from_json(TASK_V1)
    written = record.to_json()
    assert "origin" not in written and "foreach_num_splits" not in written
    assert TaskRecord.from_json(written) == record


def test_fields_a_newer_writer_added_survive_a_rewrite():
    newer = dict(TASK_V1, format=FORMAT + 3, trace={"reads": ["abc"]})
    record = TaskRecord.from_json(newer)
    assert record.extra == {"trace": {"reads": ["abc"]}}
    assert record.replace(status="caught").to_json()["trace"] == {"reads": ["abc"]}


def test_null_takes_the_default():
    assert TaskRecord.from_json(dict(TASK_V1, status=None, parents=None)).status == "succeeded"


@pytest.mark.parametrize("data, problem", [
    (["not", "an", "object"], "not a JSON object"),
    (dict(TASK_V1, attempt="1"), "field 'attempt' should be int"),
    (dict(TASK_V1, parents="start/1"), "field 'parents' should be list"),
    (dict(TASK_V1, foreach_stack=[{"index": "x"}]), "field 'index' should be int"),
])
def test_a_wrong_shape_is_a_damaged_record_naming_the_file(data, problem):
    with pytest.raises(DamagedRecordError) as caught:
        TaskRecord.from_json(data, "/store/F/runs/17/work/4/task.json")
    text = caught.value.format()
    assert "/store/F/runs/17/work/4/task.json" in text and problem in text
    assert caught.value.hint and "Restore it" in caught.value.hint


def test_bytes_that_are_not_json_are_a_damaged_record():
    with pytest.raises(DamagedRecordError, match="run.json is damaged") as caught:
        parse_json(b'{"flow": "F", "sta', "/store/F/runs/1/run.json")
    assert "not valid JSON" in caught.value.format()


def test_run_record_maps_the_with_key_and_reads_ids_written_as_numbers():
    record = RunRecord.from_json({"flow": "F", "run_id": "2", "with": ["retry"], "origin_run_id": 1})
    assert record.with_decorators == ("retry",)
    assert record.origin_run_id == "1"
    assert record.to_json()["with"] == ["retry"] and "with_decorators" not in record.to_json()


def test_run_record_parameter_entries_are_artifact_entries():
    record = RunRecord.from_json({"parameter_artifacts": {"alpha": {"encoding": "json", "inline": 0.5}}})
    entry = record.parameter_artifacts["alpha"]
    assert isinstance(entry, ArtifactEntry) and entry.is_inline and entry.inline == 0.5


def test_inline_null_is_kept_apart_from_no_inline_value():
    entry = ArtifactEntry.from_json({"encoding": "json", "inline": None, "size": 4})
    assert entry.is_inline and entry.inline is None
    assert entry.to_json()["inline"] is None
    with pytest.raises(DamagedRecordError, match="neither a blob address"):
        ArtifactEntry.from_json({"encoding": "json"}, "a.json")


def test_codec_fields_travel_in_extra_and_back():
    stored = {"encoding": "ndarray", "version": 2, "type": "numpy.ndarray", "r_class": None,
              "dtype": "<f8", "shape": [3], "sha": "ab" * 32, "hash": "blake3", "size": 24}
    entry = ArtifactEntry.from_json(stored)
    assert entry.extra == {"dtype": "<f8", "shape": [3]}
    assert entry.as_codec_dict() == stored


def test_content_key_equates_equal_stored_values_only():
    a = ArtifactEntry(encoding="json", inline={"x": [1, 2]}, is_inline=True)
    b = ArtifactEntry(encoding="json", inline={"x": [1, 2]}, is_inline=True, size=9)
    c = ArtifactEntry(encoding="json", inline={"x": [1, 3]}, is_inline=True)
    blob = ArtifactEntry(encoding="ndarray", sha="cd" * 32, hash="blake3")
    assert a.content_key == b.content_key != c.content_key
    assert blob.content_key == blob.replace(size=10).content_key != a.content_key


def test_artifact_index_round_trip_and_damage_names_the_artifact():
    index = {"x": ArtifactEntry(encoding="json", inline=1, is_inline=True)}
    assert artifact_index_from_json(json.loads(json.dumps(artifact_index_to_json(index))), "i") == index
    with pytest.raises(DamagedRecordError, match="artifact 'y'"):
        artifact_index_from_json({"y": {"encoding": "json", "size": "big", "inline": 1}}, "i.json")


def test_attempt_error_summary_line():
    error = AttemptError.from_json({"type": "ValueError", "message": "bad\nmore", "attempt": 2})
    assert error.first_line == "ValueError: bad"
    assert error.attempt == 2 and error.engine is False


def test_user_tags_record():
    assert UserTags.from_json({"tags": ["a", "b"]}).tags == ("a", "b")


@pytest.mark.parametrize("origin", ["F/../start/1", "F/1/start", "F/1/not-a-step/2", "F/1/start/../../x"])
def test_a_clone_whose_origin_is_not_a_task_pathspec_is_a_damaged_record(tmp_path, origin):
    from duoflow.datastore.flow_store import open_flow_store
    from duoflow.datastore.task_reader import TaskReader

    store = open_flow_store(str(tmp_path), "F")
    clone = TaskReader(store, "2", "start", "1", info=TaskRecord(origin=origin), finished=True)
    with pytest.raises(DamagedRecordError, match="is not a task pathspec") as caught:
        clone.origin()
    assert str(tmp_path / "F" / "runs" / "2" / "start" / "1" / "task.json") in caught.value.format()


def test_a_loop_of_origins_is_a_damaged_record(tmp_path):
    from duoflow.datastore.flow_store import open_flow_store
    from duoflow.datastore.task_reader import TaskReader

    store = open_flow_store(str(tmp_path), "F")
    task = store.task("2", "start", "1")
    task.finish(TaskRecord(flow="F", run_id="2", step="start", task_id="1", origin="F/2/start/1"))
    with pytest.raises(DamagedRecordError, match="loop"):
        TaskReader(store, "2", "start", "1").origin()
