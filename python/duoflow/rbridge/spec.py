"""An R flow spec (plain data) plus its R functions -> a FlowSpec class the engine runs.

The spec is what the R package builds from ``metaflow() %>% step() %>% ...``: no source code is
generated; the graph comes from the spec (through ``FlowGraph.from_spec``, the one spec loader)
and each step calls its R function, then moves on along the transitions the spec declares (R
steps never call ``next``).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ..decorators import normalize
from ..exceptions import DuoflowError, UsageError
from ..flowspec import FlowSpec
from ..graph.model import Decorator, FlowGraph, Node
from ..parameters import JSONType, Parameter


class RStepError(DuoflowError):
    """An R step function failed; the message carries R's condition message and traceback."""

    code = "task_failed"

    def __init__(self, message: str):
        super().__init__(message.strip() or "the R step failed")


def _as_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):  # a named R list
        return list(value.values())
    return [value]


def graph_spec(spec: Dict[str, Any], file: str) -> Dict[str, Any]:
    """An R spec as ``FlowGraph.from_spec`` reads it: R's values made Python's (one next step
    arrives as a string, a named list as a dict, whole numbers as doubles), decorators checked and
    completed with their defaults, and ``file`` where steps without a source line are defined."""
    steps = []
    for step in _as_list(spec.get("steps")):
        decorators = [_decorator(step["name"], d).to_spec() for d in _as_list(step.get("decorators"))]
        steps.append(dict(step, next=_as_list(step.get("next")), decorators=decorators))
    return dict(spec, file=file, steps=steps)


def _decorator(step: str, data: Dict[str, Any]) -> Decorator:
    attributes = dict(data.get("attributes") or {})
    for key, value in list(attributes.items()):
        if isinstance(value, float) and value.is_integer() and key in ("times",):
            attributes[key] = int(value)
        if key == "vars" and isinstance(value, dict):
            attributes[key] = {k: str(v) for k, v in value.items()}
        if key == "vars" and value in ([], None):
            attributes[key] = {}
    try:
        return normalize(str(data["name"]), attributes)
    except UsageError as exc:
        raise UsageError("Step '%s': %s" % (step, exc.headline), exc.details, exc.hint) from None


def parameter_from_spec(data: Dict[str, Any]) -> Parameter:
    types = {"int": int, "float": float, "str": str, "bool": bool, "json": JSONType}
    return Parameter(str(data["name"]), default=data.get("default"), type=types.get(data.get("type") or "str"),
                     help=data.get("help"), required=bool(data.get("required")),
                     is_flag=bool(data.get("is_flag")), separator=data.get("separator"))


def make_step(node: Node, function: Optional[Callable]) -> Callable:
    """A step method that calls the R function, then takes the spec's transition."""
    def run(self, inputs=None):
        if function is not None:
            try:
                function(self, inputs) if node.is_join else function(self)
            except DuoflowError:
                raise
            except Exception as exc:  # reticulate's view of an R error
                raise RStepError(str(exc)) from None
        if node.out_funcs:
            self.next(*[getattr(self, name) for name in node.out_funcs], foreach=node.foreach_var)

    run.__name__ = node.name
    run.__qualname__ = node.name
    run._duoflow_step = True
    run._duoflow_decorators = list(node.decorators)
    return run


class RFlowSpec(FlowSpec):
    """Base of flows defined in R: an R vector's elements are its foreach items."""

    _values_change_in_place = False  # R steps receive converted copies, never the stored object

    @classmethod
    def _foreach_sequence(cls, values: Any) -> Any:
        # A length-1 R vector arrives as a Python scalar: it is one item, not a string to split.
        if isinstance(values, (str, bytes, int, float, bool)) or values is None:
            return [values]
        if isinstance(values, dict):  # a named R list: its elements, in order
            return list(values.values())
        if hasattr(values, "tolist") and getattr(values, "ndim", 1) == 1:
            return values.tolist()  # items as plain values (NA -> None), not numpy scalars
        return values


def flow_class(spec: Dict[str, Any], functions: Dict[str, Callable], file: str) -> type:
    """A FlowSpec subclass for an R spec; ``functions`` maps step names to R callables."""
    graph = FlowGraph.from_spec(graph_spec(spec, file))
    attrs: Dict[str, Any] = {"__module__": "duoflow.rbridge.flows", "__doc__": spec.get("doc") or None,
                             "_duoflow_graph": graph, "_duoflow_r_spec": spec}
    for data in _as_list(spec.get("parameters")):
        attrs[str(data["name"])] = parameter_from_spec(data)
    functions = functions or {}
    for node in graph:
        attrs[node.name] = make_step(node, functions.get(node.name))
    return type(str(spec["name"]), (RFlowSpec,), attrs)
