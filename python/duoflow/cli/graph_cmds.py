"""``show`` and ``check``: the flow's graph, without running anything."""

from __future__ import annotations

from typing import Any, List

import click

from ..flow_decorators import flow_decorators, jsonable
from ..graph.model import Decorator
from ..graph.render import show
from ..remote import remote_problems
from ..runtime.run import checked_graph
from .options import shared, with_shared_options


def shown_flow_decorators(flow_cls) -> List[Decorator]:
    """The flow's decorators as ``show`` prints them: defaults filled in, configs evaluated,
    functions by name."""
    return [Decorator(d.name, jsonable(d.attributes)) for d in flow_decorators(flow_cls)]


def make_show(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        graph = checked_graph(env.flow_cls, opts["with_decorators"])
        click.echo(show(graph, shown_flow_decorators(env.flow_cls)), nl=False)
        return 0

    return with_shared_options(click.Command(
        "show", callback=callback, help="Show the steps, their docstrings and transitions."))


def make_check(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        graph = checked_graph(env.flow_cls, opts["with_decorators"])
        click.echo("Flow %s is valid: %d steps, %d parameters." % (
            graph.name, len(graph.nodes), len(env.flow_cls._parameters())))
        remote = remote_problems(env.flow_cls._graph(), flow_decorators(env.flow_cls), opts["with_decorators"])
        if remote:
            click.echo("Note: run refuses what needs a remote system:\n" + "\n".join("  " + p for p in remote))
        return 0

    return with_shared_options(click.Command(
        "check", callback=callback, help="Check the flow's graph; report every problem at once (exit 2)."))
