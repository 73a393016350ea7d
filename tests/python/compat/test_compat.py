"""The differential cases of tests/compat, duoflow's side: each flow (written for Metaflow, its
import line changed) gives what the case expects. ``make compat`` also runs them on Metaflow."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

COMPAT_DIR = Path(__file__).resolve().parents[2] / "compat"
sys.path.insert(0, str(COMPAT_DIR))

import harness  # noqa: E402
from cases import CASES  # noqa: E402


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gives_what_metaflow_documents(case, tmp_path):
    outcome = harness.run_case(case, "duoflow", sys.executable, tmp_path)
    assert outcome.summary() == harness.expected(case), outcome.output
