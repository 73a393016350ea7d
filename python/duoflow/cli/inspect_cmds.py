"""``logs`` and ``dump``: look at a task of a past (or running) run."""

from __future__ import annotations

import sys
from typing import Any, Optional

import click

from ..inspect_task import artifact_rows, read_logs, rows_as_json, rows_as_table
from .options import flow_reader, shared, with_shared_options
from .pathspec import find_task


def _task(env, opts, pathspec: str):
    return find_task(flow_reader(env, opts), pathspec)


def make_logs(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, pathspec: str, stdout: bool, stderr: bool, attempt: Optional[int],
                 **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        logs = read_logs(_task(env, opts, pathspec), attempt)
        both = not stdout and not stderr
        if stdout or both:
            _write_bytes(sys.stdout, logs["stdout"])
        if stderr or both:
            _write_bytes(sys.stderr, logs["stderr"])
        return 0

    return with_shared_options(click.Command("logs", callback=callback, params=[
        click.Argument(["pathspec"]),
        click.Option(["--stdout"], is_flag=True, help="Only the task's standard output."),
        click.Option(["--stderr"], is_flag=True, help="Only the task's standard error."),
        click.Option(["--attempt"], type=click.IntRange(min=0), default=None,
                     help="Which attempt (0-based; default: the last)."),
    ], short_help="Print the output of a task.",
       help="Print the output of a task: PATHSPEC is Flow/run/step/task (or run/step/task)."))


def _write_bytes(stream, data: bytes) -> None:
    """Write raw log bytes (through the text layer when the stream has no buffer, as in R)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
    else:
        stream.write(data.decode("utf-8", "replace"))
    stream.flush()


def make_dump(env) -> click.Command:
    @click.pass_context
    def callback(ctx: click.Context, pathspec: str, as_json: bool, **kwargs: Any) -> int:
        opts = shared(ctx, kwargs)
        rows = artifact_rows(_task(env, opts, pathspec))
        click.echo(rows_as_json(rows) if as_json else rows_as_table(rows))
        return 0

    return with_shared_options(click.Command("dump", callback=callback, params=[
        click.Argument(["pathspec"]),
        click.Option(["--json", "as_json"], is_flag=True, help="Print JSON (values that are not JSON as repr)."),
    ], short_help="Summarise the artifacts of a task.",
       help="Summarise the artifacts of a task: PATHSPEC is Flow/run/step/task (or run/step/task)."))
