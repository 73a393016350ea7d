"""A real S3-compatible server for the tests: moto in server mode, on 127.0.0.1 with a free port (a
subprocess, so forking tasks never share its threads). boto3 talks to it as it would to AWS: no
patched clients. Shared by the S3 tests (``tests/python/s3``) and the storage contract suite
(``tests/python/storage``), whose conftest files import the fixtures from here.

Fixtures:
- ``moto_server`` (session): ``{"endpoint": url, "port": n}``; sets dummy AWS credentials, the
  region and ``DUOFLOW_S3_ENDPOINT_URL`` for the whole session (flows inherit them).
- ``s3``: a boto3 client on that server.
- ``bucket``: a fresh bucket per test; ``s3_root``: ``s3://<bucket>/store``.

Run as a script (``python s3_server.py PORT``) it is the server itself: moto's application, with
conditional writes (``If-Match`` / ``If-None-Match``) applied one at a time. S3 applies each
conditional write atomically; moto checks the condition and then stores the object in two Python
steps, and runs requests in threads, so two racing writes could otherwise both pass the check.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import pytest

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
        proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), str(port)],
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


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    pytest.importorskip("boto3")
    pytest.importorskip("moto")
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
    import boto3

    return boto3.client("s3", endpoint_url=moto_server["endpoint"], region_name="us-east-1")


@pytest.fixture
def bucket(s3):
    name = "duoflow-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_root(bucket):
    return "s3://%s/store" % bucket


def serve(port: int) -> None:
    """moto's server (as ``python -m moto.server``), conditional writes one at a time."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    app = DomainDispatcherApplication(create_backend_app)
    conditional = threading.Lock()

    def one_conditional_write_at_a_time(environ, start_response):
        if environ.get("REQUEST_METHOD") == "PUT" and ("HTTP_IF_MATCH" in environ or "HTTP_IF_NONE_MATCH" in environ):
            with conditional:
                return list(app(environ, start_response))
        return app(environ, start_response)

    run_simple("127.0.0.1", port, one_conditional_write_at_a_time, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
