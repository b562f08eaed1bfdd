"""CSV files people download: safe to open in a spreadsheet, numbers left as numbers.

A text cell that starts with = + - @, a tab or a carriage return can run as a formula in Excel or
LibreOffice ("CSV injection"). Such cells get a leading apostrophe, which spreadsheets show as
text; a cell that is a plain number (including a negative one) is left alone.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
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


def _written(cells: list[str]) -> str:
    """One line as the csv module writes it (a writer made once: a ward card asks for fifty lines)."""
    _line.seek(0)
    _line.truncate()
    _line_writer.writerow(cells)
    return _line.getvalue()


def csv_line(columns: list[tuple[str, str]], row: dict) -> str:
    """One row as `csv_text` writes it."""
    return _written([safe_cell(row.get(key)) for key, _ in columns])


def csv_text(columns: list[tuple[str, str]], rows: list[dict] | pd.DataFrame | Lines) -> str:
    """A header of column keys, then one line per row, every cell made safe.

    A frame (an indicator's 30,000 figures) is written column by column, each distinct value made
    safe and quoted once (`_frame_text`).
    """
    if isinstance(rows, pd.DataFrame):
        return _frame_text([key for key, _ in columns], rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    if isinstance(rows, Lines):
        return out.getvalue() + "".join(rows)
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _ in columns])
    return out.getvalue()


#: What makes the csv module quote a cell (comma, quote, line breaks); any other cell is written as it is.
_QUOTED = re.compile(r'[,"\r\n]')


def _quoted(text: str) -> str:
    """A cell as the csv module writes it among others (quoted only where `_QUOTED` finds something)."""
    return _written([text])[:-1] if _QUOTED.search(text) else text


def _frame_text(keys: list[str], frame: pd.DataFrame) -> str:
    """A frame as `csv_text` writes rows, missing cells empty. Pandas' `to_csv`, with every cell made safe first by a
    mapping per column, took 0.5 s an indicator at England scale (about 20 CPU-seconds of a cold build); joining the
    cells, each distinct value made safe and quoted once, takes 0.1 s."""
    empty = '""' if len(keys) == 1 else ""  # the csv module writes a line of one empty cell as a quoted empty string
    columns = []
    for key in keys:
        codes, distinct = pd.factorize(frame[key])  # a missing cell's code is -1: the last cell, empty
        cells = np.array([_quoted(safe_cell(value)) or empty for value in distinct.tolist()] + [empty], dtype=object)
        columns.append(cells[codes].tolist())
    return "".join([",".join(map(_quoted, keys)), "\n", *(",".join(row) + "\n" for row in zip(*columns, strict=True))])
