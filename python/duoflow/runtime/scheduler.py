"""The scheduler: which task runs next, and what a task's end leads to.

It keeps the queue (ready tasks, retries waiting for their time), asks ``policy.py`` what each
event means (retry, @catch, failure, the next tasks, a join becoming ready), reads each task's
result from the datastore (its DONE marker and task.json, never the process itself), and leaves
the processes to ``loop.py``.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from typing import Deque, Dict, List, Optional, Tuple

from . import policy
from ..datastore.records import AttemptError, TaskRecord
from .context import RunContext, TaskRequest, child_foreach_stack
from .display import Display, Failure
from .loop import TaskProcesses, Worker


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
        self.processes = TaskProcesses(run, launcher, display)
        self.pending: Deque[TaskRequest] = deque()
        self.delayed: List[Tuple[float, int, TaskRequest]] = []
        self.joins = policy.JoinWaits(self.graph)
        self.failures: List[Failure] = []
        self.task_count = 0
        self.finished_count = 0
        self._seq = 0

    # -- the loop ----------------------------------------------------------------------------
    def execute(self) -> bool:
        """Run the flow from ``start``; True when every task succeeded. KeyboardInterrupt
        (Ctrl-C or SIGTERM) kills every task before it propagates."""
        self._enqueue(policy.NewTask("start", ()))
        try:
            while True:
                self._launch_ready()
                if not self.processes.workers and not self._more_to_launch():
                    break
                for worker, code in self.processes.wait(self._wait_timeout()):
                    self._on_exit(worker, code)
                self.display.tick()
        except KeyboardInterrupt:
            self.kill_all("the run was interrupted")
            raise
        return not self.failures

    def _more_to_launch(self) -> bool:
        return self._may_launch() and bool(self.pending or self.delayed)

    def _may_launch(self) -> bool:
        return policy.may_launch(self.keep_going, bool(self.failures))

    def _wait_timeout(self) -> Optional[float]:
        now = time.time()
        wakeups = self.processes.wakeups()
        if self.delayed and self._may_launch():
            wakeups.append(self.delayed[0][0])
        interval = self.display.tick_interval
        if interval is not None:
            wakeups.append(now + interval)
        return max(0.0, min(wakeups) - now) if wakeups else None

    # -- launching ---------------------------------------------------------------------------
    def _enqueue(self, task: policy.NewTask) -> None:
        step, inputs, split_index = task
        self.task_count += 1
        request = TaskRequest(step, str(self.task_count), list(inputs), split_index)
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
        while self.pending and len(self.processes.workers) < self.max_workers and self._may_launch():
            request = self.pending.popleft()
            worker = self.processes.start(request)
            worker.deadline = policy.deadline(self.graph[request.step], worker.started)
            self.display.task_started(request.step, worker.pathspec, request.attempt)

    # -- endings -----------------------------------------------------------------------------
    def _on_exit(self, worker: Worker, code: int) -> None:
        request = worker.request
        store = self.run.flow_store.task(self.run.run_id, request.step, request.task_id)
        seconds = time.time() - worker.started
        if code == 0 and store.is_done():
            self.display.task_finished(request.step, worker.pathspec, True, seconds, final=True)
            self._on_success(request, store.read_info() or TaskRecord())
            return
        error = None if worker.timed_out else store.read_error(request.attempt)
        if error is None:  # killed, timed out, or exited without a word: say what happened
            error = _error_record(worker, *policy.exit_reason(self.graph[request.step], code, worker.timed_out))
            store.write_error(request.attempt, error)
        self._on_failure(worker, error, seconds)

    def _on_failure(self, worker: Worker, error: AttemptError, seconds: float) -> None:
        request = worker.request
        then = policy.after_failure(self.graph[request.step], request.attempt, request.catch_fallback)
        self.display.task_finished(request.step, worker.pathspec, False, seconds, final=then.action == policy.FAIL)
        if then.action == policy.RETRY:
            self.display.notice("[%s] attempt %d failed (%s: %s); retrying%s" % (
                worker.pathspec, request.attempt + 1, error.type, _first_line(error.message),
                " in %gs" % then.wait if then.wait else ""))
            self._retry(policy.next_attempt(request, catch_fallback=False), then.wait)
        elif then.action == policy.CATCH:
            self._retry(policy.next_attempt(request, catch_fallback=True), 0.0)
        else:
            self.failures.append(Failure(worker.pathspec, error.type, error.message, error.traceback,
                                         request.attempt + 1))

    def _retry(self, again: TaskRequest, wait: float) -> None:
        self._seq += 1
        heapq.heappush(self.delayed, (time.time() + wait, self._seq, again))

    def _on_success(self, request: TaskRequest, info: TaskRecord) -> None:
        self.finished_count += 1
        self.launcher.warm_up(info.imported)
        path = "%s/%s" % (request.step, request.task_id)
        self.infos[path] = info
        for task in policy.after_success(self.graph, self.joins, request.step, path,
                                         info.foreach_stack, info.foreach_num_splits):
            self._enqueue(task)

    # -- interruption ------------------------------------------------------------------------
    def kill_all(self, reason: str) -> None:
        """Kill every running task, reap it, and record why it stopped."""
        for worker in self.processes.kill_all():
            store = self.run.flow_store.task(self.run.run_id, worker.request.step, worker.request.task_id)
            store.write_error(worker.request.attempt,
                              _error_record(worker, "Interrupted", "The task was killed: %s" % reason))
            self.display.notice("[%s] killed: %s" % (worker.pathspec, reason), error=True)


def _error_record(worker: Worker, kind: str, message: str) -> AttemptError:
    """An attempt's error.json for a task that could not say itself why it ended."""
    return AttemptError(type=kind, message=message, pathspec=worker.pathspec,
                        attempt=worker.request.attempt, time=time.time())


def _first_line(text: Optional[str]) -> str:
    text = (text or "").strip()
    return text.splitlines()[0] if text else ""
