"""The R bridge's graph side, in process: an R spec is loaded by FlowGraph.from_spec (the one
spec loader), and step names that no language could use are refused with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from duoflow.graph.model import FlowGraph, Problem
from duoflow.graph.validate import validate
from duoflow.rbridge.spec import flow_class

from r_specs import r_spec, r_step

REPO = Path(__file__).resolve().parents[3]


# -- one spec loader ----------------------------------------------------------------------------

def test_an_r_spec_is_loaded_by_from_spec():
    from duoflow.rbridge.spec import graph_spec

    spec = r_spec(r_step("start", ["a"], decorators=[{"name": "retry", "attributes": {"times": 2.0}}]),
                  r_step("a", ["end"]), r_step("end"))
    cls = flow_class(spec, {}, "/flows/rflow.R")
    graph = cls._duoflow_graph
    assert graph.to_spec() == FlowGraph.from_spec(graph_spec(spec, "/flows/rflow.R")).to_spec()
    assert graph["start"].out_funcs == ["a"] and graph["a"].out_funcs == ["end"]
    assert graph["start"].file == "/flows/rflow.R"  # no source line: the flow file
    retry = graph["start"].decorator("retry").attributes
    assert retry == {"times": 2, "minutes_between_retries": 0} and type(retry["times"]) is int
    assert validate(graph) == []


def test_from_spec_reads_one_next_step_written_as_a_string():
    graph = FlowGraph.from_spec({"name": "F", "steps": [{"name": "start", "next": "end"}, {"name": "end"}]})
    assert graph["start"].out_funcs == ["end"] and graph["start"].has_next


def test_a_step_defined_twice_in_an_r_spec_is_a_problem_not_an_overwrite():
    cls = flow_class(r_spec(r_step("start", ["end"]), r_step("start", ["end"]), r_step("end")), {}, "f.R")
    problems = [str(p) for p in validate(cls._duoflow_graph)]
    assert problems == ["f.R  step 'start' is defined twice. Give each step its own name."]


def test_a_python_graph_survives_to_spec_and_from_spec():
    import importlib.util

    from duoflow.graph.from_python import graph_from_class

    path = REPO / "tests" / "python" / "flows" / "linear_flow.py"
    module_spec = importlib.util.spec_from_file_location("linear_flow_for_spec", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    graph = graph_from_class(module.LinearFlow)
    again = FlowGraph.from_spec(graph.to_spec())
    assert again.to_spec() == graph.to_spec() and again.step_names == graph.step_names


# -- step names ---------------------------------------------------------------------------------

def test_a_problem_without_a_line_names_only_the_file():
    assert str(Problem("something is wrong", "/flows/my_flow.R", 0)) == "my_flow.R  something is wrong"
    assert str(Problem("something is wrong", "/flows/my_flow.py", 12)) == "my_flow.py:12  something is wrong"


@pytest.mark.parametrize("name", ["class", "def", "None", "True", "lambda", "import"])
def test_a_python_keyword_step_name_says_why_and_what_to_do(name):
    spec = r_spec(r_step("start", [name]), r_step(name, ["end"]), r_step("end"))
    problems = validate(flow_class(spec, {}, "/flows/kw.R")._duoflow_graph)
    assert [str(p) for p in problems] == [
        "kw.R  '%s' is a Python keyword, so it cannot name a step: each step is a method of the flow's "
        "Python class, and Python code could not name it (self.%s is a syntax error). Rename the step, "
        "e.g. '%s_step'." % (name, name, name.lower())]
