"""The round-trip table (tests/fixtures/roundtrip/rows/*.json), from Python: every row stored and
loaded through the real datastore path gives back exactly its value (or, for a documented lossy
corner, exactly the row's ``expected``), with the row's encoding, R class and inlining; and the
committed Python-written fixture artifacts (what the R tests read) still decode to those values.
Checks of the fixture files themselves (no product code) are in test_fixture_files.py."""

from __future__ import annotations

import json

import pytest
import rowlib
from same import assert_same

ROWS = rowlib.load_rows()


@pytest.fixture(autouse=True)
def r_objects_as_carriers(monkeypatch):
    """R-native rows load as RObject carriers here; the rpy2 view has its own tests."""
    monkeypatch.setenv("DUOFLOW_R_VIEW", "carrier")
IDS = ["%s/%s" % (row["family"], row["name"]) for row in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_row_round_trips_exactly(store, row):
    entry, loaded = store.roundtrip(rowlib.build(row), name=row["name"])
    assert entry["encoding"] == row["encoding"], entry
    assert entry.get("r_class") == row["r_class"], entry
    if "inline" in row:
        assert ("inline" in entry) == row["inline"], entry
    assert_same(loaded, rowlib.expected(row), check_order=row.get("check_order", False), path=row["name"])


# -- the committed fixture artifacts ------------------------------------------------------------

FIXTURE_ROWS = [row for row in ROWS if row.get("fixture", True)]


@pytest.fixture(scope="module")
def fixture_index():
    path = rowlib.STORE_DIR / rowlib.FLOW / "artifacts.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_blobs():
    from duoflow.datastore.cas import BlobStore
    from duoflow.datastore.storage.local import LocalStorage

    return BlobStore(LocalStorage(str(rowlib.STORE_DIR)), rowlib.FLOW)


@pytest.mark.parametrize("row", FIXTURE_ROWS, ids=[r["name"] for r in FIXTURE_ROWS])
def test_fixture_artifacts_decode(fixture_index, fixture_blobs, row):
    from duoflow.datastore.artifacts import load_value
    from duoflow.datastore.records import ArtifactEntry

    assert row["name"] in fixture_index, "regenerate: PYTHONPATH=python python3 tests/fixtures/roundtrip/make_fixtures.py"
    entry = fixture_index[row["name"]]
    assert entry["encoding"] == row["encoding"]
    loaded = load_value(fixture_blobs, row["name"], ArtifactEntry.from_json(entry), "fixtures")
    assert_same(loaded, rowlib.expected(row), check_order=row.get("check_order", False), path=row["name"])
