"""Top-level options that shape the flow itself, before any command (Metaflow's names):
``--config NAME PATH``, ``--config-value NAME JSON``, ``--branch NAME`` and ``--production``.

Configs must be known before the flow's graph is built (decorator arguments may use them), so
:func:`resolve_from_argv` reads them from the arguments before click parses anything; the click
options declared here only document and accept them. :func:`run_extras` hands them to
:mod:`duoflow.run_additions`, which turns flow decorators and configs into what a run records and
does.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Sequence

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
    if not any(given.values()) and not getattr(flow_cls, "_duoflow_has_configs", False):
        return  # no Config, none given: nothing to read
    from ..configs import flow_configs, resolve_configs

    if any(given.values()) or flow_configs(flow_cls):
        parsed = {name: json.loads(text) for name, text in given["config_parsed"].items()}
        resolve_configs(flow_cls, given["config_files"], given["config_values"], flow_file, parsed)


def run_extras(env, ctx: click.Context, opts: Dict[str, Any], graph, root: str) -> Dict[str, Any]:
    """What the flow's decorators and configs add to this run (see
    :func:`duoflow.run_additions.run_additions`), given the top-level options."""
    from ..run_additions import run_additions

    top = (ctx.obj or {}).get("shared", {})
    return run_additions(env.flow_cls, graph, root, opts["with_decorators"], top.get("branch"),
                         bool(top.get("production")))
