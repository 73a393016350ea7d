"""Graph analysis shared by validation and the runtime.

Fills each reachable node's ``in_funcs`` (for a static join: in the order of the split's branches),
``split_parents`` (the splits open around the step, outermost first) and, for joins,
``matching_split``. Problems found on the way are returned, never raised, so ``check`` can report
all of them at once.
"""

from __future__ import annotations

from typing import Dict, List, Set

from .model import FlowGraph, Node, Problem


def reachable(graph: FlowGraph) -> Set[str]:
    """Names of the steps reachable from ``start`` through known transitions."""
    seen: Set[str] = set()
    stack = ["start"] if "start" in graph else []
    while stack:
        name = stack.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        stack.extend(graph[name].out_funcs)
    return seen


def find_cycles(graph: FlowGraph) -> List[List[str]]:
    """Each loop once, as the list of steps on it (first step repeated at the end)."""
    cycles: List[List[str]] = []
    reported: Set[frozenset] = set()
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for child in graph[name].out_funcs:
            if child not in graph:
                continue
            if state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    cycles.append(cycle)
            elif child not in state:
                visit(child)
        path.pop()
        state[name] = 2

    for start in (["start"] if "start" in graph else []) + graph.step_names:
        if start not in state:
            visit(start)
    return cycles


def analyze(graph: FlowGraph) -> List[Problem]:
    """Compute split/join structure; return the structural problems found.

    Assumes the graph has no loops and no unknown transitions (callers check those first).
    """
    live = reachable(graph)
    for node in graph:
        node.in_funcs, node.split_parents, node.matching_split = [], [], None
    for node in graph:
        if node.name in live:
            for child in node.out_funcs:
                graph[child].in_funcs.append(node.name)
    problems: List[Problem] = []
    for node in graph.topological():
        if node.name not in live or node.name == "start":
            continue
        if node.is_join:
            problems += _analyze_join(graph, node)
        else:
            problems += _analyze_plain(graph, node)
    if "end" in live:
        problems += _unjoined_splits(graph, graph["end"])
    return problems


def stack_after(node: Node) -> List[str]:
    """The splits open for the steps that follow ``node``."""
    return node.split_parents + ([node.name] if node.is_split else [])


def _analyze_plain(graph: FlowGraph, node: Node) -> List[Problem]:
    parents = node.in_funcs
    node.split_parents = stack_after(graph[parents[0]])
    if len(parents) > 1:
        return [Problem(
            "step '%s' has %d incoming transitions (from %s) but is not a join. Define it as "
            "def %s(self, inputs) to join them." % (node.name, len(parents), ", ".join(parents), node.name),
            node.file, node.lineno)]
    return []


def _analyze_join(graph: FlowGraph, node: Node) -> List[Problem]:
    stacks = [stack_after(graph[p]) for p in node.in_funcs]
    if not stacks[0]:
        return [Problem(
            "step '%s' is a join (it takes inputs) but no split comes before it: '%s' is a linear "
            "step. Make '%s' a plain step def %s(self), or split before it."
            % (node.name, node.in_funcs[0], node.name, node.name), node.file, node.lineno)]
    if any(s != stacks[0] for s in stacks[1:]):
        return [Problem(
            "join '%s' joins steps of different splits (%s). A join must close exactly one split."
            % (node.name, ", ".join(node.in_funcs)), node.file, node.lineno)]
    split = graph[stacks[0][-1]]
    node.matching_split = split.name
    node.split_parents = stacks[0][:-1]
    if split.foreach_var:
        if node.in_funcs == [split.name]:
            return [Problem(
                "foreach in step '%s' goes straight to the join '%s'. Put at least one step between "
                "them: the step that runs once per item." % (split.name, node.name), split.file, split.next_lineno)]
        return []
    return _order_static_join(graph, node, split)


def _order_static_join(graph: FlowGraph, join: Node, split: Node) -> List[Problem]:
    """Order a static join's inputs like the split's branches; every branch must arrive."""
    ordered: List[str] = []
    for branch in split.out_funcs:
        reached = _reach_until(graph, branch, join.name)
        ordered += [p for p in join.in_funcs if p in reached and p not in ordered]
    if len(join.in_funcs) != len(split.out_funcs):
        return [Problem(
            "join '%s' receives %d inputs (%s) but the split in '%s' has %d branches (%s). Every "
            "branch of a split must lead to the same join."
            % (join.name, len(join.in_funcs), ", ".join(join.in_funcs), split.name,
               len(split.out_funcs), ", ".join(split.out_funcs)), join.file, join.lineno)]
    join.in_funcs = ordered + [p for p in join.in_funcs if p not in ordered]
    return []


def _reach_until(graph: FlowGraph, start: str, stop: str) -> Set[str]:
    seen: Set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        if name in seen or name == stop or name not in graph:
            continue
        seen.add(name)
        stack.extend(graph[name].out_funcs)
    return seen


def _unjoined_splits(graph: FlowGraph, end: Node) -> List[Problem]:
    problems = []
    for name in end.split_parents:
        split = graph[name]
        if split.foreach_var:
            what = "foreach in step '%s' over '%s'" % (name, split.foreach_var)
        else:
            what = "split in step '%s' (to %s)" % (name, ", ".join(split.out_funcs))
        problems.append(Problem(
            "%s is never joined: add a join step, def join(self, inputs), before 'end'." % what,
            split.file, split.next_lineno or split.lineno))
    return problems
