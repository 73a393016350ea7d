"""What a flow's class decorators and configs add to a run, worked out before it starts.

- remote decorators (``@batch``, ``@pypi``, ...) stop the run here, with what to do instead;
- ``@project`` gives the branch: a ``project`` record, system tags and ``current``'s fields;
- ``@exit_hook`` functions are called when the run ends;
- every flow decorator is recorded (``flow_decorators``), and so are the configs, which every
  task also gets as artifacts (like parameters).

The command line (``run``, ``resume``) passes the result to :class:`~duoflow.runtime.run.RunOptions`;
a task started afresh (``step``) restores ``current``'s fields from the run record.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from . import config
from .current import current
from .flow_decorators import (check_exit_hooks, decorator_record, flow_decorators, jsonable,
                              project_facts, run_exit_hooks)
from .remote import refuse_remote_decorators


def run_additions(flow_cls, graph, root: str, with_decorators: Sequence[str],
                  branch: Optional[str] = None, production: bool = False) -> Dict[str, Any]:
    """RunOptions fields by name (``record``, ``system_tags``, ``on_finish``), and ``configs``
    (the config values by attribute, to store with the parameters).

    Raises a usage error (nothing has run yet) for remote decorators, a bad ``@project`` or
    ``@exit_hook``, and ``--branch``/``--production`` without ``@project``.
    """
    decorators = flow_decorators(flow_cls)
    refuse_remote_decorators(graph, decorators, with_decorators)
    check_exit_hooks(decorators)
    project = project_facts(decorators, graph.name, config.username(), branch, production)
    configs = config_values_if_any(flow_cls)
    record: Dict[str, Any] = {"flow_decorators": tuple(decorator_record(decorators))}
    if project is not None:
        record["project"] = project.to_json()
        current._set_run_facts(record["project"])  # forked tasks inherit it
    if configs:
        record["configs"] = jsonable(configs)
    additions: Dict[str, Any] = {"record": record, "system_tags": project.system_tags() if project else [],
                                 "configs": dict(configs), "on_finish": []}
    if any(d.name == "exit_hook" for d in decorators):
        def hooks(run_id: str, status: str) -> None:
            run_exit_hooks(decorators, flow_cls.__module__,
                           lambda: _client_run(root, graph.name, run_id), status == "succeeded")
        additions["on_finish"].append(hooks)
    return additions


def config_values_if_any(flow_cls) -> Dict[str, Any]:
    """The flow's config values by attribute ({} for a flow without configs: nothing to load)."""
    if not getattr(flow_cls, "_duoflow_has_configs", False):
        return {}
    from .configs import config_values

    return config_values(flow_cls)


def config_entrypoint_args(flow_cls) -> List[str]:
    """``--config-parsed NAME JSON`` for every config: how a task started afresh (the spawn
    launcher) gets the very values this run read, without reading or parsing them again."""
    values = config_values_if_any(flow_cls)
    if not values:
        return []
    from .configs import flow_configs

    args: List[str] = []
    for attr, definition in flow_configs(flow_cls).items():
        if values.get(attr) is not None:
            args += ["--config-parsed", definition._config_name, json.dumps(values[attr])]
    return args


def restore_run_facts(info) -> None:
    """In a task started afresh (``step``), show what the run recorded in ``current``."""
    if info.project:
        current._set_run_facts(info.project)


def _client_run(root: str, flow: str, run_id: str):
    from .client.objects import Flow, Run

    return Run._load(Flow._in_datastore(root, flow), run_id, check=False)
