"""Text views of a graph, for ``show``."""

from __future__ import annotations

from typing import List, Sequence

from .model import Decorator, FlowGraph, Node


def describe_transition(node: Node) -> str:
    """``start -> a, b`` / ``start -> a (foreach over 'items')`` / ``end (the last step)``."""
    if not node.out_funcs:
        return "%s (the last step)" % node.name if node.name == "end" else "%s (goes nowhere)" % node.name
    text = "%s -> %s" % (node.name, ", ".join(node.out_funcs))
    if node.foreach_var:
        text += "  (foreach over '%s')" % node.foreach_var
    return text


def show(graph: FlowGraph, flow_decorators: Sequence[Decorator] = ()) -> str:
    """The flow's decorators, then every step with its docstring's first line, kind, decorators
    and transitions."""
    lines: List[str] = ["Flow %s" % graph.name]
    lines += ["  @%s%s" % (d.name, _attrs(d.attributes)) for d in flow_decorators]
    if graph.doc:
        lines += ["  " + line for line in graph.doc.splitlines()]
    lines.append("")
    for node in graph.topological():
        header = "Step %s" % node.name
        extras = [node.kind] if node.kind not in ("linear", "end") else []
        extras += ["@%s%s" % (d.name, _attrs(d.attributes)) for d in node.decorators]
        if extras:
            header += "  [%s]" % ", ".join(extras)
        lines.append(header)
        doc = node.doc.strip().splitlines()[0] if node.doc.strip() else "(no docstring)"
        lines.append("    " + doc)
        lines.append("    " + describe_transition(node))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _attrs(attributes: dict) -> str:
    if not attributes:
        return ""
    return "(%s)" % ", ".join("%s=%r" % kv for kv in attributes.items())
