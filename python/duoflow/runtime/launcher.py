"""Start one task attempt as a process: by forking the runtime, or as a fresh interpreter.

Both give the scheduler the same thing: a pid, a pidfd that becomes readable when the process
exits, and non-blocking pipes for its stdout and stderr. Every task gets its own process group,
so a timeout or Ctrl-C kills the task and anything it started.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, List, Optional

from .context import RunContext, TaskRequest

if TYPE_CHECKING:  # subprocess is imported by the spawn launcher only: forking runs never need it
    import subprocess


@dataclass
class Process:
    pid: int
    pidfd: int
    stdout_fd: int
    stderr_fd: int
    popen: Optional[subprocess.Popen] = None

    def wait(self) -> int:
        """Reap the process; its exit code, or minus the signal that killed it."""
        if self.popen is not None:
            return self.popen.wait()
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def close_streams(self) -> None:
        """Close the read ends of the task's pipes (through Popen's files when it owns them)."""
        if self.popen is not None:
            self.popen.stdout.close()
            self.popen.stderr.close()
            return
        for fd in (self.stdout_fd, self.stderr_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def kill(self) -> None:
        """SIGKILL the task's whole process group (ignore it being gone already)."""
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
                return
            except (ProcessLookupError, PermissionError):
                continue


def flush_all_output() -> None:
    """Flush Python's streams and C's stdio buffers (R writes through the latter): before a fork,
    so nothing buffered is printed twice, and before a task exits, so nothing is lost."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        load_libc().fflush(None)
    except (OSError, AttributeError):
        pass


def _pipes():
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    for fd in (out_r, err_r):
        os.set_blocking(fd, False)
    return out_r, out_w, err_r, err_w


class ForkLauncher:
    """Fork the runtime: the flow module is already imported, so a task starts in about a millisecond."""

    name = "fork"

    def __init__(self, run: RunContext):
        self.run = run

    def warm_up(self, modules: Iterable[str]) -> None:
        """Import libraries finished tasks needed, so the next forks start with them loaded."""
        import importlib

        for name in modules:
            if name not in sys.modules:
                try:
                    importlib.import_module(name)
                except Exception:  # a task's environment may differ; that task paid already
                    pass

    def launch(self, request: TaskRequest, inherited_fds: Iterable[int] = ()) -> Process:
        out_r, out_w, err_r, err_w = _pipes()
        flush_all_output()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child never returns from here
            code = 1
            try:
                die_with_parent(parent)
                _become_task_process(out_w, err_w, [out_r, err_r, *inherited_fds])
                from .task import execute_task

                code = execute_task(self.run, request)
            except BaseException:
                try:
                    import traceback

                    traceback.print_exc()
                except BaseException:
                    pass
            finally:
                flush_all_output()
                os._exit(code)
        os.close(out_w)
        os.close(err_w)
        return Process(pid, os.pidfd_open(pid), out_r, err_r)


_libc = None


def load_libc():
    """The C library, loaded once (before forking, so tasks do not pay for it)."""
    global _libc
    if _libc is None:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when the runtime dies (even by kill -9), so no task
    outlives its run; harmless where prctl is unavailable."""
    try:
        load_libc().prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the runtime died before prctl took effect
        os._exit(1)


def _become_task_process(out_w: int, err_w: int, close_fds: List[int]) -> None:
    os.setpgid(0, 0)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in [devnull, out_w, err_w, *close_fds]:
        try:
            os.close(fd)
        except OSError:
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError):
            pass
    numpy = sys.modules.get("numpy")
    if numpy is not None:  # a fresh interpreter would not share the parent's random state
        numpy.random.seed()


class SpawnLauncher:
    """Run ``<entrypoint> step NAME ...`` in a fresh process: what a remote worker runs."""

    name = "spawn"

    def __init__(self, run: RunContext, entrypoint: List[str], datastore_root: str):
        self.run = run
        self.entrypoint = entrypoint
        self.datastore_root = datastore_root

    def warm_up(self, modules: Iterable[str]) -> None:
        """Fresh interpreters load what they need themselves."""

    def command(self, request: TaskRequest) -> List[str]:
        cmd = list(self.entrypoint) + [
            "step", request.step, "--run-id", self.run.run_id, "--task-id", request.task_id,
            "--attempt", str(request.attempt), "--datastore-root", self.datastore_root,
        ]
        if request.input_paths:
            cmd += ["--input-paths", ",".join(request.input_paths)]
        if request.split_index is not None:
            cmd += ["--split-index", str(request.split_index)]
        if request.catch_fallback:
            cmd.append("--catch-fallback")
        return cmd

    def launch(self, request: TaskRequest, inherited_fds: Iterable[int] = ()) -> Process:
        import subprocess

        env = dict(os.environ, PYTHONUNBUFFERED="1")
        parent = os.getpid()
        popen = subprocess.Popen(self.command(request), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, start_new_session=True, env=env,
                                 preexec_fn=lambda: die_with_parent(parent))
        out_fd, err_fd = popen.stdout.fileno(), popen.stderr.fileno()
        for fd in (out_fd, err_fd):
            os.set_blocking(fd, False)
        return Process(popen.pid, os.pidfd_open(popen.pid), out_fd, err_fd, popen)
