"""Start a run: claim a run id, snapshot the code, store the parameters, run every task, and
record how it ended."""

from __future__ import annotations

import copy
import os
import platform
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from .. import __version__, config
from ..datastore.artifacts import store_value
from ..datastore.code_package import save_code_package
from ..datastore.flow_store import FlowStore, open_flow_store
from ..datastore.records import RunRecord
from ..datastore.run_info import this_host
from ..decorators import parse_with_option
from ..exceptions import InvalidGraphError
from ..graph.model import FlowGraph
from ..graph.validate import validate
from .context import RunContext
from .display import make_display
from .launcher import ForkLauncher, SpawnLauncher
from .scheduler import Scheduler
from .task import WARM_MODULES

if TYPE_CHECKING:  # a resume loads its module (and the read layer) when it starts
    from .resume import ResumePlan

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
RECORDED_PACKAGES = ("boto3",)  # besides WARM_MODULES


@dataclass
class RunOptions:
    """Everything ``run`` was asked to do, already parsed and checked."""

    flow_file: str
    datastore_root: str
    parameters: Dict[str, Any] = field(default_factory=dict)
    max_workers: int = 1
    max_num_splits: int = config.DEFAULT_MAX_NUM_SPLITS
    tags: List[str] = field(default_factory=list)
    with_decorators: List[str] = field(default_factory=list)
    launcher: str = config.DEFAULT_LAUNCHER
    quiet: bool = False
    keep_going: bool = False
    run_id_file: Optional[str] = None
    entrypoint: List[str] = field(default_factory=list)  # how to start `<flow> step ...` afresh
    command_name: str = "python flow.py"                  # how the user calls the flow, for hints
    live: Optional[bool] = None
    record: Dict[str, Any] = field(default_factory=dict)       # more RunRecord fields (flow decorators, ...)
    system_tags: List[str] = field(default_factory=list)       # more system tags (@project's)
    on_finish: List[Callable[[str, str], None]] = field(default_factory=list)  # (run_id, status) at the end


def checked_graph(flow_cls, with_decorators: List[str]) -> FlowGraph:
    """The flow's graph with ``--with`` decorators applied, validated; raises InvalidGraphError."""
    graph = copy.deepcopy(flow_cls._graph())
    for text in with_decorators:
        deco = parse_with_option(text)
        for node in graph:
            # @catch cannot rescue a foreach split (there is no list to split over): skip those.
            if not node.decorator(deco.name) and not (deco.name == "catch" and node.foreach_var):
                node.decorators.append(copy.deepcopy(deco))
    problems = validate(graph)
    if problems:
        raise InvalidGraphError(graph.name, problems)
    return graph


def start_run(flow_cls, graph: FlowGraph, options: RunOptions, resume: Optional[ResumePlan] = None) -> int:
    """Run the flow to the end; returns the exit code (0 ok, 1 failed, 130 interrupted).

    With a resume plan, finished tasks of the origin run are cloned instead of run again.
    """
    flow_store = open_flow_store(options.datastore_root, graph.name)
    run_id = flow_store.new_run_id()
    if options.run_id_file:
        _write_text(options.run_id_file, run_id)
    user = config.username()
    run = RunContext(flow_cls=flow_cls, graph=graph, flow_store=flow_store, run_id=run_id,
                     flow_file=options.flow_file, user=user, tags=list(options.tags),
                     system_tags=_system_tags(user) + list(options.system_tags), max_num_splits=options.max_num_splits,
                     launcher=options.launcher, parameters=dict(options.parameters),
                     origin_run_id=resume.origin_run_id if resume else None)
    info = _initial_run_info(run, options, resume.resume_step if resume else None).replace(**options.record)
    flow_store.write_run(run_id, info)  # visible as "running" before anything is stored
    try:
        info = info.replace(code=save_code_package(flow_store, options.flow_file))
        run.parameter_entries = {name: store_value(flow_store.blobs, name, value)
                                 for name, value in run.parameters.items()}
    except BaseException as exc:  # the run never started: say so in its record, then report
        flow_store.write_run(run_id, info.replace(status="failed", finished_at=time.time(),
                                                  error="%s: %s" % (type(exc).__name__, exc)))
        raise
    info = info.replace(parameter_artifacts=dict(run.parameter_entries))
    flow_store.write_run(run_id, info)

    display = make_display(options.quiet, options.live)
    display.run_started("Run %s/%s starting (datastore %s, %s launcher, %d workers)" % (
        graph.name, run_id, options.datastore_root, options.launcher, options.max_workers))
    launcher = _make_launcher(run, options)
    _warm_up_codecs()
    cloner = None
    if resume:
        from .resume import Cloner

        cloner = Cloner(flow_store, run_id, resume)
    scheduler = Scheduler(run, launcher, display, options.max_workers, cloner, options.keep_going)
    status, code = "failed", EXIT_FAILED
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if scheduler.execute():
            status, code = "succeeded", EXIT_OK
    except KeyboardInterrupt:
        status, code = "interrupted", EXIT_INTERRUPTED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        info = info.replace(status=status, finished_at=time.time(), task_count=scheduler.task_count,
                            failed_tasks=tuple(f.pathspec for f in scheduler.failures), versions=_versions())
        if cloner:
            info = info.replace(cloned_tasks=tuple(sorted(cloner.cloned)),
                                clone_seconds=round(cloner.seconds, 4))
        flow_store.write_run(run_id, info)
    elapsed = info.finished_at - info.created_at
    if cloner:
        display.notice("Resumed from %s/%s: %d tasks cloned in %.2fs." % (
            graph.name, resume.origin_run_id, len(cloner.cloned), cloner.seconds))
    headline = {
        "succeeded": "Run %s/%s succeeded in %.2fs (%d tasks)." % (graph.name, run_id, elapsed, scheduler.finished_count),
        "failed": "Run %s/%s failed after %.2fs: %d task%s failed." % (
            graph.name, run_id, elapsed, len(scheduler.failures), "" if len(scheduler.failures) == 1 else "s"),
        "interrupted": "Run %s/%s was interrupted after %.2fs; finished tasks are kept." % (graph.name, run_id, elapsed),
    }[status]
    display.summary(headline, scheduler.failures, options.command_name, status == "succeeded")
    for hook in options.on_finish:
        hook(run_id, status)
    return code


def _interrupt(signum, frame):
    """Ctrl-C (even where a shell ignores SIGINT) and SIGTERM stop a run the same way: tasks are
    killed and the run is marked interrupted."""
    raise KeyboardInterrupt


def _make_launcher(run: RunContext, options: RunOptions):
    if options.launcher == "spawn":
        return SpawnLauncher(run, options.entrypoint, options.datastore_root)
    return ForkLauncher(run)


def _warm_up_codecs() -> None:
    """Import what every task needs before forking, so no child pays for it.

    cloudpickle is not among them (most values have a codec of their own): like numpy, it is in
    WARM_MODULES, imported here once a finished task has needed it.
    """
    from ..datastore import codecs  # noqa: F401
    from .launcher import load_libc

    try:
        load_libc()
    except OSError:
        pass


def _initial_run_info(run: RunContext, options: RunOptions, resume_step: Optional[str]) -> RunRecord:
    return RunRecord(
        flow=run.flow_name, run_id=run.run_id, status="running", user=run.user,
        tags=tuple(sorted(set(run.tags))), system_tags=tuple(run.system_tags),
        parameters={name: _jsonable(v) for name, v in run.parameters.items()},
        created_at=time.time(), finished_at=None, flow_file=os.path.abspath(options.flow_file),
        launcher=options.launcher, max_workers=options.max_workers,
        max_num_splits=options.max_num_splits, with_decorators=tuple(options.with_decorators),
        argv=tuple(sys.argv), cwd=os.getcwd(), versions=_versions(),
        graph=run.graph.to_spec(), origin_run_id=run.origin_run_id, resume_step=resume_step,
        pid=os.getpid(), host=this_host())


def _system_tags(user: str) -> List[str]:
    return ["user:%s" % user, "runtime:local", "python_version:%s" % platform.python_version(),
            "duoflow_version:%s" % __version__]


def _versions() -> Dict[str, str]:
    """Python, duoflow and the versions of the libraries loaded by then.

    Read from the modules themselves (importlib.metadata costs tens of milliseconds per run);
    written again when the run ends, when the runtime has loaded what its tasks needed.
    """
    versions = {"python": platform.python_version(), "duoflow": __version__,
                "platform": platform_name()}
    for name in RECORDED_PACKAGES + WARM_MODULES:
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None) if module is not None else None
        if isinstance(version, str):
            versions[name] = version
    return versions


def platform_name() -> str:
    """What ``platform.platform()`` returns, without the ``uname -p`` subprocess it starts on Linux
    (about 4 ms a run, with the import of subprocess).

    On Linux platform() shows that processor name only when it is neither empty, "unknown" nor the
    machine name, which mainstream distributions never give. Elsewhere, or when platform() would
    clean up the name (odd characters, "unknown" parts), platform() itself is asked.
    """
    if sys.platform != "linux":
        return platform.platform()
    uname = platform.uname()  # the processor field is computed lazily, only when read
    libc, libc_version = platform.libc_ver()
    text = "-".join(part.strip() for part in (uname.system, uname.release, uname.machine, "with",
                                              libc + libc_version) if part)
    plain = all(c.isalnum() or c in "_.+-" for c in text)
    if not plain or "unknown" in text or "--" in text or text.endswith("-"):
        return platform.platform()
    return text


def _jsonable(value: Any) -> Any:
    import json

    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def _write_text(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def load_run_context(flow_cls, flow_store: FlowStore, run_id: str,
                     info: Optional[RunRecord] = None) -> RunContext:
    """Rebuild a run's context from run.json (what ``step`` does in a fresh process); ``info``:
    the run's record when the caller has read it already."""
    from ..datastore.artifacts import load_value

    info = info or flow_store.read_run(run_id)
    graph = checked_graph(flow_cls, list(info.with_decorators))
    entries = dict(info.parameter_artifacts)
    parameters = {name: load_value(flow_store.blobs, name, entry, "run %s/%s" % (flow_store.flow, run_id))
                  for name, entry in entries.items()}
    return RunContext(flow_cls=flow_cls, graph=graph, flow_store=flow_store, run_id=run_id,
                      flow_file=info.flow_file, parameters=parameters,
                      parameter_entries=entries, user=info.user, tags=list(info.tags),
                      system_tags=list(info.system_tags),
                      max_num_splits=int(info.max_num_splits or config.DEFAULT_MAX_NUM_SPLITS),
                      launcher=info.launcher, origin_run_id=info.origin_run_id)
