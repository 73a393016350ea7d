"""S3 tests against a real S3-compatible server over HTTP: moto in server mode (the fixtures
``moto_server``, ``s3``, ``bucket`` and ``s3_root`` of ``tests/python/s3_server.py``).

Fixtures:
- ``s3_flow(flow, *args, root=..., env=...)``: copy ``tests/python/flows/<flow>`` into tmp_path and
  run it there with the S3 root; returns an :class:`S3Result`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from s3_server import child_env  # noqa: E402

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"
HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _fresh_client_state():
    from duoflow.client.state import _state

    _state.reset()
    yield
    _state.reset()


class S3Result:
    def __init__(self, proc: subprocess.CompletedProcess, flow_file: Path, root: str, run_id_file: Path):
        self.returncode, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        self.flow_file, self.root, self.run_id_file = flow_file, root, run_id_file

    @property
    def output(self) -> str:
        return self.stdout + "\n" + self.stderr

    def describe(self) -> str:
        return "exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self.returncode, self.stdout, self.stderr)

    @property
    def run_id(self) -> str:
        return self.run_id_file.read_text().strip()


@pytest.fixture
def s3_flow(moto_server, s3_root, tmp_path):
    def run(flow: str, *args: str, root: str = None, env=None, with_root: bool = True) -> S3Result:
        source = FLOWS_DIR / flow if (FLOWS_DIR / flow).exists() else HERE / "flows" / flow
        target = tmp_path / flow
        if not target.exists():
            shutil.copy(source, target)
        id_file = tmp_path / ("run-id-%d" % time.monotonic_ns())
        command = [sys.executable, str(target)] + list(args)
        if args and args[0] in ("run", "resume"):
            command += ["--run-id-file", str(id_file)]
        if with_root:
            command += ["--datastore-root", root or s3_root]
        full_env = child_env()
        full_env.pop("DUOFLOW_DATASTORE_ROOT", None)
        full_env.update(env or {})
        proc = subprocess.run(command, cwd=str(tmp_path), env=full_env, capture_output=True, text=True, timeout=120)
        return S3Result(proc, target, root or s3_root, id_file)

    return run
