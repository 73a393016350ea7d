"""``runs`` (list past runs) and ``tag add|remove|list`` (edit a run's user tags)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from ..datastore.flow_store import open_flow_store
from ..datastore.root import resolve_root
from ..datastore.run_info import user_tags
from ..exceptions import NotFoundError
from ..run_list import format_rows, run_rows
from ..tags import edit_run_tags
from .options import shared, with_shared_options


def _flow_store(env, opts):
    root = resolve_root(opts["datastore_root"], env.flow_file, datastore=opts.get("datastore"), create=False)
    return open_flow_store(root, env.flow_cls._graph().name)


def make_runs(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, limit: int, **kwargs: Any) -> int:
        flow_store = _flow_store(env, shared(ctx, kwargs))
        rows = run_rows(flow_store, limit)
        if not rows:
            click.echo("%s has no runs in %s yet." % (flow_store.flow, flow_store.storage.root))
            return 0
        click.echo(format_rows(rows))
        return 0

    return with_shared_options(click.Command("runs", callback=callback, params=[
        click.Option(["--limit", "-n"], type=click.IntRange(min=1), default=20, show_default=True,
                     help="How many of the newest runs to list."),
    ], help="List past runs of the flow: id, status, start, duration, tags."))


def _latest_run(flow_store) -> str:
    runs = flow_store.run_ids()
    if not runs:
        raise NotFoundError("%s has no runs yet" % flow_store.flow, hint="Start one with the run command.")
    return runs[-1]


def make_tag(env) -> click.Group:
    group = click.Group("tag", help="Add, remove or list the user tags of a run (default: the latest run).")
    run_id_option = click.Option(["--run-id"], default=None, help="The run (default: the latest).")

    def editor(add: bool):
        @click.pass_context
        def callback(ctx: click.Context, tags: Tuple[str, ...], run_id: Optional[str], **kwargs: Any) -> int:
            flow_store = _flow_store(env, shared(ctx, kwargs))
            run_id = run_id or _latest_run(flow_store)
            result = edit_run_tags(flow_store, run_id, add=tags if add else (), remove=() if add else tags)
            click.echo("%s/%s user tags: %s" % (flow_store.flow, run_id, ", ".join(result) or "none"))
            return 0
        return callback

    @click.pass_context
    def list_callback(ctx: click.Context, run_id: Optional[str], **kwargs: Any) -> int:
        flow_store = _flow_store(env, shared(ctx, kwargs))
        run_id = run_id or _latest_run(flow_store)
        info = flow_store.read_run(run_id)
        click.echo("%s/%s" % (flow_store.flow, run_id))
        click.echo("  user tags:   %s" % (", ".join(user_tags(flow_store, run_id, info)) or "none"))
        click.echo("  system tags: %s" % ", ".join(info.get("system_tags") or []))
        return 0

    for name, callback, help_text in (("add", editor(True), "Add user tags to a run."),
                                      ("remove", editor(False), "Remove user tags from a run.")):
        group.add_command(with_shared_options(click.Command(name, callback=callback, help=help_text, params=[
            click.Argument(["tags"], nargs=-1, required=True), _copy_run_id(run_id_option)])))
    group.add_command(with_shared_options(click.Command("list", callback=list_callback, help="List a run's tags.",
                                                        params=[_copy_run_id(run_id_option)])))
    return group


def _copy_run_id(option: click.Option) -> click.Option:
    return click.Option(["--run-id"], default=None, help=option.help)
