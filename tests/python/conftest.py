"""Shared fixtures: run a flow file as a user would (a real ``python flow.py ...`` subprocess).

Every run gets its own temporary working directory and datastore (``<tmp>/store``, through
``DUOFLOW_DATASTORE_ROOT``), so nothing is written outside pytest's temporary directories.

Fixtures:
- ``run_flow(flow, *args)``: copy ``tests/python/flows/<flow>`` into ``tmp_path`` and run it there;
  returns a :class:`FlowResult` (returncode, stdout, stderr and helpers to read the run back).
- ``launcher``: parametrizes a test over the fork and spawn launchers (sets ``DUOFLOW_LAUNCHER``).
- ``shared_run(flow, *args, launcher=None, env=None)``: the same run done once per session and
  shared by every test that asks for it (read-only use: logs, dump, the datastore).
- ``make_runner(launcher=None)``: a runner in a fresh temporary directory, for tests that need
  several runs side by side or a process they control (``runner.start``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

# The S3 server fixtures (moto_server, s3, bucket, s3_root), for every directory that needs S3.
from s3_server import bucket, moto_server, s3, s3_root  # noqa: E402,F401

FLOWS_DIR = Path(__file__).resolve().parent / "flows"
REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCHERS = ["fork", "spawn"]
RUN_TIMEOUT = 60  # seconds; a run that takes longer is treated as a hang

_CLASS_RE = re.compile(r"^class\s+(\w+)\s*\(\s*FlowSpec\s*\)", re.MULTILINE)
_PROBLEM_RE = re.compile(r"^  (?P<file>[^\s:]+):(?P<line>\d+)  (?P<text>.*)$")


def _python_path_env(env: Dict[str, str]) -> None:
    """Leave PYTHONPATH alone, unless duoflow is not installed: then use the checkout's source."""
    if importlib.util.find_spec("duoflow") is not None:
        return
    source = str(REPO_ROOT / "python")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)


class FlowResult:
    """What one command printed and returned, plus helpers to read its run back."""

    def __init__(self, runner: "FlowRunner", flow_file: Path, args: Tuple[str, ...],
                 returncode: int, stdout: str, stderr: str, elapsed: float,
                 run_id_file: Optional[Path]):
        self.runner = runner
        self.flow_file = flow_file
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.run_id_file = run_id_file
        self._dumps: Dict[tuple, Dict[str, dict]] = {}

    def __repr__(self) -> str:
        return "<FlowResult %s %s: exit %s>" % (
            self.flow_file.name, " ".join(self.args), self.returncode)

    def describe(self) -> str:
        """Everything printed, for assertion messages."""
        return "%r\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self, self.stdout, self.stderr)

    # -- output -----------------------------------------------------------------------------
    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr

    @staticmethod
    def last_line(text: str) -> str:
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def final_lines(self) -> List[str]:
        """The last non-empty line of stdout and of stderr."""
        return [self.last_line(self.stdout), self.last_line(self.stderr)]

    def problems(self) -> List[Tuple[int, str]]:
        """``check``'s problem lines in stderr: ``[(line number, text)]``.

        A problem is a line ``  <file>:<line>  <text>``; more-indented lines right after it (a
        wrapped hint) belong to it.
        """
        found: List[Tuple[int, str]] = []
        open_problem = False
        for raw in self.stderr.splitlines():
            match = _PROBLEM_RE.match(raw)
            if match and match.group("file") == self.flow_file.name:
                found.append((int(match.group("line")), match.group("text")))
                open_problem = True
            elif open_problem and raw.startswith("    ") and raw.strip():
                line, text = found[-1]
                found[-1] = (line, text + " " + raw.strip())
            else:
                open_problem = False
        return found

    # -- the run ------------------------------------------------------------------------------
    @property
    def flow_name(self) -> str:
        return flow_class_name(self.flow_file)

    @property
    def run_id(self) -> str:
        assert self.run_id_file is not None, "this command was not a run"
        assert self.run_id_file.exists(), (
            "the run wrote no run id to --run-id-file\n" + self.describe())
        run_id = self.run_id_file.read_text().strip()
        assert run_id, "--run-id-file is empty\n" + self.describe()
        return run_id

    @property
    def store(self) -> Path:
        return self.runner.store

    @property
    def run_dir(self) -> Path:
        return self.store / self.flow_name / "runs" / self.run_id

    def run_json(self) -> dict:
        return json.loads((self.run_dir / "run.json").read_text())

    def task_ids(self, step: str, done_only: bool = True) -> List[str]:
        """The step's task ids in numeric order; by default only tasks with a DONE marker."""
        step_dir = self.run_dir / step
        if not step_dir.is_dir():
            return []
        ids = [d.name for d in step_dir.iterdir()
               if d.is_dir() and d.name.isdigit() and (not done_only or (d / "DONE").exists())]
        return sorted(ids, key=int)

    def task_dir(self, step: str, task_id: Optional[str] = None) -> Path:
        if task_id is None:
            ids = self.task_ids(step)
            assert ids, "step '%s' has no finished task\n%s" % (step, self.describe())
            task_id = ids[0]
        return self.run_dir / step / str(task_id)

    def task_json(self, step: str, task_id: Optional[str] = None) -> dict:
        return json.loads((self.task_dir(step, task_id) / "task.json").read_text())

    def attempts(self, step: str, task_id: Optional[str] = None) -> List[int]:
        """Attempt numbers that have an ``attempt-<n>`` directory, sorted."""
        task = self.task_dir(step, task_id)
        return sorted(int(d.name.split("-", 1)[1]) for d in task.iterdir()
                      if d.is_dir() and re.fullmatch(r"attempt-\d+", d.name))

    def log(self, step: str, stream: str, attempt: int = 0, task_id: Optional[str] = None) -> str:
        """A stored log (``stream`` is ``stdout`` or ``stderr``); a missing file is an empty log."""
        path = self.task_dir(step, task_id) / ("attempt-%d" % attempt) / ("%s.log" % stream)
        return path.read_text(errors="replace") if path.exists() else ""

    def pathspec(self, step: str, task_id: Optional[str] = None) -> str:
        if task_id is None:
            task_id = self.task_dir(step).name
        return "%s/%s/%s/%s" % (self.flow_name, self.run_id, step, task_id)

    # -- more commands on the same flow and datastore ----------------------------------------
    def cli(self, *args: str, **kwargs) -> "FlowResult":
        """Run another command (``logs``, ``dump``, ...) on the same flow file and datastore."""
        kwargs.setdefault("flow_path", self.flow_file)
        return self.runner(self.flow_file.name, *args, **kwargs)

    def dump(self, step: str, task_id: Optional[str] = None) -> Dict[str, dict]:
        """``dump <pathspec> --json`` of the step's first finished task (or of ``task_id``).

        Remembered per task: a finished task's artifacts never change.
        """
        key = (step, task_id)
        if key not in self._dumps:
            self._dumps[key] = self._dump(step, task_id)
        return self._dumps[key]

    def _dump(self, step: str, task_id: Optional[str]) -> Dict[str, dict]:
        result = self.cli("dump", self.pathspec(step, task_id), "--json")
        assert result.returncode == 0, result.describe()
        try:
            data = json.loads(result.stdout)
        except ValueError as exc:
            raise AssertionError("dump --json printed no JSON object (%s)\n%s"
                                 % (exc, result.describe()))
        assert isinstance(data, dict), result.describe()
        return data

    def values(self, step: str, task_id: Optional[str] = None) -> Dict[str, object]:
        """``{artifact: value}`` from ``dump --json``."""
        return {name: entry["value"] for name, entry in self.dump(step, task_id).items()}


class RunningFlow:
    """A flow command started in the background (see :meth:`FlowRunner.start`)."""

    def __init__(self, runner, flow_file, args, proc, started, run_id_file):
        self.runner, self.flow_file, self.args = runner, flow_file, args
        self.proc, self.started, self.run_id_file = proc, started, run_id_file

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait(self, timeout: float = RUN_TIMEOUT) -> FlowResult:
        try:
            stdout, stderr = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            stdout, stderr = self.proc.communicate()
            raise AssertionError(
                "%s %s did not finish within %ss (a hang?)\n--- stdout ---\n%s\n--- stderr ---\n%s"
                % (self.flow_file.name, " ".join(self.args), timeout, stdout, stderr))
        return FlowResult(self.runner, self.flow_file, self.args, self.proc.returncode,
                          stdout, stderr, time.monotonic() - self.started, self.run_id_file)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


class FlowRunner:
    """Runs flow files from ``tests/python/flows`` in one working directory with one datastore."""

    def __init__(self, workdir: Path, launcher: Optional[str] = None):
        self.workdir = Path(workdir)
        self.store = self.workdir / "store"
        self.launcher = launcher
        self._count = 0

    def copy_flow(self, flow: str, dest: Optional[Path] = None) -> Path:
        """Copy a flow file into the working directory (or ``dest``), once."""
        target = (dest or self.workdir) / Path(flow).name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FLOWS_DIR / flow, target)
        return target

    def env(self, extra: Optional[Dict[str, Optional[str]]] = None) -> Dict[str, str]:
        env = dict(os.environ)
        env["DUOFLOW_DATASTORE_ROOT"] = str(self.store)
        if self.launcher:
            env["DUOFLOW_LAUNCHER"] = self.launcher
        _python_path_env(env)
        for key, value in (extra or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def start(self, flow: str, *args: str, env: Optional[Dict[str, Optional[str]]] = None,
              cwd: Optional[Path] = None, flow_path: Optional[Path] = None) -> RunningFlow:
        """Start ``python <flow> <args>`` without waiting; ``run`` gets a ``--run-id-file``."""
        flow_file = flow_path or self.copy_flow(flow)
        cwd = Path(cwd or self.workdir)
        args = tuple(str(a) for a in args)
        run_id_file = None
        if args and args[0] == "run" and "--run-id-file" not in args:
            self._count += 1
            run_id_file = self.workdir / ("%s-%d.run-id" % (flow_file.stem, self._count))
            args = args + ("--run-id-file", str(run_id_file))
        try:
            script = os.path.relpath(flow_file, cwd)
        except ValueError:
            script = str(flow_file)
        proc = subprocess.Popen(
            [sys.executable, script, *args], cwd=str(cwd), env=self.env(env),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", start_new_session=True)
        return RunningFlow(self, flow_file, args, proc, time.monotonic(), run_id_file)

    def __call__(self, flow: str, *args: str, timeout: float = RUN_TIMEOUT, **kwargs) -> FlowResult:
        """Run ``python <flow> <args>`` and wait for it."""
        return self.start(flow, *args, **kwargs).wait(timeout)


def flow_class_name(flow_file: Path) -> str:
    match = _CLASS_RE.search(Path(flow_file).read_text())
    assert match, "no FlowSpec subclass in %s" % flow_file
    return match.group(1)


def process_gone(pid: int, within: float = 10.0) -> bool:
    """True once ``pid`` has exited (a zombie counts), waiting up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        try:
            with open("/proc/%d/stat" % pid) as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                return True
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def wait_for_file(path: Path, within: float = 30.0) -> bool:
    """True once ``path`` exists, waiting up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- fixtures ---------------------------------------------------------------------------------

@pytest.fixture(params=LAUNCHERS)
def launcher(request, monkeypatch) -> str:
    """Run the test once with each launcher; runs started by ``run_flow`` use it."""
    monkeypatch.setenv("DUOFLOW_LAUNCHER", request.param)
    return request.param


@pytest.fixture
def run_flow(tmp_path) -> FlowRunner:
    """``run_flow("linear_flow.py", "run", "--alpha", "0.5")`` -> :class:`FlowResult`."""
    return FlowRunner(tmp_path)


@pytest.fixture(scope="session")
def make_runner(tmp_path_factory):
    """``make_runner(launcher=None)`` -> a :class:`FlowRunner` in a fresh temporary directory."""
    def make(launcher: Optional[str] = None, name: str = "flows") -> FlowRunner:
        return FlowRunner(tmp_path_factory.mktemp(name), launcher=launcher)
    return make


@pytest.fixture(scope="session")
def shared_run(make_runner):
    """One run per (flow, args, launcher) for the whole session; tests only read it."""
    cache: Dict[tuple, FlowResult] = {}

    def get(flow: str, *args: str, launcher: Optional[str] = None,
            env: Optional[Dict[str, Optional[str]]] = None) -> FlowResult:
        key = (flow, tuple(args), launcher, tuple(sorted((env or {}).items())))
        if key not in cache:
            runner = make_runner(launcher=launcher, name=Path(flow).stem)
            cache[key] = runner(flow, *args, env=env)
        return cache[key]
    return get


@pytest.fixture(scope="session")
def wait_gone():
    """``wait_gone(pid)`` -> True once the process has exited (waits up to 10 s)."""
    return process_gone


@pytest.fixture(scope="session")
def wait_for():
    """``wait_for(path)`` -> True once the file exists (waits up to 30 s)."""
    return wait_for_file
