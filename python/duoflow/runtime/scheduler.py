"""The runtime's event loop: launch ready tasks, stream their output, react when they end.

Single-threaded (selectors over pipes and pidfds), so forking from it is safe. A task's result
is read from the datastore (its DONE marker and task.json), never from the process itself.
"""

from __future__ import annotations

import heapq
import os
import selectors
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Deque, Dict, List, Optional, Protocol, Tuple

from ..decorators import timeout_seconds
from ..graph.model import Node
from .context import RunContext, TaskRequest, child_foreach_stack
from .display import Display, Failure
from .launcher import Process

READ_CHUNK = 65536


class LogSink(Protocol):
    """One stream of one attempt, as the datastore takes it (``storage.log_sink(key)``): a local
    temp file renamed when complete, or on S3 a temp file uploaded when complete."""

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


@dataclass
class Worker:
    request: TaskRequest
    process: Process
    pathspec: str
    started: float
    deadline: Optional[float] = None
    timed_out: bool = False
    open_streams: int = 2
    partial: Dict[str, bytes] = field(default_factory=lambda: {"stdout": b"", "stderr": b""})
    sinks: Dict[str, LogSink] = field(default_factory=dict)


class Scheduler:
    """Runs every task of one run, honouring max workers, retries, timeouts and @catch."""

    def __init__(self, run: RunContext, launcher, display: Display, max_workers: int, cloner=None,
                 keep_going: bool = False):
        self.run = run
        # After a failure: stop starting tasks (default; running ones finish and are kept), or keep
        # going with every task that does not depend on a failed one.
        self.keep_going = keep_going
        self.cloner = cloner  # set when resuming: reuses finished tasks of the origin run
        self.infos: Dict[str, dict] = {}  # "step/task" -> task.json of every finished task
        self.graph = run.graph
        self.launcher = launcher
        self.display = display
        self.max_workers = max(1, int(max_workers))
        self.selector = selectors.DefaultSelector()
        self.pending: Deque[TaskRequest] = deque()
        self.delayed: List[Tuple[float, int, TaskRequest]] = []
        self.workers: Dict[int, Worker] = {}
        self.join_buckets: Dict[Tuple[str, tuple], Dict[int, str]] = {}
        self.failures: List[Failure] = []
        self.task_count = 0
        self.finished_count = 0
        self._seq = 0

    # -- the loop ----------------------------------------------------------------------------
    def execute(self) -> bool:
        """Run the flow from ``start``; True when every task succeeded. KeyboardInterrupt
        (Ctrl-C or SIGTERM) kills every task before it propagates."""
        self._enqueue("start", [], None)
        try:
            while True:
                self._launch_ready()
                if not self.workers and not self._more_to_launch():
                    break
                for key, _ in self.selector.select(self._wait_timeout()):
                    worker, kind = key.data
                    if kind == "exit":
                        self._on_exit(worker)
                    elif worker.process.pid in self.workers:
                        self._on_output(worker, kind, key.fd)
                self._enforce_deadlines()
                self.display.tick()
        except KeyboardInterrupt:
            self.kill_all("the run was interrupted")
            raise
        return not self.failures

    def _more_to_launch(self) -> bool:
        return self._may_launch() and bool(self.pending or self.delayed)

    def _may_launch(self) -> bool:
        return self.keep_going or not self.failures

    def _wait_timeout(self) -> Optional[float]:
        now = time.time()
        wakeups = [w.deadline for w in self.workers.values() if w.deadline and not w.timed_out]
        if self.delayed and self._may_launch():
            wakeups.append(self.delayed[0][0])
        interval = self.display.tick_interval
        if interval is not None:
            wakeups.append(now + interval)
        return max(0.0, min(wakeups) - now) if wakeups else None

    # -- launching ---------------------------------------------------------------------------
    def _enqueue(self, step: str, inputs: List[str], split_index: Optional[int]) -> None:
        self.task_count += 1
        request = TaskRequest(step, str(self.task_count), inputs, split_index)
        if self.cloner is not None and self._clone(request):
            return
        self.pending.append(request)
        self.display.task_queued(step)

    def _clone(self, request: TaskRequest) -> bool:
        """Reuse the origin run's task for this request when resume allows it."""
        node = self.graph[request.step]
        parents = [self.infos[path] for path in request.input_paths]
        stack = child_foreach_stack(self.graph, node, parents, request.split_index) if parents else []
        origin = self.cloner.origin_for(request.step, request.input_paths, stack)
        if origin is None:
            return False
        info = self.cloner.clone(request.step, request.task_id, request.input_paths, origin)
        self.display.task_cloned(request.step)
        self._on_success(request, info)
        return True

    def _launch_ready(self) -> None:
        now = time.time()
        while self.delayed and self.delayed[0][0] <= now and self._may_launch():
            self.pending.appendleft(heapq.heappop(self.delayed)[2])
        while self.pending and len(self.workers) < self.max_workers and self._may_launch():
            self._launch(self.pending.popleft())

    def _launch(self, request: TaskRequest) -> None:
        node = self.graph[request.step]
        inherited = [fd for w in self.workers.values()
                     for fd in (w.process.stdout_fd, w.process.stderr_fd, w.process.pidfd)]
        process = self.launcher.launch(request, inherited)
        pathspec = request.pathspec(self.run)
        worker = Worker(request, process, pathspec, time.time())
        limit = node.decorator("timeout")
        if limit:
            worker.deadline = worker.started + timeout_seconds(limit.attributes)
        store = self.run.flow_store.task(self.run.run_id, request.step, request.task_id)
        for stream in ("stdout", "stderr"):
            worker.sinks[stream] = store.storage.log_sink(store.attempt_key(request.attempt, stream + ".log"))
        self.workers[process.pid] = worker
        self.selector.register(process.stdout_fd, selectors.EVENT_READ, (worker, "stdout"))
        self.selector.register(process.stderr_fd, selectors.EVENT_READ, (worker, "stderr"))
        self.selector.register(process.pidfd, selectors.EVENT_READ, (worker, "exit"))
        self.display.task_started(request.step, pathspec, request.attempt)

    # -- output ------------------------------------------------------------------------------
    def _on_output(self, worker: Worker, stream: str, fd: int) -> None:
        try:
            data = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not data:
            self._close_stream(worker, stream, fd)
            return
        self._consume(worker, stream, data)

    def _consume(self, worker: Worker, stream: str, data: bytes) -> None:
        worker.sinks[stream].write(data)
        text = worker.partial[stream] + data
        *lines, worker.partial[stream] = text.split(b"\n")
        for line in lines:
            self.display.task_output(worker.request.step, worker.pathspec, stream,
                                     line.decode("utf-8", "replace").rstrip("\r"))

    def _close_stream(self, worker: Worker, stream: str, fd: int) -> None:
        self.selector.unregister(fd)
        worker.open_streams -= 1

    def _drain(self, worker: Worker) -> None:
        """Read what is left in the pipes once the process is gone (without waiting on
        grandchildren that may still hold them open)."""
        for stream, fd in (("stdout", worker.process.stdout_fd), ("stderr", worker.process.stderr_fd)):
            while True:
                try:
                    data = os.read(fd, READ_CHUNK)
                except (BlockingIOError, OSError):
                    break
                if not data:
                    break
                self._consume(worker, stream, data)
            if worker.partial[stream]:
                self._consume(worker, stream, b"\n")
            try:
                self.selector.unregister(fd)
            except (KeyError, ValueError):
                pass
            worker.sinks[stream].close()
        worker.process.close_streams()

    # -- endings -----------------------------------------------------------------------------
    def _on_exit(self, worker: Worker) -> None:
        self.selector.unregister(worker.process.pidfd)
        os.close(worker.process.pidfd)
        code = worker.process.wait()
        self._drain(worker)
        del self.workers[worker.process.pid]
        request = worker.request
        store = self.run.flow_store.task(self.run.run_id, request.step, request.task_id)
        seconds = time.time() - worker.started
        if code == 0 and store.is_done():
            self.display.task_finished(request.step, worker.pathspec, True, seconds, final=True)
            self._on_success(request, store.read_info() or {})
            return
        error = None if worker.timed_out else store.read_error(request.attempt)
        if error is None:  # killed, timed out, or exited without a word: say what happened
            error = self._describe_exit(worker, code)
            store.write_error(request.attempt, error)
        self._on_failure(worker, error, seconds)

    def _describe_exit(self, worker: Worker, code: int) -> dict:
        limit = self.graph[worker.request.step].decorator("timeout")
        if worker.timed_out:
            message = "timed out after %g s (@timeout) and was killed" % timeout_seconds(limit.attributes)
            kind = "TimeoutError"
        elif code < 0:
            message = "was killed by signal %d%s" % (-code, _signal_name(-code))
            kind = "TaskKilled"
        else:
            message = "exited before finishing (exit code %d)" % code
            kind = "TaskExited"
        return {"type": kind, "message": "The task " + message, "traceback": "",
                "pathspec": worker.pathspec, "attempt": worker.request.attempt, "time": time.time()}

    def _on_failure(self, worker: Worker, error: dict, seconds: float) -> None:
        request = worker.request
        node = self.graph[request.step]
        retry = node.decorator("retry")
        retries = int(retry.attributes["times"]) if retry else 0
        if request.attempt < retries and not request.catch_fallback:
            self.display.task_finished(request.step, worker.pathspec, False, seconds, final=False)
            wait = 60.0 * float(retry.attributes.get("minutes_between_retries") or 0)
            self.display.notice("[%s] attempt %d failed (%s: %s); retrying%s" % (
                worker.pathspec, request.attempt + 1, error.get("type"), _first_line(error.get("message")),
                " in %gs" % wait if wait else ""))
            self._retry(request, wait, catch_fallback=False)
        elif node.decorator("catch") and not request.catch_fallback:
            self.display.task_finished(request.step, worker.pathspec, False, seconds, final=False)
            self._retry(request, 0.0, catch_fallback=True)
        else:
            self.display.task_finished(request.step, worker.pathspec, False, seconds, final=True)
            self.failures.append(Failure(worker.pathspec, error.get("type", "Error"), error.get("message", ""),
                                         error.get("traceback", ""), request.attempt + 1))

    def _retry(self, request: TaskRequest, wait: float, catch_fallback: bool) -> None:
        again = TaskRequest(request.step, request.task_id, request.input_paths, request.split_index,
                            request.attempt + 1, catch_fallback)
        self._seq += 1
        heapq.heappush(self.delayed, (time.time() + wait, self._seq, again))

    def _on_success(self, request: TaskRequest, info: dict) -> None:
        self.finished_count += 1
        self.launcher.warm_up(info.get("imported") or ())
        node = self.graph[request.step]
        path = "%s/%s" % (request.step, request.task_id)
        self.infos[path] = info
        for child_name in node.out_funcs:
            child = self.graph[child_name]
            if child.is_join:
                self._offer_to_join(child, info, path)
            elif node.foreach_var:
                for index in range(int(info["foreach_num_splits"])):
                    self._enqueue(child_name, [path], index)
            else:
                self._enqueue(child_name, [path], None)

    def _offer_to_join(self, join: Node, info: dict, path: str) -> None:
        """Collect a join's inputs; launch it when every branch or foreach item has arrived."""
        stack = info.get("foreach_stack") or []
        if self.graph[join.matching_split].foreach_var:
            outer, slot, expected = stack[:-1], stack[-1]["index"], stack[-1]["num_splits"]
        else:
            outer, slot, expected = stack, join.in_funcs.index(info["step"]), len(join.in_funcs)
        key = (join.name, tuple((f["task"], f["index"]) for f in outer))
        bucket = self.join_buckets.setdefault(key, {})
        bucket[slot] = path
        if len(bucket) == expected:
            del self.join_buckets[key]
            self._enqueue(join.name, [bucket[i] for i in sorted(bucket)], None)

    # -- timeouts and interruption -----------------------------------------------------------
    def _enforce_deadlines(self) -> None:
        now = time.time()
        for worker in self.workers.values():
            if worker.deadline and not worker.timed_out and now >= worker.deadline:
                worker.timed_out = True
                worker.process.kill()

    def kill_all(self, reason: str) -> None:
        """Kill every running task, reap it, and record why it stopped."""
        for worker in list(self.workers.values()):
            worker.process.kill()
        for worker in list(self.workers.values()):
            try:
                worker.process.wait()
            except ChildProcessError:
                pass
            self._drain(worker)
            os.close(worker.process.pidfd)
            store = self.run.flow_store.task(self.run.run_id, worker.request.step, worker.request.task_id)
            store.write_error(worker.request.attempt, {
                "type": "Interrupted", "message": "The task was killed: %s" % reason, "traceback": "",
                "pathspec": worker.pathspec, "attempt": worker.request.attempt, "time": time.time()})
            self.display.notice("[%s] killed: %s" % (worker.pathspec, reason), error=True)
        self.workers.clear()


def _signal_name(number: int) -> str:
    import signal

    try:
        return " (%s)" % signal.Signals(number).name
    except ValueError:
        return ""


def _first_line(text: Optional[str]) -> str:
    text = (text or "").strip()
    return text.splitlines()[0] if text else ""
