"""``runs`` (list past runs) and ``tag add|remove|list`` (edit a run's user tags)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import click

from ..datastore.reader import check_id
from ..run_list import format_rows, run_rows
from ..tags import edit_run_tags
from .options import flow_reader, shared, with_shared_options


def make_runs(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, limit: int, **kwargs: Any) -> int:
        reader = flow_reader(env, shared(ctx, kwargs))
        rows = run_rows(reader, limit)
        if not rows:
            click.echo("%s has no runs in %s yet." % (reader.flow, reader.root))
            return 0
        click.echo(format_rows(rows))
        return 0

    return with_shared_options(click.Command("runs", callback=callback, params=[
        click.Option(["--limit", "-n"], type=click.IntRange(min=1), default=20, show_default=True,
                     help="How many of the newest runs to list."),
    ], help="List past runs of the flow: id, status, start, duration, tags."))


def make_tag(env) -> click.Group:
    group = click.Group("tag", help="Add, remove or list the user tags of a run (default: the latest run).")
    run_id_option = click.Option(["--run-id"], default=None, help="The run (default: the latest).")

    def editor(add: bool):
        @click.pass_context
        def callback(ctx: click.Context, tags: Tuple[str, ...], run_id: Optional[str], **kwargs: Any) -> int:
            reader = flow_reader(env, shared(ctx, kwargs))
            run_id = check_id("run", run_id) if run_id else reader.latest_run_id()
            result = edit_run_tags(reader.flow_store, run_id, add=tags if add else (), remove=() if add else tags)
            click.echo("%s/%s user tags: %s" % (reader.flow, run_id, ", ".join(result) or "none"))
            return 0
        return callback

    @click.pass_context
    def list_callback(ctx: click.Context, run_id: Optional[str], **kwargs: Any) -> int:
        reader = flow_reader(env, shared(ctx, kwargs))
        run_id = run_id or reader.latest_run_id()
        info = reader.run(run_id)
        click.echo("%s/%s" % (reader.flow, run_id))
        click.echo("  user tags:   %s" % (", ".join(reader.user_tags(run_id, info)) or "none"))
        click.echo("  system tags: %s" % ", ".join(info.system_tags))
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
