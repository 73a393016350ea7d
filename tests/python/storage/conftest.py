"""The storage contract suite runs every test against each backend: ``storage`` is a fresh
LocalStorage (a temp directory) or S3Storage (a fresh bucket on the moto server). A new backend
joins by adding its name to BACKENDS and a branch to ``open_backend``.

``run_children(storage, op, args_list)`` starts one real process per entry of ``args_list``
(``storage_child.py``), lets them all get ready, then releases them at once (rendezvous files),
and returns what each printed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

BACKENDS = ["local", "s3"]
CHILD = Path(__file__).resolve().parent / "storage_child.py"


def open_backend(name: str, request, tmp_path):
    if name == "local":
        from duoflow.datastore.storage.local import LocalStorage

        return LocalStorage(str(tmp_path / "store"))
    from duoflow.datastore.storage.s3 import S3Storage

    return S3Storage(request.getfixturevalue("s3_root"))


@pytest.fixture(params=BACKENDS)
def storage(request, tmp_path):
    backend = open_backend(request.param, request, tmp_path)
    yield backend
    backend.flush()


@pytest.fixture
def run_children(tmp_path):
    from s3_server import child_env

    def run(storage, op: str, args_list, timeout: float = 120):
        meeting = tmp_path / ("meeting-%d" % time.monotonic_ns())
        meeting.mkdir()
        procs = [subprocess.Popen([sys.executable, str(CHILD), storage.root, str(meeting), str(i), op] + list(args),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
                 for i, args in enumerate(args_list)]
        deadline = time.time() + timeout
        while len(list(meeting.glob("ready-*"))) < len(procs):
            assert time.time() < deadline, "the children did not all get ready"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
            time.sleep(0.01)
        (meeting / "go").touch()
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=timeout)
            assert proc.returncode == 0, err
            outputs.append(out.strip())
        return outputs

    return run
