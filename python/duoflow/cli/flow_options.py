"""Top-level options that shape the flow itself, before any command (Metaflow's names):
``--config NAME PATH``, ``--config-value NAME JSON``, ``--branch NAME`` and ``--production``.

Configs must be known before the flow's graph is built (decorator arguments may use them), so
:func:`resolve_from_argv` reads them from the arguments before click parses anything; the click
options declared here only document and accept them. :func:`run_extras` turns the flow
decorators and configs into what a run records and does.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, List, Sequence

import click

from ..exceptions import UsageError

FLOW_OPTIONS = [
    click.Option(["--config", "config_files"], nargs=2, multiple=True, metavar="NAME PATH",
                 help="Read the flow's Config NAME from the file PATH (repeatable)."),
    click.Option(["--config-value", "config_values"], nargs=2, multiple=True, metavar="NAME JSON",
                 help="Give the flow's Config NAME as JSON text (repeatable)."),
    click.Option(["--branch"], default=None, metavar="NAME",
                 help="With @project: run on the branch test.NAME (prod.NAME with --production)."),
    click.Option(["--production"], is_flag=True, default=False,
                 help="With @project: run on the production branch (prod)."),
    # How a task started afresh gets its run's configs: values already parsed, as JSON.
    click.Option(["--config-parsed", "config_parsed"], nargs=2, multiple=True, hidden=True),
]
_TAKES_TWO = {"--config": "config_files", "--config-value": "config_values",
              "--config-parsed": "config_parsed"}


def scan_config_args(argv: Sequence[str], commands: Sequence[str] = ()) -> Dict[str, Dict[str, str]]:
    """``{option's name: {config name: text}}`` from ``--config``, ``--config-value`` and
    ``--config-parsed`` in argv, before the command (after it, ``--config`` may be a parameter
    of the flow)."""
    found: Dict[str, Dict[str, str]] = {key: {} for key in _TAKES_TWO.values()}
    args = list(argv)
    i = 0
    while i < len(args) and args[i] not in commands:
        key = _TAKES_TWO.get(args[i])
        if key is None:
            i += 1
            continue
        if i + 2 >= len(args):
            raise UsageError("%s takes two values: NAME and %s" % (args[i], "PATH" if key == "config_files" else "JSON"))
        found[key][args[i + 1]] = args[i + 2]
        i += 3
    return found


def resolve_from_argv(flow_cls, flow_file: str, argv: Sequence[str], commands: Sequence[str]) -> None:
    """Read the flow's configs (given in argv before the command, else their defaults) before
    its graph is built."""
    given = scan_config_args(argv, commands)
    if not any(given.values()) and "duoflow.configs" not in sys.modules:
        return  # a flow with a Config has imported it
    from ..configs import flow_configs, resolve_configs

    if any(given.values()) or flow_configs(flow_cls):
        parsed = {name: json.loads(text) for name, text in given["config_parsed"].items()}
        resolve_configs(flow_cls, given["config_files"], given["config_values"], flow_file, parsed)


def config_entrypoint_args(flow_cls) -> List[str]:
    """``--config-parsed NAME JSON`` for every config: how a task started afresh (the spawn
    launcher) gets the very values this run read, without reading or parsing them again."""
    if "duoflow.configs" not in sys.modules:
        return []  # a flow with a Config has imported it
    from ..configs import config_values, flow_configs

    values = config_values(flow_cls)
    args: List[str] = []
    for attr, config in flow_configs(flow_cls).items():
        if values.get(attr) is not None:
            args += ["--config-parsed", config._config_name, json.dumps(values[attr])]
    return args


def run_extras(env, ctx: click.Context, opts: Dict[str, Any], graph, root: str) -> Dict[str, Any]:
    """What the flow decorators and configs add to a run: RunOptions fields by name, and
    ``configs`` (their values by attribute: every task has them as artifacts, like parameters).

    Raises a usage error (nothing has run yet) for remote decorators, a bad ``@project`` or
    ``@exit_hook``, and ``--branch``/``--production`` without ``@project``.
    """
    from .. import config
    from ..current import current
    from ..flow_decorators import (check_exit_hooks, decorator_record, flow_decorators, jsonable,
                                   project_facts, run_exit_hooks)
    from ..remote import refuse_remote_decorators

    top = (ctx.obj or {}).get("shared", {})
    decorators = flow_decorators(env.flow_cls)
    refuse_remote_decorators(env.flow_cls._graph(), decorators, opts["with_decorators"])
    check_exit_hooks(decorators)
    project = project_facts(decorators, graph.name, config.username(), top.get("branch"),
                            bool(top.get("production")))
    configs = _config_values(env.flow_cls)
    record: Dict[str, Any] = {"flow_decorators": tuple(decorator_record(decorators))}
    if project is not None:
        record["project"] = project.to_json()
        current._set_run_facts(project.to_json())  # forked tasks inherit it
    if configs:
        record["configs"] = jsonable(configs)
    extras: Dict[str, Any] = {"record": record, "system_tags": project.system_tags() if project else [],
                              "configs": dict(configs),
                              "on_finish": []}
    if any(d.name == "exit_hook" for d in decorators):
        def hooks(run_id: str, status: str) -> None:
            run_exit_hooks(decorators, env.flow_cls.__module__,
                           lambda: _client_run(root, graph.name, run_id), status == "succeeded")
        extras["on_finish"].append(hooks)
    return extras


def _config_values(flow_cls) -> Dict[str, Any]:
    if "duoflow.configs" not in sys.modules:
        return {}  # a flow with a Config has imported it
    from ..configs import config_values

    return config_values(flow_cls)


def task_facts_from_record(info) -> None:
    """In a task started afresh (``step``), show what the run recorded in ``current``."""
    if info.project:
        from ..current import current

        current._set_run_facts(info.project)


def _client_run(root: str, flow: str, run_id: str):
    from ..client.objects import Flow, Run

    return Run._load(Flow._in_datastore(root, flow), run_id, check=False)

