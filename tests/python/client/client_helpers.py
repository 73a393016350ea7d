"""Helpers for the client tests (a module of its own: two conftest.py files share one name).

- :class:`Store` copies flow files from ``tests/python/client/flows`` into its directory and runs
  them as a user would (``python flow.py run --datastore-root <store>``, with ``DUOFLOW_USER`` set
  to the user the run belongs to). ``store.run(...)`` returns the run id.
- :func:`kill_group`, :func:`wait_for`: for runs started in the background.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Optional

HERE = Path(__file__).resolve().parent
FLOWS = HERE / "flows"
REPO_PYTHON = HERE.parents[2] / "python"
RUN_TIMEOUT = 60


def flow_env(user: str, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of a run: as user ``user``, importing the same duoflow as this process."""
    env = dict(os.environ)
    env.pop("DUOFLOW_DATASTORE_ROOT", None)
    env["DUOFLOW_USER"] = user
    spec = importlib.util.find_spec("duoflow")
    source = str(Path(spec.origin).resolve().parents[1]) if spec and spec.origin else str(REPO_PYTHON)
    paths = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([source] + [p for p in paths if p != source])
    env.update(extra or {})
    return env


class Store:
    """A working directory with flow files and a datastore (``<dir>/store``)."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.root = self.dir / "store"
        self._count = 0

    def flow_file(self, flow: str) -> Path:
        target = self.dir / flow
        if not target.exists():
            shutil.copyfile(FLOWS / flow, target)
        return target

    def command(self, flow: str, *args: str) -> list:
        return [sys.executable, str(self.flow_file(flow)), *args, "--datastore-root", str(self.root)]

    def run(self, flow: str, *args: str, user: str = "alice", ok: bool = True) -> str:
        """Run the flow and return its run id (``ok=False``: the run is expected to fail)."""
        self._count += 1
        id_file = self.dir / ("run-%d.id" % self._count)
        proc = subprocess.run(self.command(flow, "run", *args, "--run-id-file", str(id_file)),
                              cwd=str(self.dir), env=flow_env(user), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
        described = "exit %d\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
        assert (proc.returncode == 0) == ok, described
        assert id_file.exists(), described
        return id_file.read_text().strip()

    def start(self, flow: str, *args: str, user: str = "alice") -> subprocess.Popen:
        """Start a run in the background (its own process group, so it can be killed whole)."""
        return subprocess.Popen(self.command(flow, "run", *args), cwd=str(self.dir), env=flow_env(user),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)

    def run_dir(self, flow_name: str, run_id: str) -> Path:
        return self.root / flow_name / "runs" / run_id


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL a process started by :meth:`Store.start` and its children; reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=RUN_TIMEOUT)


def wait_for(path: Path, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
