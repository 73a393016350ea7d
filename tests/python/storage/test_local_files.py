"""What the local-files backend does on disk, with real flow runs: file modes follow the umask, a
datastore that cannot be written gives one clear error, and after a power loss a task whose files
did not reach the disk reads as not done."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from duoflow.datastore.flow_store import FlowStore
from duoflow.datastore.storage.local import LocalStorage

FLOW = '''
from duoflow import FlowSpec, step


class DiskFlow(FlowSpec):
    @step
    def start(self):
        self.big = list(range(5000))  # stored as a blob, not inline
        self.small = 1
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DiskFlow()
'''


def run_flow(tmp_path, *args, umask=None, check=True):
    flow = tmp_path / "disk_flow.py"
    flow.write_text(FLOW)
    env = dict(os.environ)
    env.pop("DUOFLOW_DATASTORE_ROOT", None)
    proc = subprocess.run([sys.executable, str(flow)] + list(args) + ["--datastore-root", str(tmp_path / "store")],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120,
                          umask=-1 if umask is None else umask)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def finished_run(tmp_path, *args, umask=None):
    run_flow(tmp_path, "run", "--quiet", "--run-id-file", str(tmp_path / "run-id"), *args, umask=umask)
    return (tmp_path / "run-id").read_text().strip()


# -- modes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_files_and_directories_follow_the_umask(tmp_path, umask):
    run_id = finished_run(tmp_path, umask=umask)
    run_flow(tmp_path, "tag", "add", "--run-id", run_id, "shared", umask=umask)
    store = tmp_path / "store"
    files = dirs = 0
    for path in [store] + list(store.rglob("*")):
        mode = stat.S_IMODE(path.lstat().st_mode)
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert mode == expected, "%s is %o, not %o" % (path, mode, expected)
        files += path.is_file()
        dirs += path.is_dir()
    assert files > 8 and dirs > 6  # blobs, code, run and task records, the tags and their lock
    assert not list(store.rglob(".tmp-*"))  # every temp file was renamed into place


# -- a datastore that cannot be written -------------------------------------------------------
def make_read_only(path: Path):
    """Make ``path`` and everything below it unwritable, also for root (tests may run as root,
    where modes do not stop writes): the immutable attribute where the file system has it, else
    the modes. Returns the undo."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "-R", "+i", str(path)]).returncode != 0:
            pytest.skip("running as root on a file system without chattr +i: nothing makes it read-only")
        return lambda: subprocess.run(["chattr", "-R", "-i", str(path)], check=True)
    subprocess.run(["chmod", "-R", "a-w", str(path)], check=True)
    return lambda: subprocess.run(["chmod", "-R", "u+w", str(path)], check=True)


def test_a_read_only_datastore_gives_one_message_naming_it(tmp_path):
    run_id = finished_run(tmp_path)
    undo = make_read_only(tmp_path / "store")
    try:
        for args in (["run"], ["tag", "add", "--run-id", run_id, "more"]):
            proc = run_flow(tmp_path, *args, check=False)
            assert proc.returncode == 1, proc.stderr
            assert "Traceback" not in proc.stderr
            assert "The datastore at %s is read-only" % (tmp_path / "store") in proc.stderr, proc.stderr
            assert "Hint: Ask for write access" in proc.stderr
        shown = run_flow(tmp_path, "dump", run_id + "/start", check=False)  # reading still works
        assert shown.returncode == 0, shown.stderr
    finally:
        undo()


def test_a_file_where_the_datastore_needs_a_directory_is_named(tmp_path):
    """What a hand-made mess (or a stray copy) looks like: ``<Flow>/runs`` is a file."""
    (tmp_path / "store" / "DiskFlow").mkdir(parents=True)
    (tmp_path / "store" / "DiskFlow" / "runs").write_text("not a directory")
    proc = run_flow(tmp_path, "run", check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "a file stands where a directory belongs" in proc.stderr
    assert str(tmp_path / "store" / "DiskFlow" / "runs") in proc.stderr


# -- after a power loss -----------------------------------------------------------------------
def what_a_power_loss_leaves(task: Path, store: Path, damage: str) -> None:
    """The files as a crash may leave them when they were written but not yet synced: on ext4
    (delayed allocation) a new file comes back empty, and a rename that was not committed leaves
    the file it replaced (task.json's "running" version)."""
    index = json.loads((task / "artifacts.json").read_text())
    sha = index["big"]["sha"]
    blob = store / "DiskFlow" / "blobs" / sha[:2] / sha
    if damage == "task.json empty":
        (task / "task.json").write_bytes(b"")
    elif damage == "task.json from the attempt's start":
        record = json.loads((task / "task.json").read_text())
        (task / "task.json").write_text(json.dumps(dict(record, status="running")))
    elif damage == "artifacts.json empty":
        (task / "artifacts.json").write_bytes(b"")
    elif damage == "artifacts.json missing":
        (task / "artifacts.json").unlink()
    elif damage == "blob cut short":
        blob.write_bytes(blob.read_bytes()[:blob.stat().st_size // 2])
    elif damage == "blob missing":
        blob.unlink()


@pytest.mark.parametrize("damage", ["task.json empty", "task.json from the attempt's start", "artifacts.json empty",
                                    "artifacts.json missing", "blob cut short", "blob missing"])
def test_a_task_whose_files_did_not_reach_the_disk_is_not_done(tmp_path, damage):
    run_id = finished_run(tmp_path)
    store = tmp_path / "store"
    tasks = FlowStore(LocalStorage(str(store)), "DiskFlow")
    start_id = tasks.task_ids(run_id, "start")[0]
    task = tasks.task(run_id, "start", start_id)
    assert task.is_done()
    what_a_power_loss_leaves(store / "DiskFlow" / "runs" / run_id / "start" / start_id, store, damage)
    assert (store / "DiskFlow" / "runs" / run_id / "start" / start_id / "DONE").exists()
    assert not task.is_done()
