"""Graph rules: one function per rule, each returning the problems it finds.

``validate`` runs them all and returns every problem at once, so ``check`` can print a complete
report; structural analysis runs only when the graph is sound enough for it to mean something.
"""

from __future__ import annotations

import keyword
from typing import Callable, List

from ..decorators import SPECS as DECORATOR_SPECS
from ..util.suggest import did_you_mean
from .model import FlowGraph, Problem
from .names import RESERVED_NAMES, is_valid_name
from .structure import analyze, find_cycles, reachable

KNOWN_DECORATORS = tuple(sorted(DECORATOR_SPECS))


def rule_start_and_end(graph: FlowGraph) -> List[Problem]:
    problems = []
    for name, role in (("start", "where every run begins"), ("end", "where every run finishes")):
        if name not in graph:
            problems.append(Problem(
                "the flow has no '%s' step. Add a step named '%s': it is %s."
                % (name, name, role), graph.file, graph.lineno))
    return problems


def rule_step_names(graph: FlowGraph) -> List[Problem]:
    problems = []
    for node in graph:
        if node.name in RESERVED_NAMES:
            problems.append(Problem(
                "'%s' is a reserved name and cannot name a step (it is an attribute of every flow). "
                "Rename the step." % node.name, node.file, node.lineno))
        elif keyword.iskeyword(node.name):
            problems.append(Problem(
                "'%s' is a Python keyword, so it cannot name a step: each step is a method of the "
                "flow's Python class, and Python code could not name it (self.%s is a syntax error). "
                "Rename the step, e.g. '%s_step'." % (node.name, node.name, node.name.lower()),
                node.file, node.lineno))
        elif not is_valid_name(node.name) or node.name.startswith("_"):
            problems.append(Problem(
                "'%s' is not a valid step name: use letters, digits and underscores, starting "
                "with a letter." % node.name, node.file, node.lineno))
    return problems


def rule_start_is_not_join(graph: FlowGraph) -> List[Problem]:
    if "start" in graph and graph["start"].is_join:
        node = graph["start"]
        return [Problem("step 'start' takes inputs, but nothing comes before it. Define it as "
                        "def start(self).", node.file, node.lineno)]
    return []


def rule_end_has_no_next(graph: FlowGraph) -> List[Problem]:
    if "end" in graph and graph["end"].out_funcs:
        node = graph["end"]
        return [Problem("step 'end' calls self.next(); 'end' is the last step. Remove the call.",
                        node.file, node.next_lineno or node.lineno)]
    return []


def rule_every_step_calls_next(graph: FlowGraph) -> List[Problem]:
    return [
        Problem("step '%s' does not call self.next(). Every step but 'end' must end with "
                "self.next(...), e.g. self.next(self.end)." % node.name, node.file, node.lineno)
        for node in graph if node.name != "end" and not node.has_next
    ]


def rule_known_transitions(graph: FlowGraph) -> List[Problem]:
    problems = []
    for node in graph:
        for target in node.out_funcs:
            if target not in graph:
                problems.append(Problem(
                    "step '%s' goes to '%s', but no step has that name.%s"
                    % (node.name, target, did_you_mean(target, graph.step_names)),
                    node.file, node.next_lineno or node.lineno))
    return problems


def rule_foreach_names(graph: FlowGraph) -> List[Problem]:
    return [
        Problem("step '%s' has foreach='%s', which is not a valid artifact name."
                % (node.name, node.foreach_var), node.file, node.next_lineno or node.lineno)
        for node in graph if node.foreach_var and not is_valid_name(node.foreach_var)
    ]


def rule_reachable(graph: FlowGraph) -> List[Problem]:
    if "start" not in graph:
        return []
    live = reachable(graph)
    return [
        Problem("step '%s' is unreachable: no step goes to it from 'start'. Add it to a "
                "self.next() call or delete it." % node.name, node.file, node.lineno)
        for node in graph if node.name not in live
    ]


def rule_no_loops(graph: FlowGraph) -> List[Problem]:
    problems = []
    for cycle in find_cycles(graph):
        last = graph[cycle[-2]]
        problems.append(Problem(
            "there is a loop: %s. Change self.next() in '%s'." % (" -> ".join(cycle), last.name),
            last.file, last.next_lineno or last.lineno))
    return problems


def rule_decorators(graph: FlowGraph) -> List[Problem]:
    problems = []
    for node in graph:
        for deco in node.decorators:
            if deco.name not in KNOWN_DECORATORS:
                problems.append(Problem(
                    "step '%s' has an unknown decorator '%s'.%s Known: %s."
                    % (node.name, deco.name, did_you_mean(deco.name, KNOWN_DECORATORS),
                       ", ".join(KNOWN_DECORATORS)), node.file, node.lineno))
        if node.foreach_var and node.decorator("catch"):
            problems.append(Problem(
                "step '%s' has @catch but splits with foreach: after a failure there is no list to "
                "split over. Move the @catch to the steps inside the foreach." % node.name,
                node.file, node.lineno))
    return problems


RULES: List[Callable[[FlowGraph], List[Problem]]] = [
    rule_start_and_end,
    rule_step_names,
    rule_start_is_not_join,
    rule_end_has_no_next,
    rule_every_step_calls_next,
    rule_known_transitions,
    rule_foreach_names,
    rule_reachable,
    rule_no_loops,
    rule_decorators,
]


# Structural analysis only means something once these rules pass.
STRUCTURE_PREREQUISITES = (rule_every_step_calls_next, rule_known_transitions, rule_no_loops)


def validate(graph: FlowGraph) -> List[Problem]:
    """Every problem of the graph, in source order; an empty list means the graph is valid."""
    problems = list(graph.parse_problems)
    sound = not problems
    for rule in RULES:
        found = rule(graph)
        problems += found
        if found and rule in STRUCTURE_PREREQUISITES:
            sound = False
    if sound and "start" in graph:
        problems += analyze(graph)
    return sorted(_unique(problems), key=lambda p: p.line)


def _unique(problems: List[Problem]) -> List[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
