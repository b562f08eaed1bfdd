"""CSV downloads are safe to open in a spreadsheet, and numbers stay numbers."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportcard.downloads import Lines, csv_line, csv_text, safe_cell


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+44 161", "'+44 161"),
    ("-cmd", "'-cmd"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rCR", "'\rCR"),
    ("-2.5", "-2.5"),
    ("+3", "+3"),
    ("1e-5", "1e-5"),
    ("Sale Moor", "Sale Moor"),
    ("", ""),
    (None, ""),
    (41.8, "41.8"),
])
def test_safe_cell(cell, written):
    assert safe_cell(cell) == written


def test_csv_text_round_trips_with_safe_cells():
    text = csv_text([("area", "Area"), ("value", "Value")], [{"area": "=1+1", "value": "-0.4"}, {"area": "Hale", "value": ""}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["area", "value"], ["'=1+1", "-0.4"], ["Hale", ""]]


def test_kept_csv_lines_make_the_same_file_as_rows():
    """A ward card's CSV is joined from lines kept between builds: it must read exactly as one written from its rows."""
    columns = [("area", "Area"), ("note", "Note")]
    rows = [{"area": "=1+1", "note": 'said "no",\nthen yes'}, {"area": "Hale", "note": None}]
    assert csv_text(columns, Lines(csv_line(columns, row) for row in rows)) == csv_text(columns, rows)


def _written_by_pandas(columns, frame: pd.DataFrame) -> str:
    """How a frame was written before `csv_text` joined its cells itself: every cell made safe, then `to_csv`."""
    safe = pd.DataFrame({key: frame[key].map({v: safe_cell(v) for v in frame[key].dropna().unique().tolist()}) for key, _ in columns})
    return safe.to_csv(index=False, lineterminator="\n")


# (-0.0 + 0.0 is 0.0: a frame's distinct values are looked up in a dict, where -0.0 is 0.0; pages hand in figures as text.)
_CELLS = st.one_of(st.none(), st.just(float("nan")), st.floats(allow_nan=False, allow_infinity=False, width=32).map(lambda f: f + 0.0),
                   st.text(alphabet='ab ,"\n\r\t=+-@\'1.e', max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(_CELLS, min_size=width, max_size=width), max_size=12).map(
    lambda rows, width=width: (width, rows))))
def test_a_frame_is_written_as_pandas_wrote_it(shape):
    """Cells with commas, quotes, line breaks, formula starts, blanks and missing values, in one to four columns."""
    width, rows = shape
    columns = [(f"c{i}", f"C{i}") for i in range(width)]
    frame = pd.DataFrame(rows, columns=[key for key, _ in columns], dtype=object) if rows else pd.DataFrame(
        {key: pd.Series([], dtype=object) for key, _ in columns})
    assert csv_text(columns, frame) == _written_by_pandas(columns, frame)
    assert csv_text(columns, frame) == csv_text(columns, [dict(zip([k for k, _ in columns], ["" if pd.isna(c) else c for c in row], strict=True))
                                                            for row in rows])
