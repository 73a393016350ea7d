"""Ten ``python flow.py tag add`` processes on one run at once keep all ten tags, on local files
and on S3 (the moto server): each edit applies to the tags as the previous one left them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from s3_server import child_env

FLOWS = Path(__file__).resolve().parents[1] / "flows"


@pytest.fixture(params=["local", "s3"])
def root(request, tmp_path):
    if request.param == "local":
        return str(tmp_path / "store")
    return request.getfixturevalue("s3_root")


def flow_command(tmp_path, root, *args):
    flow = tmp_path / "linear_flow.py"
    if not flow.exists():
        shutil.copy(FLOWS / "linear_flow.py", flow)
    return [sys.executable, str(flow)] + list(args) + ["--datastore-root", root]


def test_ten_tag_adds_at_once_keep_all_ten(tmp_path, root):
    env = child_env()
    env.pop("DUOFLOW_DATASTORE_ROOT", None)
    id_file = tmp_path / "run-id"
    subprocess.run(flow_command(tmp_path, root, "run", "--quiet", "--tag", "launch", "--run-id-file", str(id_file)),
                   cwd=str(tmp_path), env=env, check=True, capture_output=True, timeout=120)
    run_id = id_file.read_text().strip()

    started, ended, procs = [], [], []
    for i in range(10):
        started.append(time.monotonic())
        procs.append(subprocess.Popen(flow_command(tmp_path, root, "tag", "add", "--run-id", run_id, "t%d" % i),
                                      cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        ended.append(time.monotonic())
        assert proc.returncode == 0, err
    assert max(started) < min(ended), "the ten edits did not overlap"

    listed = subprocess.run(flow_command(tmp_path, root, "tag", "list", "--run-id", run_id), cwd=str(tmp_path),
                            env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    for tag in ["launch"] + ["t%d" % i for i in range(10)]:
        assert tag in listed.stdout, (tag, listed.stdout)
    if not root.startswith("s3://"):
        stored = json.loads((Path(root) / "LinearFlow" / "runs" / run_id / "tags.json").read_text())
        assert sorted(stored["tags"]) == sorted(["launch"] + ["t%d" % i for i in range(10)])
