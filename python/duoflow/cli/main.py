"""The command line of a flow file: ``python flow.py run|step|show|check|logs|dump``.

Callbacks parse and delegate; the work happens in the core modules. Errors are printed in the
house style (headline, details, hint) with exit code 2 for bad input and 1 for a failed flow.
"""

from __future__ import annotations

import inspect
import os
import sys
from typing import List, Optional

import click

from ..exceptions import DuoflowError
from . import graph_cmds, inspect_cmds, resume_cmd, run_cmd, runs_cmds, step_cmd
from .options import make_group


def flow_file_of(flow_cls) -> str:
    try:
        return os.path.abspath(inspect.getsourcefile(flow_cls) or sys.argv[0])
    except TypeError:
        return os.path.abspath(sys.argv[0])


def build_cli(flow_cls, flow_file: str, command_name: str, entrypoint: List[str]) -> click.Group:
    """The click group for one flow class."""
    graph = flow_cls._graph()
    help_text = "%s: %s\n\nCommands run, show and check the flow; logs and dump look at past tasks." % (
        graph.name, (graph.doc or "a duoflow flow").strip().splitlines()[0])
    parameters = flow_cls._parameters()
    if parameters:
        help_text += "\n\nParameters (give them to run, e.g. run --%s VALUE): %s." % (
            next(iter(parameters.values())).name,
            ", ".join("--%s (%s)" % (p.name, p.type_name) for p in parameters.values()))
    group = make_group(os.path.basename(flow_file), help_text)
    env = run_cmd.FlowEnv(flow_cls, flow_file, command_name, entrypoint)
    for command in (run_cmd.make(env), resume_cmd.make(env), step_cmd.make(env), graph_cmds.make_show(env),
                    graph_cmds.make_check(env), inspect_cmds.make_logs(env), inspect_cmds.make_dump(env),
                    runs_cmds.make_runs(env), runs_cmds.make_tag(env)):
        group.add_command(command)
    return group


def main(flow_cls, argv: Optional[List[str]] = None, command_name: Optional[str] = None,
         entrypoint: Optional[List[str]] = None) -> None:
    """Run the command line for ``flow_cls`` and exit with its code."""
    flow_file = flow_file_of(flow_cls)
    command_name = command_name or "python %s" % (sys.argv[0] or os.path.basename(flow_file))
    entrypoint = entrypoint or [sys.executable, flow_file]
    sys.exit(invoke(flow_cls, flow_file, command_name, entrypoint, argv))


def invoke(flow_cls, flow_file: str, command_name: str, entrypoint: List[str],
           argv: Optional[List[str]] = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code instead of exiting."""
    try:
        cli = build_cli(flow_cls, flow_file, command_name, entrypoint)
        result = cli.main(args=argv, prog_name=command_name, standalone_mode=False)
        return int(result or 0)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except DuoflowError as exc:
        click.echo("Error: " + exc.format(), err=True)
        return exc.exit_code
