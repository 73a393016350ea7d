"""Listing never reads artifacts; an artifact is read when first asked for, and only once.

Every file read goes through LocalStorage.read or LocalStorage.map; the ``reads`` fixture records
the keys, so a test can say exactly which files a client call touched.
"""

import json
import shutil

import pytest

from duoflow import Flow, Run
from duoflow.datastore.storage.local import LocalStorage

from client_helpers import Store

RUNS = 100
WIDTH = 200


class Reads:
    """Keys read since the last ``clear()``."""

    def __init__(self):
        self.keys = []

    def clear(self):
        self.keys = []

    def named(self, suffix):
        return [k for k in self.keys if k.endswith(suffix)]

    @property
    def blobs(self):
        return [k for k in self.keys if "/blobs/" in k]

    @property
    def artifact_indexes(self):
        return self.named("/artifacts.json")


@pytest.fixture
def reads(monkeypatch):
    record = Reads()
    read, map_ = LocalStorage.read, LocalStorage.map

    def counting_read(self, key):
        record.keys.append(key)
        return read(self, key)

    def counting_map(self, key):
        record.keys.append(key)
        return map_(self, key)

    monkeypatch.setattr(LocalStorage, "read", counting_read)
    monkeypatch.setattr(LocalStorage, "map", counting_map)
    return record


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory):
    """TinyFlow run once, then copied to 100 runs (same layout, new ids), and one WideFlow run."""
    target = Store(tmp_path_factory.mktemp("many-runs"))
    first = target.run("tiny_flow.py")
    source = target.run_dir("TinyFlow", first)
    for offset in range(1, RUNS):
        run_id = str(int(first) + offset)
        copy = target.run_dir("TinyFlow", run_id)
        shutil.copytree(source, copy)
        info = json.loads((copy / "run.json").read_text())
        info["run_id"] = run_id
        (copy / "run.json").write_text(json.dumps(info))
    wide = target.run("wide_flow.py", "--width", str(WIDTH), "--max-workers", "8")
    return target, first, wide


def test_listing_100_runs_reads_only_run_metadata(many_runs, use_store, reads):
    target, _, _ = many_runs
    use_store(target)
    runs = list(Flow("TinyFlow").runs())
    assert len(runs) == RUNS
    facts = [(r.id, r.status, r.successful, r.finished, r.created_at, r.tags) for r in runs]
    steps = [(s.id, [t.id for t in s]) for r in runs for s in r]
    assert len(facts) == RUNS and len(steps) == 2 * RUNS
    assert reads.artifact_indexes == [] and reads.blobs == [] and reads.named("/task.json") == []
    assert len(reads.named("/run.json")) == RUNS


def test_latest_run_reads_one_run(many_runs, use_store, reads):
    target, first, _ = many_runs
    use_store(target)
    assert Flow("TinyFlow").latest_run.id == str(int(first) + RUNS - 1)
    assert len(reads.named("/run.json")) == 1


def test_a_200_task_step_lists_without_artifacts(many_runs, use_store, reads):
    target, _, wide = many_runs
    use_store(target)
    run = Run("WideFlow/%s" % wide)
    tasks = run["work"].tasks()
    assert len(tasks) == WIDTH
    assert reads.artifact_indexes == [] and reads.named("/task.json") == []
    facts = [(t.id, t.index, t.successful, t.finished_at, t.parent_tasks) for t in tasks]
    assert sorted(index for _, index, *_ in facts) == list(range(WIDTH))
    assert len(reads.named("/task.json")) == WIDTH
    assert len(run["start"].task.child_tasks) == WIDTH
    assert reads.artifact_indexes == [] and reads.blobs == []


def test_artifacts_load_when_asked_and_once(many_runs, use_store, reads):
    target, _, wide = many_runs
    use_store(target)
    run = Run("WideFlow/%s" % wide)
    tasks = run["work"].tasks()
    reads.clear()
    assert [a.id for a in tasks[0].artifacts] == ["items", "square", "width"]
    assert len(reads.artifact_indexes) == 1 and reads.blobs == []
    values = sorted(t.foreach_stack[0].value for t in tasks)  # the split's list, read once
    assert values == list(range(WIDTH))
    assert len(reads.blobs) == 1
    start = run["start"].task
    reads.clear()
    assert start.data.items == list(range(WIDTH))
    assert start.data.items == list(range(WIDTH))
    assert start["items"].data == list(range(WIDTH))
    assert len(reads.blobs) == 1 and len(reads.artifact_indexes) == 1


def test_run_data_loads_only_the_value_asked_for(many_runs, use_store, reads):
    target, _, wide = many_runs
    use_store(target)
    run = Run("WideFlow/%s" % wide)
    reads.clear()
    assert run.data.total == sum(i * i for i in range(WIDTH))
    assert reads.blobs == []  # an inline value: the index holds it
    assert len(reads.artifact_indexes) == 1
    run.data.items
    assert len(reads.blobs) == 1
