"""Namespaces (runs of two users) and editing a run's user tags."""

import json

import pytest

from duoflow import (Flow, Run, Step, Task, default_namespace, get_namespace, namespace)
from duoflow.client import NamespaceMismatchError
from duoflow.exceptions import UsageError

from client_helpers import Store


@pytest.fixture(scope="module")
def two_users(tmp_path_factory):
    """TinyFlow run by alice, bob, alice (tagged 'team'), then bob again (tagged 'team')."""
    target = Store(tmp_path_factory.mktemp("two-users"))
    runs = [("alice", target.run("tiny_flow.py", user="alice")),
            ("bob", target.run("tiny_flow.py", user="bob")),
            ("alice", target.run("tiny_flow.py", "--tag", "team", user="alice")),
            ("bob", target.run("tiny_flow.py", "--tag", "team", user="bob"))]
    return target, runs


def ids_of(runs, user=None):
    return [run_id for who, run_id in reversed(runs) if user in (None, who)]


def test_default_namespace_is_the_current_user(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    assert get_namespace() == "user:alice"
    assert [r.id for r in Flow("TinyFlow").runs()] == ids_of(runs, "alice")
    assert Flow("TinyFlow").latest_run.id == runs[2][1]
    use_store(target, user="bob")
    assert get_namespace() == "user:bob"
    assert [r.id for r in Flow("TinyFlow")] == ids_of(runs, "bob")


def test_namespace_none_sees_everything(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    assert namespace(None) is None
    assert get_namespace() is None
    assert [r.id for r in Flow("TinyFlow").runs()] == ids_of(runs)
    assert Run("TinyFlow/%s" % runs[1][1]).system_tags >= {"user:bob"}


def test_namespace_of_another_user(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    namespace("user:bob")
    assert [r.id for r in Flow("TinyFlow").runs()] == ids_of(runs, "bob")
    assert Flow("TinyFlow").latest_run.id == runs[3][1]
    assert default_namespace() == "user:alice"
    assert get_namespace() == "user:alice"


def test_namespace_can_be_any_tag(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    namespace("team")
    assert [r.id for r in Flow("TinyFlow").runs()] == [runs[3][1], runs[2][1]]
    assert [r.id for r in Flow("TinyFlow").runs("user:alice")] == [runs[2][1]]


def test_objects_outside_the_namespace_are_refused(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    bobs = "TinyFlow/%s" % runs[1][1]
    for make, path in ((Run, bobs), (Step, bobs + "/start"), (Task, bobs + "/start/1")):
        with pytest.raises(NamespaceMismatchError) as info:
            make(path)
        assert "namespace(None)" in str(info.value)
        assert "namespace('user:bob')" in str(info.value)
    with pytest.raises(NamespaceMismatchError):
        Flow("TinyFlow")[runs[1][1]]
    assert runs[1][1] not in Flow("TinyFlow")
    namespace(None)
    assert Task(bobs + "/end/2").data.y == 11


def test_objects_keep_the_namespace_they_were_made_in(two_users, use_store):
    target, runs = two_users
    use_store(target, user="alice")
    flow = Flow("TinyFlow")
    namespace(None)
    assert [r.id for r in flow.runs()] == ids_of(runs, "alice")
    assert [r.id for r in Flow("TinyFlow").runs()] == ids_of(runs)


def test_namespace_rejects_what_is_not_a_tag():
    with pytest.raises(UsageError):
        namespace(42)
    with pytest.raises(UsageError):
        namespace("")


# -- tags -------------------------------------------------------------------------------------------------

@pytest.fixture
def tagged(store, use_store):
    use_store(store, user="alice")
    run_id = store.run("tiny_flow.py", "--tag", "first", "--tag", "second")
    return store, Run("TinyFlow/%s" % run_id)


def test_add_and_remove_tags(tagged):
    store, run = tagged
    run.add_tag("third")
    assert run.user_tags == {"first", "second", "third"}
    run.add_tags(["fourth", "fifth"])
    run.remove_tag("first")
    run.remove_tags(["second", "fourth"])
    assert run.user_tags == {"third", "fifth"}
    fresh = Run(run.pathspec)
    assert fresh.user_tags == {"third", "fifth"}
    assert fresh.tags == {"third", "fifth"} | fresh.system_tags
    assert [r.id for r in Flow("TinyFlow").runs("fifth")] == [run.id]
    assert list(Flow("TinyFlow").runs("first")) == []
    edited = json.loads((store.run_dir("TinyFlow", run.id) / "tags.json").read_text())
    assert sorted(edited["tags"]) == ["fifth", "third"]


def test_add_tags_takes_a_single_string_as_one_tag(tagged):
    _, run = tagged
    run.add_tags("solo")
    assert "solo" in run.user_tags and "s" not in run.user_tags


def test_replace_tag(tagged):
    _, run = tagged
    run.replace_tag("first", "renamed")
    assert Run(run.pathspec).user_tags == {"renamed", "second"}
    run.replace_tags(["renamed", "second"], ["a", "b"])
    assert Run(run.pathspec).user_tags == {"a", "b"}


def test_system_tags_are_immutable(tagged):
    _, run = tagged
    with pytest.raises(UsageError) as info:
        run.remove_tag("user:alice")
    assert "system tags never change" in str(info.value)
    with pytest.raises(UsageError) as info:
        run.add_tag("user:mallory")
    assert "looks like a system tag" in str(info.value)
    with pytest.raises(UsageError):
        run.replace_tag("runtime:local", "anything")
    assert "user:alice" in Run(run.pathspec).system_tags


def test_removing_a_tag_the_run_lacks_is_an_error(tagged):
    _, run = tagged
    with pytest.raises(UsageError) as info:
        run.remove_tag("never-there")
    assert "first, second" in str(info.value)
