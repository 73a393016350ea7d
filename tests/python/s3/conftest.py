"""S3 tests against a real S3-compatible server over HTTP: moto in server mode, started once per
session on 127.0.0.1 with a free port (a subprocess, so forking tasks never share its threads),
and stopped at the end. boto3 talks to it as it would to AWS: no patched clients.

Fixtures:
- ``moto_server``: ``{"endpoint": url, "port": n}``; sets dummy AWS credentials, the region and
  ``DUOFLOW_S3_ENDPOINT_URL`` for the whole session (flows inherit them).
- ``s3``: a boto3 client on that server.
- ``bucket``: a fresh bucket per test; ``s3_root``: ``s3://<bucket>/store``.
- ``s3_flow(flow, *args, root=..., env=...)``: copy ``tests/python/flows/<flow>`` into tmp_path and
  run it there with the S3 root; returns an :class:`S3Result`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto")

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(extra=None) -> dict:
    """The environment for the processes these tests start. Without R's LD_LIBRARY_PATH: rpy2
    (the cross-language tests, earlier in the session) puts it into os.environ, and it makes a
    pyenv-built interpreter load the system's libpython, where `import ssl` (so boto3) fails."""
    env = dict(os.environ)
    if "/R/lib" in env.get("LD_LIBRARY_PATH", ""):
        env.pop("LD_LIBRARY_PATH")
    env.update(extra or {})
    return env


def start_moto(port: int, log_dir: str = None) -> subprocess.Popen:
    log_path = os.path.join(log_dir or tempfile.gettempdir(), "moto-%d.log" % port)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=child_env())
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/moto-api/" % port, timeout=1).read()
            return proc
        except Exception:
            if proc.poll() is not None:
                with open(log_path, errors="replace") as log:
                    raise RuntimeError("moto server exited with %s:\n%s" % (proc.returncode, log.read()[-3000:]))
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto server did not start on port %d" % port)


SESSION_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-key-id",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-do-not-print",
    "AWS_SESSION_TOKEN": "testing-session-token",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "DUOFLOW_S3_MAX_ATTEMPTS": "4",
}


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    port = free_port()
    proc = start_moto(port, str(tmp_path_factory.mktemp("moto")))
    endpoint = "http://127.0.0.1:%d" % port
    saved = {k: os.environ.get(k) for k in list(SESSION_ENV) + ["DUOFLOW_S3_ENDPOINT_URL", "DUOFLOW_S3_CACHE_DIR"]}
    os.environ.update(SESSION_ENV)
    os.environ["DUOFLOW_S3_ENDPOINT_URL"] = endpoint
    os.environ["DUOFLOW_S3_CACHE_DIR"] = str(tmp_path_factory.mktemp("s3cache"))
    try:
        yield {"endpoint": endpoint, "port": port}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def s3(moto_server):
    return boto3.client("s3", endpoint_url=moto_server["endpoint"], region_name="us-east-1")


@pytest.fixture
def bucket(s3):
    name = "duoflow-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_root(bucket):
    return "s3://%s/store" % bucket


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
