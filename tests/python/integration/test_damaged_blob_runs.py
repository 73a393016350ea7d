"""Whole runs over a damaged blob: a byte flipped in a blob used to poison every later run that
stored the same value (the producing task was recorded successful, the next step failed with a
hint that could not work). Now the later run's store repairs the blob, and every task recorded
successful has artifacts that read back."""

from __future__ import annotations

import json
import os
from pathlib import Path

from duoflow.datastore.cas import digest

FLOW = '''
from duoflow import FlowSpec, step


class RepairFlow(FlowSpec):
    @step
    def start(self):
        self.numbers = list(range(5000))
        self.next(self.total)

    @step
    def total(self):
        self.sum = sum(self.numbers)
        self.next(self.end)

    @step
    def end(self):
        assert self.sum == 5000 * 4999 // 2


if __name__ == "__main__":
    RepairFlow()
'''


def write_flow(runner) -> Path:
    path = runner.workdir / "repair_flow.py"
    path.write_text(FLOW)
    return path


def numbers_blob(result) -> Path:
    task = result.task_dir("start")
    sha = json.loads((task / "artifacts.json").read_text())["numbers"]["sha"]
    return result.store / "RepairFlow" / "blobs" / sha[:2] / sha


def test_a_later_run_repairs_the_damaged_blob_and_succeeds(run_flow):
    flow = write_flow(run_flow)
    first = run_flow("repair_flow.py", "run", flow_path=flow)
    assert first.returncode == 0, first.describe()
    blob = numbers_blob(first)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.chmod(blob, 0o644)
    blob.write_bytes(bytes(data))

    second = run_flow("repair_flow.py", "run", flow_path=flow)
    assert second.returncode == 0, second.describe()
    assert numbers_blob(second) == blob
    assert digest(blob.read_bytes()) == blob.name
    # The first run's tasks point at the same address: they read back again too.
    dumped = first.cli("dump", first.pathspec("start"), "--json")
    assert dumped.returncode == 0, dumped.describe()
    assert json.loads(dumped.stdout)["numbers"]["value"] == list(range(5000))


def test_a_truncated_blob_is_repaired_too(run_flow):
    flow = write_flow(run_flow)
    first = run_flow("repair_flow.py", "run", flow_path=flow)
    assert first.returncode == 0, first.describe()
    blob = numbers_blob(first)
    os.chmod(blob, 0o644)
    blob.write_bytes(blob.read_bytes()[:7])
    second = run_flow("repair_flow.py", "run", flow_path=flow)
    assert second.returncode == 0, second.describe()
    assert digest(blob.read_bytes()) == blob.name
