"""What the R package calls (through reticulate). Every function takes and returns plain data or
wires, so reticulate never converts numpy or pandas objects itself.

Errors cross as records too: R asks :func:`error_record` for the code, headline, details and
hint of a Python exception and signals a ``duoflow_error_<code>`` condition from them, so R keeps
no table of Python classes and never parses a message. What only the tests need lives in
:mod:`duoflow.rbridge.testing`.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

from ..exceptions import DuoflowError
from .convert import from_wire
from .spec import flow_class
from .to_r import to_wire


def run_flow(spec: Dict[str, Any], functions: Dict[str, Callable], argv: List[str], script: str,
             rscript: str, check_graph: bool = False) -> int:
    """Parse ``argv`` with the flow's command line and run the command; returns the exit code.

    With ``check_graph`` (``run()`` called from code, not from a command line) an invalid graph
    raises :class:`InvalidGraphError` with every problem, for R to signal as a condition.
    """
    from ..cli.main import invoke

    script_path = os.path.abspath(script)
    cls = flow_class(spec, functions, script_path)
    if check_graph:
        from ..runtime.run import checked_graph

        checked_graph(cls, [])
    return invoke(cls, script_path, "Rscript %s" % script, [rscript, script_path], list(argv or []))


def get_artifact(flow: Any, name: str) -> Dict[str, Any]:
    """``self$name`` in an R step (a stored data frame straight from its Arrow columns)."""
    from .artifact_reads import flow_artifact

    return flow_artifact(flow, name)


def set_artifact(flow: Any, name: str, wire: Dict[str, Any]) -> None:
    """``self$name <- value`` in an R step."""
    setattr(flow, name, from_wire(wire))


def artifact_names(flow: Any) -> List[str]:
    """What ``names(self)`` shows: artifacts this task has or has set."""
    state = flow._state
    return sorted(set(state.available_names()) | set(flow._new_artifacts()))


def foreach_input(flow: Any) -> Dict[str, Any]:
    return to_wire(flow.input)


def foreach_index(flow: Any) -> Optional[int]:
    """1-based, as R counts (None outside a foreach)."""
    index = flow.index
    return None if index is None else index + 1


def input_views(inputs: Any) -> List[Any]:
    """The inputs of a join, in split order."""
    return list(inputs)


def input_step(view: Any) -> str:
    return view.step_name


def input_artifact(view: Any, name: str) -> Dict[str, Any]:
    from .artifact_reads import input_artifact as read

    return read(view, name)


def input_index(view: Any) -> Optional[int]:
    index = view.index
    return None if index is None else index + 1


def merge_artifacts(flow: Any, inputs: Any, include: Optional[List[str]], exclude: Optional[List[str]]) -> None:
    flow.merge_artifacts(inputs, include=list(include) if include else None,
                         exclude=list(exclude) if exclude else None)


def current_value(name: str) -> Dict[str, Any]:
    from ..current import current

    return to_wire(getattr(current, name))


def error_record(exc: BaseException) -> Dict[str, Any]:
    """A Python exception as R's condition needs it: code, headline, details, hint.

    A duoflow error gives its own record; any other exception is code ``python``, its type and
    first line as the headline and the rest of its message as details.
    """
    if isinstance(exc, DuoflowError):
        return exc.to_record()
    lines = str(exc).splitlines() or [""]
    headline = "%s: %s" % (type(exc).__name__, lines[0]) if lines[0] else type(exc).__name__
    return {"code": "python", "headline": headline, "details": [l for l in lines[1:] if l.strip()],
            "hint": None}


def did_you_mean(name: str, candidates: List[str]) -> str:
    """`` Did you mean 'x'?`` or '': R's suggestions use the core's rule."""
    from ..util.suggest import did_you_mean as suggest

    return suggest(name, [str(c) for c in candidates or []])


def datastore_root(directory: str) -> str:
    """The datastore root a flow in ``directory`` uses (the core's rule: the environment, else
    the nearest ``.duoflow/`` at or above it, else a new one there); nothing is created."""
    from ..datastore.root import resolve_root

    return resolve_root(None, os.path.join(os.path.abspath(directory), "flow"), create=False)
