"""Frictionless's own fixtures and expected reports (frictionless 5.21.0, in shared/data/real) as an oracle.

Every error Frictionless reports for a table fixture must come through both engines with the same
row and field. Tables are checked against the schema Frictionless infers for them, as it did when
the expected reports were made.
"""

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from frictionless import Resource
from hypothesis import given
from hypothesis import strategies as st

from reportcard.frictionless_check import validate_resources
from reportcard.schema_check import check_foreign_keys, check_table
from reportcard.tables import check_file, read_raw

ORACLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "frictionless_py_fixtures"
if not ORACLE.is_dir():
    ORACLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real" / "frictionless_py_fixtures"
pytestmark = pytest.mark.skipif(not ORACLE.is_dir(), reason="shared/data/real is not beside this checkout")

# Our file checks name two of Frictionless's codes more plainly.
SAME_AS = {"source-error": "file-empty"}


def _expected() -> dict[str, set]:
    rows = csv.DictReader((ORACLE / "expected_reports" / "errors.csv").open(encoding="utf-8"))
    found = defaultdict(set)
    for r in rows:
        if r["kind"] == "table":
            row = int(r["rowNumber"]) if r["rowNumber"] else (1 if r["type"].endswith("-label") else None)
            found[r["target"]].add((row, r["fieldName"] or None, SAME_AS.get(r["type"], r["type"])))
    return found


EXPECTED = _expected() if ORACLE.is_dir() else {}
VALID_TABLES = [] if not ORACLE.is_dir() else [
    t["target"] for t in json.loads((ORACLE / "expected_reports" / "summary.json").read_text())
    if t["kind"] == "table" and t["valid"]
]


def _inferred_resource(path: Path) -> dict:
    resource = Resource(path=path.name, basepath=str(path.parent))
    resource.infer()
    descriptor = resource.to_descriptor()
    descriptor["name"] = "table"
    return descriptor


def _vector(path: Path) -> set:
    descriptor = {"name": "table", "path": path.name, "schema": None}
    problems = check_file("oracle", descriptor, path)
    if problems:
        return {(p.row, p.field, p.code) for p in problems}
    descriptor = _inferred_resource(path)
    raw = read_raw("oracle", "table", path, [f["name"] for f in descriptor["schema"]["fields"]])
    problems, table = check_table("oracle", descriptor, raw)
    problems += check_foreign_keys("oracle", descriptor, {"table": table})
    return {(p.row, p.field, p.code) for p in problems}


def _frictionless(path: Path) -> set:
    descriptor = _inferred_resource(path)
    package = {"name": "oracle", "resources": [descriptor]}
    return {(p.row, p.field, p.code) for p in validate_resources("oracle", package, str(path.parent), ["table"])}


# Frictionless guesses the header row of a table with a comment line above it; this project's CSV
# dialect has the header in row 1, always, so countries.csv reads differently (by design).
HEADER_GUESSED = {"countries.csv"}


@pytest.mark.parametrize("target", sorted(set(EXPECTED) - HEADER_GUESSED))
def test_vector_engine_reports_what_frictionless_reported(target):
    assert _vector(ORACLE / "data" / target) == EXPECTED[target]


@pytest.mark.parametrize("target", sorted(t for t in EXPECTED if t not in {"empty.csv"} | HEADER_GUESSED))
def test_frictionless_engine_reports_what_frictionless_reported(target):
    assert _frictionless(ORACLE / "data" / target) == EXPECTED[target]


@pytest.mark.parametrize("target", sorted(VALID_TABLES))
def test_valid_tables_stay_valid(target):
    path = ORACLE / "data" / target
    if path.suffix != ".csv":
        pytest.skip("only CSV is a resource format of this project")
    if target == "latin1.csv":
        # Frictionless guesses the encoding; the data contract requires UTF-8 and says where it is not.
        assert _vector(path) == {(3, None, "encoding-error")}
        return
    assert _vector(path) == set()


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from(["x", "y", "z"]), st.integers(0, 3)), max_size=30))
def test_the_key_count_finds_every_repeated_or_empty_key(rows):
    """The fast test of a primary key (`_surely_unique`) says "unique" only where pandas finds no repeat and no gap."""
    import pandas as pd

    from reportcard.schema_check import _surely_unique

    frame = pd.DataFrame(rows, columns=["indicator", "area", "year"]).astype({"indicator": "category", "area": "category"})
    key = ["indicator", "area"]
    clean = not frame[key].isna().any().any() and not frame[key].duplicated().any()
    assert _surely_unique(frame, key) == clean
    assert not _surely_unique(frame, ["indicator", "year"])  # a column that is not categorical: left to pandas
