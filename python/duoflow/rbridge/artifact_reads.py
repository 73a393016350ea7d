"""Artifact reads for R: ``self$x`` in a step, ``inputs$a$x`` in a join, ``task$artifact("x")``
in the client. A stored data frame goes to R straight from its Arrow columns
(:mod:`.arrow_wire`); anything else is loaded as Python reads it and converted by
:func:`.to_r.to_wire`. R keeps what it converted for the rest of the task, so each artifact
crosses once (R/self.R)."""

from __future__ import annotations

from typing import Any, Dict

from .arrow_wire import reader_wire
from .to_r import to_wire


def flow_artifact(flow: Any, name: str) -> Dict[str, Any]:
    """``self$name`` in an R step."""
    state = flow.__dict__.get("_state")
    # Values set in this task, or already loaded by Python, are converted from what Python holds.
    if state is not None and name not in flow.__dict__ and name not in state.loaded:
        entry_reader = state.inherited.get(name)
        if entry_reader is not None and entry_reader[1] is not None:  # None: a parameter
            wire = reader_wire(entry_reader[1], name)
            if wire is not None:
                return wire
    return to_wire(getattr(flow, name))


def input_artifact(view: Any, name: str) -> Dict[str, Any]:
    """``inputs$a$name`` in an R join."""
    reader = view._reader
    if reader.has(name):
        view._state.prefetch_from_inputs(name)
        wire = reader_wire(reader, name)
        if wire is not None:
            return wire
    return to_wire(getattr(view, name))


def client_artifact(data: Any, name: str) -> Dict[str, Any]:
    """``task$artifact(name)`` / ``run$name`` in the R client (``data``: a task's ``.data``)."""
    task = getattr(data, "_task", None)
    if task is not None and name in data:
        wire = reader_wire(task._artifacts_reader, name)
        if wire is not None:
            return wire
    return to_wire(data[name])
