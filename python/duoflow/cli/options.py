"""Options shared by the flow's commands, accepted before or after the command name
(``python flow.py --quiet run`` and ``python flow.py run --quiet`` mean the same)."""

from __future__ import annotations

from typing import Any, Callable, Dict

import click

SHARED_OPTIONS = [
    click.Option(["--datastore-root"], default=None, metavar="PATH",
                 help="Where runs are stored: a directory or s3://bucket/prefix (default: "
                      "DUOFLOW_DATASTORE_ROOT, else the nearest .duoflow/ above the flow file, else "
                      "a new one beside it)."),
    click.Option(["--datastore"], type=click.Choice(["local", "s3"]), default=None,
                 help="The datastore backend (default: DUOFLOW_DATASTORE, else s3 for an s3:// "
                      "root, else local). S3 settings come from boto3's usual chain, plus "
                      "DUOFLOW_S3_ENDPOINT_URL."),
    click.Option(["--with", "with_decorators"], multiple=True, metavar="DECORATOR[:k=v,...]",
                 help="Apply a decorator to every step, e.g. --with retry or --with retry:times=2."),
    click.Option(["--quiet", "-q"], is_flag=True, default=None, help="Show only errors and the summary."),
]
SHARED_NAMES = [opt.name for opt in SHARED_OPTIONS]


def with_shared_options(command: click.Command) -> click.Command:
    """Add the shared options to a command (they are merged with the group's in ``shared``)."""
    command.params.extend(_copy(opt) for opt in SHARED_OPTIONS)
    return command


def _copy(option: click.Option) -> click.Option:
    return click.Option(option.opts + option.secondary_opts + [option.name], type=option.type, default=option.default,
                        multiple=option.multiple, is_flag=option.is_flag, help=option.help,
                        metavar=option.metavar, expose_value=True)


def shared(ctx: click.Context, kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """The shared options of this command merged over the group's (``kwargs`` loses them)."""
    group: Dict[str, Any] = dict((ctx.obj or {}).get("shared", {}))
    merged: Dict[str, Any] = {}
    for name in SHARED_NAMES:
        mine = kwargs.pop(name, None)
        theirs = group.get(name)
        if name == "with_decorators":
            merged[name] = list(theirs or ()) + list(mine or ())
        else:
            merged[name] = mine if mine not in (None, ()) else theirs
    merged["quiet"] = bool(merged.get("quiet"))
    return merged


def group_callback(ctx: click.Context, **kwargs: Any) -> None:
    ctx.ensure_object(dict)
    ctx.obj["shared"] = kwargs


def make_group(name: str, help_text: str, callback: Callable = group_callback,
               cls: type = click.Group, **attrs: Any) -> click.Group:
    """A group (of class ``cls``, given ``attrs``) with the shared options."""
    group = cls(name=name, help=help_text, callback=click.pass_context(callback),
                params=[_copy(opt) for opt in SHARED_OPTIONS],
                context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}, **attrs)
    return group


def flow_reader(env, opts: Dict[str, Any]):
    """The read layer over this flow's runs in the datastore the options name (never created:
    reading commands only read)."""
    from ..datastore.reader import open_flow_reader
    from ..datastore.root import resolve_root

    root = resolve_root(opts["datastore_root"], env.flow_file, datastore=opts.get("datastore"), create=False)
    return open_flow_reader(root, env.flow_cls._graph().name)
