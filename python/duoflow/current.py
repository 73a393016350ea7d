"""``current``: facts about the task that is running (flow, run, step, task, retry, user, tags),
and about its run as flow decorators shape it (``@project``: ``project_name``, ``branch_name``,
``is_user_branch``, ``is_production``, ``project_flow_name``)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from .exceptions import DuoflowError

FIELDS = ("flow_name", "run_id", "step_name", "task_id", "retry_count", "pathspec", "username",
          "tags", "origin_run_id", "namespace", "parameter_names", "is_running_flow")


class Current:
    """Read-only view of the running task; outside a step every field raises a clear error."""

    def __init__(self) -> None:
        object.__setattr__(self, "_values", None)
        object.__setattr__(self, "_run_facts", {})

    def _bind(self, values: Optional[Dict[str, Any]]) -> None:
        if values is not None and self._run_facts:
            values = dict(self._run_facts, **values)
        object.__setattr__(self, "_values", values)

    def _set_run_facts(self, facts: Dict[str, Any]) -> None:
        """Fields every task of this run shows (set by the runtime before tasks start)."""
        object.__setattr__(self, "_run_facts", dict(facts))

    @property
    def is_running_flow(self) -> bool:
        return self._values is not None

    def get(self, name: str, default: Any = None) -> Any:
        """A field's value, or ``default`` outside a step."""
        return (self._values or {}).get(name, default)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        values = self._values
        if values is None:
            raise DuoflowError("current.%s is only available inside a running step" % name,
                               hint="Read it in a step function, e.g. print(current.run_id).")
        if name == "card" and "card" not in values:
            from .cards import CardCollector  # components are kept, not rendered (see cards.py)

            values["card"] = CardCollector()
            return values["card"]
        if name not in values:
            raise AttributeError("current has no field '%s'; it has: %s"
                                 % (name, ", ".join(sorted(values))))
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("current is read-only")

    def __repr__(self) -> str:
        if self._values is None:
            return "<current: not in a running step>"
        return "<current %s>" % self._values.get("pathspec")


current = Current()
