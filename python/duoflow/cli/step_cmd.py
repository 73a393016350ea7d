"""``step``: run one attempt of one task in this process (the spawn launcher and remote
workers call it; users do not need it)."""

from __future__ import annotations

from typing import Any, Optional

import click

from ..datastore.flow_store import open_flow_store
from ..datastore.root import resolve_root
from ..exceptions import UsageError
from ..runtime.context import TaskRequest
from ..runtime.run import load_run_context
from ..runtime.task import execute_task
from ..run_additions import restore_run_facts
from .options import shared, with_shared_options


def make(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, step_name: str, run_id: str, task_id: str, attempt: int,
                 input_paths: Optional[str], split_index: Optional[int], catch_fallback: bool, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        root = resolve_root(opts["datastore_root"], env.flow_file, datastore=opts.get("datastore"), create=False)
        flow_store = open_flow_store(root, env.flow_cls._graph().name)
        info = flow_store.read_run(run_id)  # read once: the context and current's facts
        run = load_run_context(env.flow_cls, flow_store, run_id, info)
        restore_run_facts(info)
        if step_name not in run.graph:
            raise UsageError("This flow has no step '%s'" % step_name)
        paths = [p for p in (input_paths or "").split(",") if p]
        request = TaskRequest(step_name, task_id, paths, split_index, attempt, catch_fallback)
        return execute_task(run, request)

    command = click.Command("step", callback=callback, hidden=True, help="Run one task (internal).", params=[
        click.Argument(["step_name"]),
        click.Option(["--run-id"], required=True),
        click.Option(["--task-id"], required=True),
        click.Option(["--attempt"], type=click.IntRange(min=0), default=0),
        click.Option(["--input-paths"], default=None),
        click.Option(["--split-index"], type=click.IntRange(min=0), default=None),
        click.Option(["--catch-fallback"], is_flag=True, default=False),
    ])
    return with_shared_options(command)
