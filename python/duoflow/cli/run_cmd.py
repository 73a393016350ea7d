"""``run``: parse the run options and parameters, then hand over to the runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List

import click

from .. import config
from ..datastore.root import resolve_root
from ..exceptions import UsageError
from ..parameters import materialize
from ..runtime.run import RunOptions, checked_graph, start_run
from ..tags import check_user_tags
from ..run_additions import config_entrypoint_args
from .flow_options import run_extras
from .options import shared, with_shared_options
from .params import collect_parameter_values, parameter_options


@dataclass
class FlowEnv:
    """The flow a command line belongs to, and how it was started."""

    flow_cls: Any
    flow_file: str
    command_name: str
    entrypoint: List[str]


def make(env: FlowEnv) -> click.Command:
    parameters = env.flow_cls._parameters()

    @click.pass_context
    def callback(ctx: click.Context, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        values = materialize(parameters, collect_parameter_values(parameters, kwargs), env.flow_file)
        graph = checked_graph(env.flow_cls, opts["with_decorators"])
        root = resolve_root(opts["datastore_root"], env.flow_file, datastore=opts.get("datastore"))
        extras = run_extras(env, ctx, opts, graph, root)
        return start_run(env.flow_cls, graph, build_run_options(env, opts, kwargs, values, root, extras))

    command = click.Command("run", callback=callback, help="Run the flow from 'start' to 'end'.",
                            params=run_options() + parameter_options(parameters))
    return with_shared_options(command)


def build_run_options(env: FlowEnv, opts: Dict[str, Any], kwargs: Dict[str, Any],
                      values: Dict[str, Any], root: str, extras: Dict[str, Any]) -> RunOptions:
    """RunOptions from the parsed command line (shared by run and resume); ``extras`` is what
    flow decorators and configs add (:func:`.flow_options.run_extras`)."""
    launcher = kwargs["launcher"] or config.default_launcher()
    if launcher not in config.LAUNCHERS:
        raise UsageError("Unknown launcher '%s' (from DUOFLOW_LAUNCHER)" % launcher,
                         hint="Use one of: %s." % ", ".join(config.LAUNCHERS))
    return RunOptions(
        flow_file=env.flow_file,
        datastore_root=root,
        parameters=dict(values, **extras["configs"]),
        max_workers=kwargs["max_workers"] or config.default_max_workers(),
        max_num_splits=kwargs["max_num_splits"],
        tags=check_user_tags(kwargs["tag"]),
        with_decorators=opts["with_decorators"],
        launcher=launcher,
        quiet=opts["quiet"],
        keep_going=kwargs["keep_going"],
        run_id_file=kwargs["run_id_file"],
        entrypoint=list(env.entrypoint) + config_entrypoint_args(env.flow_cls),
        command_name=env.command_name,
        record=extras["record"],
        system_tags=extras["system_tags"],
        on_finish=extras["on_finish"],
    )


def run_options() -> List[click.Option]:
    """The options of ``run`` (and later ``resume``) other than the flow's parameters."""
    return [
        click.Option(["--max-workers"], type=click.IntRange(min=1), default=None,
                     help="How many tasks run at once (default: the number of cores, %d here)."
                          % config.default_max_workers()),
        click.Option(["--max-num-splits"], type=click.IntRange(min=1), default=config.DEFAULT_MAX_NUM_SPLITS,
                     show_default=True, help="The most tasks one foreach may fan out to."),
        click.Option(["--tag"], multiple=True, metavar="TAG", help="Tag the run (repeatable)."),
        click.Option(["--launcher"], type=click.Choice(config.LAUNCHERS), default=None,
                     help="fork: tasks are forked from the runtime (fast); spawn: each task starts a "
                          "fresh interpreter. Default: DUOFLOW_LAUNCHER, else fork."),
        click.Option(["--keep-going"], is_flag=True, default=False,
                     help="After a task fails, go on with every task that does not depend on it "
                          "(default: start nothing new; running tasks finish and are kept)."),
        # A file, never a directory: checked while parsing, before the run creates anything.
        click.Option(["--run-id-file"], default=None, metavar="PATH",
                     type=click.Path(dir_okay=False, writable=True),
                     help="Write the run id to this file as soon as the run starts."),
    ]
