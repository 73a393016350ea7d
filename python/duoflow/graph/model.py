"""The flow graph: steps and their transitions, as plain data.

A :class:`FlowGraph` is built from a Python ``FlowSpec`` class (``from_python``) or from a spec
dict (``FlowGraph.from_spec``, the one loader of specs: the R package's flows and the graphs that
runs record); the runtime, validation and display only ever see this model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional


@dataclass
class Problem:
    """One thing wrong with a flow graph, located in the flow's source."""

    message: str
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        return "%s  %s" % (_location(self.file, self.line), self.message)


def _location(file: str, line: int) -> str:
    """``flow.py:12``, or ``flow.R`` when the line is unknown (0: an R step has no source line)."""
    name = os.path.basename(file) or "<flow>"
    return "%s:%d" % (name, line) if line else name


@dataclass
class Decorator:
    """A step decorator as data: its name and keyword attributes."""

    name: str
    attributes: Dict[str, object] = field(default_factory=dict)

    def to_spec(self) -> dict:
        return {"name": self.name, "attributes": dict(self.attributes)}


@dataclass
class Node:
    """One step of a flow."""

    name: str
    out_funcs: List[str] = field(default_factory=list)
    foreach_var: Optional[str] = None
    is_join: bool = False
    doc: str = ""
    file: str = ""
    lineno: int = 0
    next_lineno: int = 0
    decorators: List[Decorator] = field(default_factory=list)
    has_next: bool = True
    # Filled in by graph analysis (structure.analyze).
    in_funcs: List[str] = field(default_factory=list)
    split_parents: List[str] = field(default_factory=list)
    matching_split: Optional[str] = None

    @property
    def kind(self) -> str:
        """``join``, ``foreach``, ``split``, ``end`` or ``linear`` (``start`` is linear or a split)."""
        if self.is_join:
            return "join"
        if self.foreach_var:
            return "foreach"
        if len(self.out_funcs) > 1:
            return "split"
        if self.name == "end":
            return "end"
        return "linear"

    @property
    def is_split(self) -> bool:
        return bool(self.foreach_var) or len(self.out_funcs) > 1

    def decorator(self, name: str) -> Optional[Decorator]:
        """This step's decorator called ``name``, if any."""
        for deco in self.decorators:
            if deco.name == name:
                return deco
        return None

    def where(self, use_next_line: bool = False) -> str:
        """``file.py:LINE`` of the step (or of its ``self.next`` call)."""
        line = self.next_lineno if use_next_line and self.next_lineno else self.lineno
        return _location(self.file, line)

    def to_spec(self) -> dict:
        return {
            "name": self.name,
            "next": list(self.out_funcs),
            "foreach": self.foreach_var,
            "join": self.is_join,
            "doc": self.doc,
            "decorators": [d.to_spec() for d in self.decorators],
            "file": self.file,
            "line": self.lineno,
        }

    @classmethod
    def from_spec(cls, data: dict, file: str = "") -> "Node":
        """A step from its spec; ``file`` is where it is defined when the spec does not say."""
        targets = data.get("next") or []
        if isinstance(targets, str):  # one target written without a list
            targets = [targets]
        return cls(
            name=data["name"],
            out_funcs=[str(t) for t in targets],
            foreach_var=data.get("foreach") or None,
            is_join=bool(data.get("join")),
            doc=data.get("doc") or "",
            file=data.get("file") or file,
            lineno=int(data.get("line") or 0),
            next_lineno=int(data.get("line") or 0),
            decorators=[Decorator(d["name"], dict(d.get("attributes") or {}))
                        for d in data.get("decorators") or []],
            has_next=bool(targets) or data["name"] == "end",
        )


@dataclass
class FlowGraph:
    """All steps of a flow, in definition order."""

    name: str
    nodes: Dict[str, Node] = field(default_factory=dict)
    file: str = ""
    doc: str = ""
    lineno: int = 0
    # Problems found while reading the definition (before any graph rule runs).
    parse_problems: List[Problem] = field(default_factory=list)

    def __getitem__(self, name: str) -> Node:
        return self.nodes[name]

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    @property
    def step_names(self) -> List[str]:
        return list(self.nodes)

    def topological(self) -> List[Node]:
        """Steps in definition order, except that a step always comes after the steps leading
        to it (steps on a loop keep their definition order)."""
        order = list(self.nodes)
        position = {name: i for i, name in enumerate(order)}
        waiting = {name: 0 for name in order}
        for node in self.nodes.values():
            for child in node.out_funcs:
                if child in waiting and child != node.name:
                    waiting[child] += 1
        ready = sorted((n for n in order if waiting[n] == 0), key=position.get)
        result: List[str] = []
        while ready:
            name = ready.pop(0)
            result.append(name)
            for child in self.nodes[name].out_funcs:
                if child in waiting and child != name:
                    waiting[child] -= 1
                    if waiting[child] == 0:
                        ready.append(child)
                        ready.sort(key=position.get)
        result += [n for n in order if n not in result]
        return [self.nodes[n] for n in result]

    def to_spec(self) -> dict:
        """The graph as JSON-able data (what run.json stores and what R writes)."""
        return {"name": self.name, "file": self.file, "doc": self.doc,
                "steps": [n.to_spec() for n in self.nodes.values()]}

    @classmethod
    def from_spec(cls, spec: dict) -> "FlowGraph":
        """The graph of a spec (what :meth:`to_spec` writes, or what the R package builds).

        A step defined twice is a parse problem; every other rule is left to validation.
        """
        graph = cls(name=spec["name"], file=spec.get("file") or "", doc=spec.get("doc") or "")
        for step in spec.get("steps") or []:
            node = Node.from_spec(step, graph.file)
            if node.name in graph.nodes:
                first = graph.nodes[node.name]
                lines = " (lines %d and %d)" % (first.lineno, node.lineno) if node.lineno else ""
                graph.parse_problems.append(Problem(
                    "step '%s' is defined twice%s. Give each step its own name." % (node.name, lines),
                    node.file, node.lineno))
                continue
            graph.nodes[node.name] = node
        return graph
