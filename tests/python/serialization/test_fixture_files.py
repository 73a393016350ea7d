"""Fixture-only checks: these tests read the round-trip table (tests/fixtures/roundtrip/rows) and
the committed fixture store, and run no duoflow code. They keep the fixtures honest (every row
documented, each lossy row really lossy, the rows the issue lists present, the store small); what
the product does with those rows is tested in test_serialization_table.py and by the R tests."""

from __future__ import annotations

import pytest
import rowlib
from same import assert_same

ROWS = rowlib.load_rows()


@pytest.mark.parametrize("row", [r for r in ROWS if "lossy" in r], ids=lambda r: r["name"])
def test_lossy_rows_say_what_is_lost(row):
    """A lossy corner is a row with its exact expected result, not a surprise."""
    assert row["lossy"].strip() and "expected" in row
    with pytest.raises(AssertionError):  # it really differs from the original...
        _assert_identity_kept(row)


def _assert_identity_kept(row):
    value = rowlib.build(row)
    loaded = rowlib.expected(row)
    assert_same(loaded, value)
    if isinstance(value, list) and len(value) == 2:
        assert (loaded[0] is loaded[1]) == (value[0] is value[1])


def test_every_row_documents_its_r_view():
    for row in ROWS:
        assert "r_class" in row and "r_view" in row, row["name"]
        assert row["encoding"] in ("json", "bytes", "ndarray", "arrow", "rds", "cloudpickle"), row["name"]


def test_issue_rows_are_all_covered():
    """The Python rows the issue lists, each present in the table."""
    names = {row["name"] for row in ROWS}
    wanted = {"none", "bool_true", "int_big", "float", "str_utf8", "bytes", "list_mixed", "tuple",
              "dict_nonstr_keys", "set", "int32", "float64_special", "bool", "matrix_c_order",
              "matrix_f_order", "array_3d", "masked_int32", "frame_mixed", "frame_zero_rows",
              "series_nullable_int", "categorical", "series_tz", "date"}
    assert wanted <= names, wanted - names


def test_fixture_store_is_small():
    total = sum(p.stat().st_size for p in rowlib.STORE_DIR.rglob("*") if p.is_file())
    assert total < 200_000, total
