"""Step, Task and DataArtifact of a successful run with a nested foreach (ClientFlow)."""

import datetime

import pytest

from duoflow import DataArtifact, Run, Step, Task
from duoflow.client import ForeachFrame
from duoflow.exceptions import ArtifactNotFoundError, NotFoundError, UsageError


@pytest.fixture
def run(client):
    return Run("ClientFlow/%s" % client.ids["ClientFlow"])


def by_index(tasks):
    """Foreach tasks in (outer index, inner index) order."""
    return sorted(tasks, key=lambda t: [f.index for f in t.foreach_stack])


# -- Step -------------------------------------------------------------------------------------------

def test_step_task_is_its_only_task(run):
    step = run["start"]
    assert step.task.pathspec == step.pathspec + "/1"
    assert step.tasks() == [step.task]
    assert list(step) == [step.task]
    assert step.id == "start" and step.parent == run


def test_step_tasks_newest_first(run):
    tasks = run["inner"].tasks()
    assert len(tasks) == 6
    ids = [int(t.id) for t in tasks]
    assert ids == sorted(ids, reverse=True)
    assert run["inner"].task.id == str(min(ids))
    assert run["inner"].tasks("nightly") == tasks
    assert run["inner"].tasks("no-such-tag") == []


def test_step_indexing_by_task_id(run):
    step = run["inner"]
    some = step.tasks()[0]
    assert step[some.id] == some
    assert step[int(some.id)] == some
    assert some.id in step
    with pytest.raises(NotFoundError) as info:
        step["999"]
    assert "has no task 999" in str(info.value) and some.id in str(info.value)


def test_step_times(run):
    step = run["inner"]
    assert step.finished_at == max(t.finished_at for t in step)
    assert step.created_at == min(t.created_at for t in step)
    assert step.finished_at.tzinfo is not None


def test_step_neighbours_and_doc(run):
    assert [s.id for s in run["outer"].parent_steps] == ["start"]
    assert [s.id for s in run["outer"].child_steps] == ["inner"]
    assert run["start"].doc == "Choose the letters."


def test_step_by_pathspec(run):
    assert Step(run.pathspec + "/inner") == run["inner"]
    with pytest.raises(NotFoundError):
        Step(run.pathspec + "/nope")
    with pytest.raises(UsageError):
        Step(run.pathspec)


# -- Task: identity, state, times ---------------------------------------------------------------------

def test_task_identity(run):
    task = run["end"].task
    assert task.pathspec == "%s/end/%s" % (run.pathspec, task.id)
    assert task.parent == run["end"]
    assert Task(task.pathspec) == task
    assert task.tags == run.tags and task.user_tags == run.user_tags


def test_task_state(run):
    task = run["end"].task
    assert task.successful is True
    assert task.finished is True
    assert task.status == "succeeded"
    assert task.exception is None
    assert task.current_attempt == 0
    assert task.origin_pathspec is None


def test_task_times(run):
    task = run["start"].task
    assert isinstance(task.created_at, datetime.datetime)
    assert task.created_at.tzinfo is not None
    assert run.created_at <= task.created_at <= task.finished_at <= run.finished_at


def test_task_logs(run):
    start = run["start"].task
    assert start.stdout == "start says hello\n"
    assert start.stderr == "start warns on stderr\n"
    assert sorted(t.stdout for t in run["inner"]) == ["inner %s\n" % p for p in
                                                      ("a10", "a20", "a30", "b10", "b20", "b30")]
    assert run["end"].task.stdout == ""


# -- Task: artifacts ------------------------------------------------------------------------------------

def test_task_data(run):
    start = run["start"].task
    assert start.data.x == 42
    assert start.data.letters == ["a", "b"]
    assert start.data["x"] == 42
    assert "x" in start.data and "nope" not in start.data
    assert "letters" in dir(start.data)
    assert list(start.data) == sorted(start.data)


def test_task_item_is_a_data_artifact(run):
    task = run["start"].task
    artifact = task["big"]
    assert isinstance(artifact, DataArtifact)
    assert artifact.data == list(range(1000))
    assert artifact.data == task.data.big
    assert artifact.id == "big"
    assert artifact.pathspec == task.pathspec + "/big"
    assert artifact.parent == task
    assert artifact.type == "list"
    assert artifact.encoding
    assert artifact.size > 0 and not artifact.inline
    assert len(artifact.sha) == 64
    assert artifact.finished_at == task.finished_at
    assert DataArtifact(artifact.pathspec).data == artifact.data


def test_small_values_are_inline_artifacts(run):
    artifact = run["start"].task["x"]
    assert artifact.inline and artifact.size < 256
    assert artifact.type == "int" and artifact.data == 42
    assert len(artifact.sha) == 64


def test_values_of_every_kind_round_trip(run):
    data = run["start"].task.data
    assert data.mixed == {"list": [1, 2.5, "three"], "tuple": (1, 2), "set": {3}, "none": None,
                          "bytes": b"\x00\x01", "nested": {"deep": [True, False]}}
    assert data.day == datetime.date(2024, 2, 29)
    assert type(data.mixed["tuple"]) is tuple


def test_same_value_same_sha(run):
    start, end = run["start"].task, run["end"].task
    assert start["big"].sha == end["big"].sha
    assert start["mixed"].sha == end["mixed"].sha
    assert start["x"].sha != end["x"].sha


def test_task_artifacts_listing(run):
    task = run["start"].task
    names = [a.id for a in task.artifacts]
    assert names == sorted(names)
    assert {"x", "mixed", "big", "day", "letters", "alpha", "label", "config"} <= set(names)
    assert task.artifacts.x.data == 42
    assert task.artifacts["x"].data == 42
    assert len(task.artifacts) == len(names)
    assert "x" in task.artifacts and "x" in task
    assert [a.id for a in task] == names


def test_missing_artifact_names_the_task_and_what_it_has(run):
    task = run["start"].task
    with pytest.raises(ArtifactNotFoundError) as info:
        task.data.lettres
    error = info.value
    assert isinstance(error, AttributeError)
    text = str(error)
    assert "Task %s has no artifact 'lettres'" % task.pathspec in text
    assert "day, label, letters, mixed" in text
    assert "Did you mean 'letters'?" in text
    assert not hasattr(task.data, "lettres")


def test_missing_artifact_by_key(run):
    task = run["start"].task
    with pytest.raises(KeyError):
        task["lettres"]
    with pytest.raises(ArtifactNotFoundError) as info:
        task["lettres"]
    assert "Did you mean 'letters'?" in str(info.value)
    with pytest.raises(ArtifactNotFoundError):
        task.artifacts.lettres
    with pytest.raises(ArtifactNotFoundError):
        DataArtifact(task.pathspec + "/lettres")


def test_artifact_loads_once(run):
    task = run["start"].task
    first = task.data.big
    assert task.data.big is first
    assert task["big"].data is first


# -- Task: place in the graph -----------------------------------------------------------------------------

def test_index_and_foreach_stack_of_nested_foreach(run):
    inner = by_index(run["inner"].tasks())
    assert [t.index for t in inner] == [0, 1, 2, 0, 1, 2]
    stacks = [[tuple(frame) for frame in t.foreach_stack] for t in inner]
    assert stacks == [[(i, 2, letter), (j, 3, number)]
                      for i, letter in enumerate("ab") for j, number in enumerate((10, 20, 30))]
    assert [t.data.pair for t in inner] == ["a10", "a20", "a30", "b10", "b20", "b30"]


def test_foreach_frame_reads_like_a_tuple(run):
    task = by_index(run["inner"].tasks())[4]
    outer, inner = task.foreach_stack
    assert isinstance(outer, ForeachFrame)
    index, num_splits, value = inner
    assert (index, num_splits, value) == (1, 3, 20)
    assert inner == (1, 3, 20)
    assert inner[2] == 20 and len(inner) == 3
    assert (outer.step, outer.index, outer.num_splits, outer.value) == ("start", 1, 2, "b")


def test_index_outside_foreach(run):
    assert run["start"].task.index is None
    assert run["start"].task.foreach_stack == []
    assert run["end"].task.index is None
    assert [t.index for t in by_index(run["outer"].tasks())] == [0, 1]
    assert run["inner_join"].task.foreach_stack[0].value in ("a", "b")


def test_parent_and_child_tasks(run):
    start = run["start"].task
    outers = by_index(run["outer"].tasks())
    assert start.parent_tasks == []
    assert start.child_tasks == outers
    first_outer_inners = by_index(run["inner"].tasks())[:3]
    assert outers[0].child_tasks == first_outer_inners
    assert all(t.parent_tasks == [outers[0]] for t in first_outer_inners)
    join = first_outer_inners[0].child_tasks
    assert len(join) == 1 and join[0].parent_tasks == first_outer_inners
    assert sorted(run["outer_join"].task.parent_tasks, key=lambda t: int(t.id)) == \
        sorted(run["inner_join"].tasks(), key=lambda t: int(t.id))
    assert run["end"].task.child_tasks == []


def test_task_code_is_the_runs(run):
    assert run["inner"].task.code.sha == run.code.sha


def test_private_and_special_names_are_plain_attribute_errors(run):
    data = run["start"].task.data
    assert not hasattr(data, "_repr_html_")
    assert not hasattr(data, "__array__")
    assert not hasattr(run["start"].task.artifacts, "_ipython_display_")
    assert "x" in repr(data) and run["start"].task.pathspec in repr(data)
    assert "x" in repr(run["start"].task.artifacts)
