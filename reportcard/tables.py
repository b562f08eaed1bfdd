"""Reading a CSV resource into columns of text, with every row's spreadsheet row number.

The fast path hands the whole file to pyarrow's multi-threaded CSV reader. Only when a row is
ragged or blank (which pyarrow can only skip) does it re-read the file with Python's csv module,
so that every row keeps its exact number and the problem can be reported where it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .problems import DataProblem, error
from .wording import cell_message, hint

BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """Cells as text, one column per header label; rows that are blank are flagged, not dropped."""

    labels: list[str]
    columns: list[pa.Array]
    row_numbers: np.ndarray
    blank: np.ndarray
    structure: list[DataProblem]

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)


def resource_path(folder: Path, resource: dict) -> Path | None:
    """The resource's file, refusing paths that leave the package folder."""
    path = resource.get("path")
    if not isinstance(path, str) or not path or Path(path).is_absolute() or ".." in Path(path).parts:
        return None
    return folder / path


def check_file(package: str, resource: dict, path: Path | None) -> list[DataProblem]:
    """A resource file must exist, hold something, and be UTF-8 (a byte-order mark is allowed)."""
    name = resource.get("name", "")
    if path is None:
        return [error(package, name, None, None, "package-invalid", f"resource '{name}' has no safe relative path", hint("package-invalid"))]
    if not path.is_file():
        return [error(package, name, None, None, "file-missing", f"the file {path.name} does not exist", hint("file-missing"))]
    content = path.read_bytes()
    body = memoryview(content)[len(BOM):] if content.startswith(BOM) else content
    if not body or bytes(body[:4096]).isspace() and not bytes(body).strip():  # a copy of 90 MB only for a file that starts blank
        return [error(package, name, None, None, "file-empty", f"{path.name} is empty", hint("file-empty"))]
    try:
        if not content.isascii():  # ASCII is UTF-8: checked without making the text (0.1 s for the England observations)
            content.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = content[: exc.start]
        row = before.count(b"\n") + 1 if b"\n" in content else before.count(b"\r") + 1
        byte = content[exc.start : exc.start + 1].hex()
        message = f"byte 0x{byte} at position {exc.start} is not UTF-8 (the file was probably saved as Windows-1252 or Latin-1)"
        return [error(package, name, row, None, "encoding-error", message, hint("encoding-error"))]
    return []


def read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def read_raw(package: str, resource: str, path: Path, field_names: list[str]) -> RawTable:
    """Read a resource; `field_names` are the schema's names by position, used to name missing cells."""
    labels = read_header(path)
    width = len(labels)
    expected = min(width, len(field_names))
    table = _read_fast(path, width, expected)
    if table is not None:
        n = table.num_rows
        columns = [table.column(i).combine_chunks() for i in range(width)]
        return RawTable(labels, columns, np.arange(2, n + 2, dtype=np.int64), np.zeros(n, dtype=bool), [])
    return _read_exact(package, resource, path, labels, field_names[:expected])


def _read_fast(path: Path, width: int, expected: int) -> pa.Table | None:
    """pyarrow read of the body; None when any row is ragged or blank (then the exact path runs)."""
    irregular = []

    def note_irregular(row) -> str:
        irregular.append(row)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    try:
        return_table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=note_irregular),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if irregular:
        return None
    # Compared in Arrow: turning 3.5 million strings into Python objects to compare them took seconds.
    blank = None
    for i in range(expected):
        empty = pc.equal(return_table.column(i), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    return None if blank is not None and pc.any(blank).as_py() else return_table


def _read_exact(package: str, resource: str, path: Path, labels: list[str], field_names: list[str]) -> RawTable:
    """Row-by-row read that keeps ragged and blank rows in place and reports them."""
    width = len(labels)
    cells: list[list[str]] = [[] for _ in range(width)]
    numbers, blank, structure = [], [], []
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    for row_number, row in enumerate(reader, start=2):
        is_blank = all(c == "" for c in row[: len(field_names)])
        if is_blank:
            structure.append(error(package, resource, row_number, None, "blank-row", cell_message("blank-row", None, None), hint("blank-row")))
        else:
            for position in range(width, len(row)):
                structure.append(error(package, resource, row_number, None, "extra-cell",
                                       cell_message("extra-cell", None, row[position]), hint("extra-cell")))
            for position in range(len(row), len(field_names)):
                field = field_names[position]
                structure.append(error(package, resource, row_number, field, "missing-cell",
                                       cell_message("missing-cell", field, None), hint("missing-cell")))
        padded = (row + [""] * width)[:width]
        for i, value in enumerate(padded):
            cells[i].append(value)
        numbers.append(row_number)
        blank.append(is_blank)
    columns = [pa.array(column, type=pa.string()) for column in cells]
    return RawTable(labels, columns, np.asarray(numbers, dtype=np.int64), np.asarray(blank, dtype=bool), structure)
