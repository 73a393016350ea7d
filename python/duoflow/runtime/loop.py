"""Task processes: start an attempt, stream its output into its logs and the display, notice
when it exits or runs out of time, and kill every task when the run is interrupted.

Single-threaded (selectors over pipes and pidfds), so forking from it is safe. What a task's end
means (success, retry, @catch, failure) is decided elsewhere (``scheduler.py``, ``policy.py``).
"""

from __future__ import annotations

import os
import selectors
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Protocol, Tuple

from .context import RunContext, TaskRequest
from .display import Display
from .launcher import Process

READ_CHUNK = 65536


class LogSink(Protocol):
    """One stream of one attempt, as the datastore takes it (``storage.log_sink(key)``): a local
    temp file renamed when complete, or on S3 a temp file uploaded when complete."""

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


@dataclass
class Worker:
    """One running attempt: its process, its log sinks and its time limit."""

    request: TaskRequest
    process: Process
    pathspec: str
    started: float
    deadline: Optional[float] = None
    timed_out: bool = False
    open_streams: int = 2
    partial: Dict[str, bytes] = field(default_factory=lambda: {"stdout": b"", "stderr": b""})
    sinks: Dict[str, LogSink] = field(default_factory=dict)


class TaskProcesses:
    """The running attempts of one run, and the selector that watches them."""

    def __init__(self, run: RunContext, launcher, display: Display):
        self.run = run
        self.launcher = launcher
        self.display = display
        self.selector = selectors.DefaultSelector()
        self.workers: Dict[int, Worker] = {}  # pid -> worker

    def __len__(self) -> int:
        return len(self.workers)

    # -- starting ----------------------------------------------------------------------------
    def start(self, request: TaskRequest) -> Worker:
        """Launch one attempt, with its output going to the attempt's logs and the display."""
        inherited = [fd for w in self.workers.values()
                     for fd in (w.process.stdout_fd, w.process.stderr_fd, w.process.pidfd)]
        process = self.launcher.launch(request, inherited)
        worker = Worker(request, process, request.pathspec(self.run), time.time())
        store = self.run.flow_store.task(self.run.run_id, request.step, request.task_id)
        for stream in ("stdout", "stderr"):
            worker.sinks[stream] = store.storage.log_sink(store.attempt_key(request.attempt, stream + ".log"))
        self.workers[process.pid] = worker
        self.selector.register(process.stdout_fd, selectors.EVENT_READ, (worker, "stdout"))
        self.selector.register(process.stderr_fd, selectors.EVENT_READ, (worker, "stderr"))
        self.selector.register(process.pidfd, selectors.EVENT_READ, (worker, "exit"))
        return worker

    # -- waiting -----------------------------------------------------------------------------
    def wakeups(self) -> List[float]:
        """The time limits of the running attempts that have not run out yet."""
        return [w.deadline for w in self.workers.values() if w.deadline and not w.timed_out]

    def wait(self, timeout: Optional[float]) -> List[Tuple[Worker, int]]:
        """Handle what happens within ``timeout`` seconds (None: until something happens): stream
        output, kill attempts past their deadline, and return the attempts that ended, reaped and
        drained, with their exit codes (minus the signal for a killed one)."""
        ended = []
        for key, _ in self.selector.select(timeout):
            worker, kind = key.data
            if kind == "exit":
                ended.append((worker, self._reap(worker)))
            elif worker.process.pid in self.workers:
                self._on_output(worker, kind, key.fd)
        self._enforce_deadlines()
        return ended

    def _reap(self, worker: Worker) -> int:
        self.selector.unregister(worker.process.pidfd)
        os.close(worker.process.pidfd)
        code = worker.process.wait()
        self._drain(worker)
        del self.workers[worker.process.pid]
        return code

    def _enforce_deadlines(self) -> None:
        now = time.time()
        for worker in self.workers.values():
            if worker.deadline and not worker.timed_out and now >= worker.deadline:
                worker.timed_out = True
                worker.process.kill()

    # -- output ------------------------------------------------------------------------------
    def _on_output(self, worker: Worker, stream: str, fd: int) -> None:
        try:
            data = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            return
        if not data:
            self.selector.unregister(fd)
            worker.open_streams -= 1
            return
        self._consume(worker, stream, data)

    def _consume(self, worker: Worker, stream: str, data: bytes) -> None:
        worker.sinks[stream].write(data)
        text = worker.partial[stream] + data
        *lines, worker.partial[stream] = text.split(b"\n")
        for line in lines:
            self.display.task_output(worker.request.step, worker.pathspec, stream,
                                     line.decode("utf-8", "replace").rstrip("\r"))

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

    # -- interruption ------------------------------------------------------------------------
    def kill_all(self) -> List[Worker]:
        """Kill every running attempt and reap it; returns them (their logs are complete)."""
        killed = list(self.workers.values())
        for worker in killed:
            worker.process.kill()
        for worker in killed:
            try:
                worker.process.wait()
            except ChildProcessError:
                pass
            self._drain(worker)
            os.close(worker.process.pidfd)
        self.workers.clear()
        return killed
