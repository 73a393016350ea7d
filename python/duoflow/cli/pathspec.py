"""Find a task from the pathspec a user typed (``Flow/run/step/task``, or without the flow)."""

from __future__ import annotations

from typing import Tuple

from ..datastore.reader import FlowReader
from ..datastore.task_reader import TaskReader
from ..exceptions import UsageError


def parse(text: str, flow_name: str) -> Tuple[str, str, str]:
    """``(run_id, step, task_id)`` — task_id may be '' when only ``run/step`` was given."""
    parts = [p for p in text.strip("/").split("/") if p]
    if len(parts) in (3, 4) and parts[0] == flow_name:
        parts = parts[1:]
    elif len(parts) == 4:
        raise UsageError("Pathspec %s names flow '%s', but this is %s" % (text, parts[0], flow_name),
                         hint="Use the flow file of %s, or give <run>/<step>/<task>." % parts[0])
    if len(parts) == 2:
        return parts[0], parts[1], ""
    if len(parts) != 3:
        raise UsageError("'%s' is not a task pathspec" % text,
                         hint="Give %s/<run_id>/<step>/<task_id>, e.g. %s/1700000000000000/start/1."
                              % (flow_name, flow_name))
    return parts[0], parts[1], parts[2]


def find_task(reader: FlowReader, text: str) -> TaskReader:
    """The task a pathspec points at; clear errors naming what exists instead."""
    return reader.find_task(*parse(text, reader.flow))
