"""The command line of a flow file: ``python flow.py run|step|show|check|logs|dump``.

Callbacks parse and delegate; the work happens in the core modules. Errors are printed in the
house style (headline, details, hint) with exit code 2 for bad input and 1 for a failed flow.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import List, Optional

import click

from ..exceptions import DuoflowError
from ..util.source import flow_file_of
from . import run_cmd
from .flow_options import FLOW_OPTIONS, resolve_from_argv
from .options import make_group

# The commands of a flow's command line: name -> (module of this package, its factory). Only the
# command given is imported and built (all of them cost milliseconds at every start); --help and
# a mistyped name build them all.
COMMANDS = {
    "run": ("run_cmd", "make"), "resume": ("resume_cmd", "make"), "step": ("step_cmd", "make"),
    "show": ("graph_cmds", "make_show"), "check": ("graph_cmds", "make_check"),
    "logs": ("inspect_cmds", "make_logs"), "dump": ("inspect_cmds", "make_dump"),
    "runs": ("runs_cmds", "make_runs"), "tag": ("runs_cmds", "make_tag"),
}


class FlowGroup(click.Group):
    """The command group of one flow, building each command the first time it is asked for."""

    def __init__(self, env: run_cmd.FlowEnv, **attrs):
        super().__init__(**attrs)
        self.env = env

    def list_commands(self, ctx: click.Context) -> List[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> Optional[click.Command]:
        # An unknown name builds every command: click suggests the closest of self.commands.
        for wanted in [name] if name in COMMANDS else list(COMMANDS):
            if wanted not in self.commands:
                module, factory = COMMANDS[wanted]
                self.add_command(getattr(import_module("." + module, __package__), factory)(self.env))
        return super().get_command(ctx, name)


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
    env = run_cmd.FlowEnv(flow_cls, flow_file, command_name, entrypoint)
    group = make_group(os.path.basename(flow_file), help_text, cls=FlowGroup, env=env)
    group.params.extend(FLOW_OPTIONS)
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
        resolve_from_argv(flow_cls, flow_file, sys.argv[1:] if argv is None else argv, list(COMMANDS))
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
