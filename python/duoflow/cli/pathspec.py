"""Find a task from the pathspec a user typed (``Flow/run/step/task``, or without the flow)."""

from __future__ import annotations

from typing import Tuple

from ..datastore.flow_store import FlowStore
from ..datastore.task_store import TaskStore
from ..exceptions import NotFoundError, UsageError
from ..util.suggest import did_you_mean


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


def find_task(flow_store: FlowStore, text: str) -> TaskStore:
    """The task a pathspec points at; clear errors naming what exists instead."""
    run_id, step, task_id = parse(text, flow_store.flow)
    flow_store.read_run(run_id)  # raises with the list of runs when missing
    steps = flow_store.step_names(run_id)
    if step not in steps:
        raise NotFoundError("Run %s/%s has no step '%s'" % (flow_store.flow, run_id, step),
                            ["Its steps: %s." % (", ".join(steps) or "none yet")],
                            did_you_mean(step, steps).strip() or None)
    tasks = flow_store.task_ids(run_id, step)
    if not task_id:
        if len(tasks) == 1:
            task_id = tasks[0]
        else:
            raise UsageError("Step %s/%s/%s has %d tasks; name one" % (flow_store.flow, run_id, step, len(tasks)),
                             ["Its tasks: %s." % _summarize(tasks)])
    if task_id not in tasks:
        raise NotFoundError("Step %s/%s/%s has no task %s" % (flow_store.flow, run_id, step, task_id),
                            ["Its tasks: %s." % _summarize(tasks)])
    return flow_store.task(run_id, step, task_id)


def _summarize(ids) -> str:
    ids = list(ids)
    if len(ids) <= 12:
        return ", ".join(ids) or "none"
    return "%s, ... %s (%d in all)" % (", ".join(ids[:6]), ", ".join(ids[-3:]), len(ids))
