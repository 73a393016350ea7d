"""Inside a task: run one attempt of one step and store what it produced.

The same function runs in a forked child of the runtime and in ``python flow.py step ...``; it
never raises: it records the attempt's start (``task.json``, status "running"), then returns the
process exit code after writing either the task (artifacts, metadata, then DONE) or the attempt's
``error.json``.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..current import current
from ..datastore.artifacts import store_value
from ..datastore.records import ArtifactEntry, AttemptError, TaskRecord
from ..datastore.task_reader import TaskReader
from ..exceptions import DuoflowError, ForeachError, TransitionError
from ..graph.model import Node
from .context import RunContext, TaskRequest, child_foreach_stack
from .policy import check_fan_out
from .state import IMMUTABLE_TYPES, InputView, JoinInputs, TaskState, _content_key

if TYPE_CHECKING:  # traceback is imported by failed tasks only
    import traceback

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CaughtException:
    """What ``@catch(var=...)`` stores: the failure of the step's last attempt."""

    def __init__(self, type: str, message: str, traceback: str, pathspec: str, attempt: int):
        self.type, self.message, self.traceback = type, message, traceback
        self.pathspec, self.attempt = pathspec, attempt

    def __str__(self) -> str:
        return "%s: %s" % (self.type, self.message)

    def __repr__(self) -> str:
        return "<CaughtException %s in %s>" % (self, self.pathspec)


def execute_task(run: RunContext, request: TaskRequest) -> int:
    """Run one attempt of one task; 0 when it finished and was stored, 1 otherwise."""
    store = run.flow_store.task(run.run_id, request.step, request.task_id)
    started = time.time()
    try:
        node = run.graph[request.step]
        parents = [TaskReader(run.flow_store, run.run_id, *path.split("/"), finished=True)
                   for path in request.input_paths]
        stack = child_foreach_stack(run.graph, node, [p.info for p in parents],
                                    request.split_index) if parents else []
        store.start(_task_info(run, request, node, stack, None, started, running=True))
        state = TaskState(run, node, store.pathspec, parents, stack)
        flow = run.flow_cls(use_cli=False)
        flow._state = state
        _bind_current(run, request, store.pathspec)
        _apply_environment(node)
        if request.catch_fallback:
            _run_catch_fallback(flow, node, state, store, request)
        else:
            _call_step(flow, node, state)
            _clear_catch_var(flow, node)
        _check_transition(node, state)
        num_splits = _check_foreach(flow, node, run)
        artifacts, stored = _persist(flow, state, run)
        store.finish(_task_info(run, request, node, stack, num_splits, started), artifacts, started=True,
                     stored=stored)
        return 0
    except BaseException as exc:  # the task's process ends here whatever happened
        _report_failure(store, request, exc)
        return 1
    finally:
        _flush_std_streams()


def _call_step(flow: Any, node: Node, state: TaskState) -> None:
    function = getattr(flow, node.name)
    if node.is_join:
        views = [InputView(state, reader) for reader in state.parents]
        function(JoinInputs(state, views))
    else:
        function()


def _clear_catch_var(flow: Any, node: Node) -> None:
    """As Metaflow's @catch: a step that succeeds sets its ``var`` to None, so a join can test
    every input's ``var`` (``if not inp.divide_failed``)."""
    deco = node.decorator("catch")
    if deco is not None and deco.attributes.get("var"):
        setattr(flow, deco.attributes["var"], None)


def _run_catch_fallback(flow: Any, node: Node, state: TaskState, store, request: TaskRequest) -> None:
    """@catch after the last failed attempt: store the failure and carry on along the graph."""
    deco = node.decorator("catch")
    error = store.read_error(request.attempt - 1) or AttemptError(type="Error", message="the step failed")
    caught = CaughtException(error.type, error.message, error.traceback, store.pathspec, request.attempt - 1)
    if deco.attributes.get("print_exception", True):
        print("@catch: step '%s' failed (%s); continuing without it." % (node.name, caught), file=sys.stderr)
    if deco.attributes.get("var"):
        setattr(flow, deco.attributes["var"], caught)
    state.transition = (list(node.out_funcs), None)


def _check_transition(node: Node, state: TaskState) -> None:
    if node.name == "end" or state.transition is not None:
        return
    raise TransitionError(
        "Step '%s' finished without calling self.next(); the graph says it goes to %s"
        % (node.name, ", ".join(node.out_funcs)),
        hint="Make sure self.next(...) runs on every path through the step.")


def _check_foreach(flow: Any, node: Node, run: RunContext) -> Optional[int]:
    """The number of splits of a foreach step, after checking its list is usable."""
    if not node.foreach_var:
        return None
    var = node.foreach_var
    try:
        values = type(flow)._foreach_sequence(getattr(flow, var))
    except AttributeError:
        raise ForeachError("Step '%s' splits over '%s', but it has no artifact '%s'" % (node.name, var, var),
                           hint="Assign self.%s = [...] before self.next(..., foreach=\"%s\")." % (var, var)) from None
    if isinstance(values, (str, bytes, bytearray)):
        raise ForeachError("Step '%s' splits over '%s', which is a string" % (node.name, var),
                           ["A foreach over a string would split it into characters."],
                           "Wrap it in a list: self.%s = [self.%s]." % (var, var))
    if isinstance(values, dict) or not hasattr(values, "__len__") or not hasattr(values, "__getitem__"):
        raise ForeachError("Step '%s' splits over '%s', a %s, which cannot be indexed"
                           % (node.name, var, type(values).__name__),
                           hint="Make it a list: self.%s = list(...) (sorted(...) for a set)." % var)
    count = len(values)
    check_fan_out(node.name, var, count, run.max_num_splits)
    return count


def _persist(flow: Any, state: TaskState, run: RunContext) -> Tuple[Dict[str, ArtifactEntry], List[str]]:
    """The task's artifact index (inherited references, new values, and changed loaded values),
    and the names whose values this task stored."""
    blobs = run.flow_store.blobs
    index = {name: entry for name, (entry, _) in state.inherited.items()}
    new = flow._new_artifacts()
    stored = list(new)
    for name, value in new.items():
        index[name] = store_value(blobs, name, value)
    # A value read from a parent and changed in place (self.items.append(x)) is stored too
    # (R steps get copies, so R flows skip the check).
    loaded = state.loaded.items() if type(flow)._values_change_in_place else ()
    for name, value in loaded:
        if name in new or name in run.parameters or not _may_have_changed(value):
            continue
        entry = store_value(blobs, name, value)
        if _content_key(entry) != _content_key(index[name]):
            index[name] = entry
            stored.append(name)
    return index, stored


def _may_have_changed(value: Any) -> bool:
    if isinstance(value, IMMUTABLE_TYPES):
        return False
    flags = getattr(value, "flags", None)  # read-only numpy arrays cannot change
    return not (flags is not None and getattr(flags, "writeable", True) is False)


# Heavy, fork-safe libraries a task may import: the runtime imports them too once a task has
# needed them, so later forked tasks find them loaded instead of paying the import each time.
WARM_MODULES = ("cloudpickle", "numpy", "pandas", "pyarrow", "zstandard", "scipy", "sklearn", "statsmodels")


def _task_info(run: RunContext, request: TaskRequest, node: Node, stack: List[dict],
               num_splits: Optional[int], started: float, running: bool = False) -> TaskRecord:
    """The task's ``task.json``: as it starts (``running``) or once it finished."""
    resources = node.decorator("resources")
    if running:
        status = "running"
    else:
        status = "caught" if request.catch_fallback else "succeeded"
    return TaskRecord(
        flow=run.flow_name, run_id=run.run_id, step=request.step, task_id=request.task_id,
        attempt=request.attempt, parents=tuple(request.input_paths), foreach_stack=tuple(stack),
        foreach_num_splits=num_splits, started_at=started,
        finished_at=None if running else time.time(), status=status, pid=os.getpid(),
        user=run.user, launcher=run.launcher,
        resources=resources.attributes if resources else None,
        imported=tuple(name for name in WARM_MODULES if name in sys.modules))


def _bind_current(run: RunContext, request: TaskRequest, pathspec: str) -> None:
    current._bind({
        "flow_name": run.flow_name, "run_id": run.run_id, "step_name": request.step,
        "task_id": request.task_id, "retry_count": request.attempt, "pathspec": pathspec,
        "username": run.user, "tags": list(run.tags) + list(run.system_tags),
        "origin_run_id": run.origin_run_id, "namespace": "user:%s" % run.user,
        "parameter_names": list(run.parameters), "is_running_flow": True,
    })


def _apply_environment(node: Node) -> None:
    deco = node.decorator("environment")
    if deco:
        os.environ.update(deco.attributes.get("vars") or {})


def _report_failure(store, request: TaskRequest, exc: BaseException) -> None:
    """Write error.json for the attempt and print the user's traceback to the task's stderr."""
    text = user_traceback(exc)
    message = exc.format() if isinstance(exc, DuoflowError) else str(exc)
    if isinstance(exc, SystemExit):
        message = "the step called sys.exit(%s)" % (exc.code,)
    try:
        sys.stderr.write(text)
    except Exception:
        pass
    try:
        store.write_error(request.attempt, AttemptError(
            type=type(exc).__name__, message=message, traceback=text, pathspec=store.pathspec,
            attempt=request.attempt, time=time.time(), engine=isinstance(exc, DuoflowError)))
    except Exception as write_exc:  # the datastore itself failed: say so on stderr at least
        print("duoflow: could not record the error: %s" % write_exc, file=sys.stderr)


def user_traceback(exc: BaseException) -> str:
    """The traceback without duoflow's own frames, so the user sees their code."""
    import traceback  # not loaded before forking: only a failed task pays for it

    te = traceback.TracebackException.from_exception(exc)
    _strip_engine_frames(te)
    return "".join(te.format())


def _strip_engine_frames(te: traceback.TracebackException, seen=None) -> None:
    seen = seen if seen is not None else set()
    if id(te) in seen:
        return
    seen.add(id(te))
    kept = [f for f in te.stack if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR + os.sep)]
    te.stack = te.stack.from_list(kept)  # StackSummary.from_list, without importing traceback here
    for chained in (te.__cause__, te.__context__):
        if chained is not None:
            _strip_engine_frames(chained, seen)


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
