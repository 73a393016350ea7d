"""What may name a run, a step and a task in a pathspec or a record: checked before any path is
built from it, so nothing can read records outside a run."""

from __future__ import annotations

import re

from ..exceptions import UsageError
from ..graph.names import is_valid_name

# Run and task ids are what the datastore names directories with: letters, digits, '_' and '-'
# (never '.', '..' or a '/', which would read records outside the run).
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+\Z")


def check_id(kind: str, value: object) -> str:
    """``value`` as a run or task id, or a :class:`UsageError` saying why it cannot be one."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text is None or not ID_PATTERN.match(text):
        raise UsageError("%r is not a %s id" % (value, kind),
                         ["A %s id is made of letters, digits, '_' and '-' (e.g. %s)."
                          % (kind, "1700000000000000" if kind == "run" else "3")],
                         "Copy the id from the runs command or from the client (run.id, task.id).")
    return text


def check_step_name(value: object) -> str:
    """``value`` as a step name, or a :class:`UsageError`."""
    if not is_valid_name(value):
        raise UsageError("%r is not a step name" % (value,),
                         ["Step names are Python identifiers, such as start, train or end."])
    return str(value)
