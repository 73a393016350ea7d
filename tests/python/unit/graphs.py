"""Graphs and records for the unit tier, built in memory from spec dicts (what R's front end and
run.json hold), so each test states the flow shape it is about in a line or two."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from duoflow.datastore.records import FrameRecord
from duoflow.decorators import normalize
from duoflow.graph.model import FlowGraph
from duoflow.graph.validate import validate

Step = Tuple  # (name, next steps) or (name, next steps, extra spec fields)


def graph_of(*steps: Step, name: str = "UnitFlow") -> FlowGraph:
    """A validated graph; each step is ``(name, next steps[, extra spec fields])``, the extra
    fields being ``foreach``, ``join`` or ``decorators`` as a spec holds them."""
    spec = {"name": name, "steps": [dict({"name": s[0], "next": list(s[1])}, **(s[2] if len(s) > 2 else {}))
                                    for s in steps]}
    graph = FlowGraph.from_spec(spec)
    problems = validate(graph)
    assert not problems, [str(p) for p in problems]
    return graph


def linear_graph(*middle: str, **extra: Dict[str, Any]) -> FlowGraph:
    """``start -> middle... -> end``; ``extra`` maps a step name to extra spec fields."""
    chain = ["start", *middle, "end"]
    steps = [(a, [b], extra.get(a, {})) for a, b in zip(chain, chain[1:])]
    return graph_of(*steps, ("end", [], extra.get("end", {})))


def branch_graph() -> FlowGraph:
    """start splits into a and b, which meet in join."""
    return graph_of(("start", ["a", "b"]), ("a", ["join"]), ("b", ["join"]),
                    ("join", ["end"], {"join": True}), ("end", []))


def foreach_graph() -> FlowGraph:
    """start splits over 'items' into work; join collects; end."""
    return graph_of(("start", ["work"], {"foreach": "items"}), ("work", ["join"]),
                    ("join", ["end"], {"join": True}), ("end", []))


def nested_foreach_graph() -> FlowGraph:
    """start -foreach-> outer -foreach-> inner -> inner_join -> outer_join -> end."""
    return graph_of(("start", ["outer"], {"foreach": "xs"}), ("outer", ["inner"], {"foreach": "ys"}),
                    ("inner", ["inner_join"]), ("inner_join", ["outer_join"], {"join": True}),
                    ("outer_join", ["end"], {"join": True}), ("end", []))


def branch_in_foreach_graph() -> FlowGraph:
    """start -foreach-> fan, which splits into a and b; both meet in meet; gather joins the foreach."""
    return graph_of(("start", ["fan"], {"foreach": "items"}), ("fan", ["a", "b"]), ("a", ["meet"]),
                    ("b", ["meet"]), ("meet", ["gather"], {"join": True}),
                    ("gather", ["end"], {"join": True}), ("end", []))


def decorators(**named: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Spec fields for a step with these decorators, defaults filled in as for a real flow:
    ``decorators(retry={"times": 2}, catch=None)``."""
    return {"decorators": [normalize(n, dict(a or {})).to_spec() for n, a in named.items()]}


def frame(task: str, index: int, num_splits: int) -> FrameRecord:
    """The foreach frame of item ``index`` of ``num_splits``, split by task ``task`` ("step/id")."""
    return FrameRecord(step=task.split("/")[0], task=task, index=index, num_splits=num_splits)


def stack(*frames: Tuple[str, int, int]) -> List[FrameRecord]:
    """A foreach stack, outermost first, from ``(task, index, num_splits)`` triples."""
    return [frame(*f) for f in frames]


def spec_steps(graph: FlowGraph) -> List[Dict[str, Any]]:
    """The graph's steps as run.json records them (what a resume compares against)."""
    return graph.to_spec()["steps"]


