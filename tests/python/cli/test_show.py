"""`show`: every step, the first line of its docstring, and its transitions; runs nothing."""

import re

import pytest

STEPS = {
    "start": "Load the raw inputs.",
    "a": "Take the left path.",
    "b": "Take the right path.",
    "join": "Bring both paths together.",
    "fan": "Work on one item.",
    "collect": "Gather the items' results.",
    "end": "Finish the run.",
}


@pytest.fixture(scope="module")
def shown(shared_run):
    return shared_run("show_flow.py", "show")


def test_show_exits_0(shown):
    assert shown.returncode == 0, shown.describe()


@pytest.mark.parametrize("name", sorted(STEPS))
def test_show_lists_each_step(shown, name):
    assert re.search(r"\b%s\b" % name, shown.stdout), shown.describe()


@pytest.mark.parametrize("name", sorted(STEPS))
def test_show_prints_the_first_docstring_line(shown, name):
    assert STEPS[name] in shown.stdout, shown.describe()


def test_show_prints_a_branch(shown):
    assert "start -> a, b" in shown.stdout, shown.describe()


def test_show_prints_a_linear_transition(shown):
    assert "a -> join" in shown.stdout, shown.describe()


def test_show_prints_a_foreach(shown):
    assert "foreach over 'items'" in shown.stdout, shown.describe()


def test_show_runs_nothing(shown):
    assert not list(shown.store.glob("*/runs/*")), "show created a run"
