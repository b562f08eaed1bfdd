"""CSV downloads are safe to open in a spreadsheet, and numbers stay numbers."""

import csv
import io

import pytest

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
