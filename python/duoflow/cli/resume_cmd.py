"""``resume [STEP]``: re-run a past run from its first failure (or from STEP), reusing the rest."""

from __future__ import annotations

from typing import Any, Optional

import click

from ..datastore.flow_store import open_flow_store
from ..datastore.root import resolve_root
from ..parameters import materialize
from ..runtime.resume import latest_resumable_run, plan_resume, resume_parameters
from ..runtime.run import checked_graph, start_run
from .flow_options import run_extras
from .options import shared, with_shared_options
from .params import collect_parameter_values, parameter_options
from .run_cmd import build_run_options, run_options


def make(env) -> click.Command:
    parameters = env.flow_cls._parameters()

    @click.pass_context
    def callback(ctx: click.Context, step_name: Optional[str], origin_run_id: Optional[str],
                 allow_parameter_changes: bool, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        given = materialize(parameters, collect_parameter_values(parameters, kwargs), env.flow_file)
        graph = checked_graph(env.flow_cls, opts["with_decorators"])
        root = resolve_root(opts["datastore_root"], env.flow_file, datastore=opts.get("datastore"))
        flow_store = open_flow_store(root, graph.name)
        origin = origin_run_id or latest_resumable_run(flow_store)
        plan = plan_resume(flow_store, graph, origin, step_name)
        values = resume_parameters(flow_store, plan, parameters, given, allow_parameter_changes, env.flow_file)
        options = build_run_options(env, opts, kwargs, values, root, run_extras(env, ctx, opts, graph, root))
        return start_run(env.flow_cls, graph, options, resume=plan)

    params = [
        click.Argument(["step_name"], required=False, metavar="[STEP]"),
        click.Option(["--origin-run-id"], default=None, metavar="RUN_ID",
                     help="The run to resume (default: the latest run of the flow)."),
        click.Option(["--allow-parameter-changes"], is_flag=True, default=False,
                     help="Resume even though parameters differ from the origin run's."),
    ] + run_options() + parameter_options(parameters, for_resume=True)
    command = click.Command(
        "resume", callback=callback, params=params, short_help="Resume a run from where it failed.",
        help="Re-run the latest run (or --origin-run-id) from its first failed step, or from STEP: "
             "finished tasks before that point are reused, the rest runs with the code as it is now. "
             "Parameters default to the origin run's values.")
    return with_shared_options(command)
