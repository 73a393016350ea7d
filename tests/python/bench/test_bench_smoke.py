"""Smoke test of the benchmarks: every benchmark flow's duoflow side runs, at tiny sizes, through
the real driver (bench/bench.py --quick --engines duoflow). No timing assertions, no Metaflow."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BENCH = REPO / "bench" / "bench.py"
FLOWS = REPO / "bench" / "flows"


def run_bench(tmp_path: Path, only: str) -> dict:
    out = tmp_path / "results"
    env = dict(os.environ, TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--engines", "duoflow", "--only", only,
                           "--out", str(out), "--metaflow-python", str(tmp_path / "no-metaflow")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = out.glob("bench-*.json")
    return json.loads(result.read_text())


def bench_module():
    """bench/bench.py, imported (its cases and helpers are what these tests check against)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    return bench


def quick_labels(cases: set) -> list:
    """The row labels a ``--quick`` run of ``cases`` has, from the benchmark's own definitions."""
    args = argparse.Namespace(quick=True, repeat=0, b2_widths=[10, 200, 1000])
    return [case.label for case in bench_module().build_cases(args) if case.key in cases]


PYTHON_CASES = {"B1", "B2", "B3", "B4", "B5", "B7"}


def test_python_benchmark_flows_run(tmp_path):
    data = run_bench(tmp_path, ",".join(sorted(PYTHON_CASES)))
    assert [row["label"] for row in data["rows"]] == quick_labels(PYTHON_CASES)
    assert {row["case"] for row in data["rows"]} == PYTHON_CASES
    for row in data["rows"]:
        (sample,) = row["engines"]["duoflow"]["samples"]
        assert sample["wall"] > 0 and sample["rss"] > 0


def r_package_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    env = dict(os.environ)
    if (REPO / ".rlib").is_dir():
        env.setdefault("R_LIBS", str(REPO / ".rlib"))
    return subprocess.run(["Rscript", "-e", "library(duoflow)"], env=env, capture_output=True).returncode == 0


@pytest.mark.skipif(not r_package_available(), reason="R or duoflow's R package is not installed")
def test_r_benchmark_flow_runs(tmp_path):
    data = run_bench(tmp_path, "B6")
    assert [row["label"] for row in data["rows"]] == quick_labels({"B6"})


def test_fixture_only_bench_flows_differ_from_metaflow_copies_only_in_the_import_line():
    """Fixture-only: checks the benchmark's flow files (through bench.py's import rewrite); no
    duoflow code runs."""
    bench = bench_module()
    for flow in FLOWS.glob("*.py"):
        source = flow.read_text()
        copy = bench.rewrite_import(source, "metaflow")
        changed = [(a, b) for a, b in zip(source.splitlines(), copy.splitlines()) if a != b]
        assert len(changed) == 1 and changed[0][1].startswith("from metaflow import "), flow.name
