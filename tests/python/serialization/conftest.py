"""Fixtures of the serialization tests: a fresh datastore per test and the round-trip rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "roundtrip"
sys.path.insert(0, str(FIXTURES))
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import duoflow  # noqa: F401
except ImportError:  # not installed: test the checkout's source
    sys.path.insert(0, str(REPO / "python"))

from stores import Store  # noqa: E402


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")
