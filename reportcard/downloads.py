"""CSV files people download: safe to open in a spreadsheet, numbers left as numbers.

A text cell that starts with = + - @, a tab or a carriage return can run as a formula in Excel or
LibreOffice ("CSV injection"). Such cells get a leading apostrophe, which spreadsheets show as
text; a cell that is a plain number (including a negative one) is left alone.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

#: An unsigned number as spreadsheets read one (also used by `published.safe_csv`'s quick scan).
NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(rf"^[+-]?{NUMBER}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


class Lines(list):
    """Rows already written as CSV lines by `csv_line` (a ward card keeps its lines from one build to the next)."""


_line = io.StringIO()
_line_writer = csv.writer(_line, lineterminator="\n")


def csv_line(columns: list[tuple[str, str]], row: dict) -> str:
    """One row as `csv_text` writes it (a writer made once: a ward card asks for fifty lines)."""
    _line.seek(0)
    _line.truncate()
    _line_writer.writerow([safe_cell(row.get(key)) for key, _ in columns])
    return _line.getvalue()


def csv_text(columns: list[tuple[str, str]], rows: list[dict] | pd.DataFrame | Lines) -> str:
    """A header of column keys, then one line per row, every cell made safe.

    A frame (an indicator's 30,000 figures) is made safe once per distinct value and written by
    pandas, which quotes as the csv module does.
    """
    if isinstance(rows, pd.DataFrame):
        safe = pd.DataFrame({key: rows[key].map({v: safe_cell(v) for v in rows[key].dropna().unique().tolist()}) for key, _ in columns})
        return safe.to_csv(index=False, lineterminator="\n")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    if isinstance(rows, Lines):
        return out.getvalue() + "".join(rows)
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()
