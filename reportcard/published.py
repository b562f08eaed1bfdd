"""The data packages as published with the site: the validated files, safe to open in a spreadsheet.

Each package is written to `data/<package>/` with its `datapackage.json` (stamped with the data
version) and its files, so `frictionless validate data/<package>/datapackage.json` works on the
published copy. CSV text cells that would start a spreadsheet formula get a leading apostrophe,
as on every other download; numbers and all other cells are written back unchanged.
A zip of all packages, with a README naming the version, licence and sources, sits beside them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .contract import PACKAGES
from .contract_docs import describe_package
from .dataset import Dataset
from .downloads import NUMBER, safe_cell
from .provenance import DataVersion
from .site_files import keep_file, recorded_key, write_file
from .tables import BOM, resource_path

ZIP_NAME = "all-data.zip"
# Fixed timestamp inside zips, so the same files give a byte-identical archive.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
#: Deflate level 1: the England data (83 MB of CSV) zips to 13 MB in 0.6 s, against 10 MB in 2.6 s at the
#: default level 6, and that was CPU taken from the page processes in every build that changed the data.
_ZIP_LEVEL = 1


@dataclass(frozen=True)
class PublishedResource:
    package: str
    resource: str
    title: str
    path: str  # relative to the site root
    rows: int | None  # None for files that are not tables (boundaries)
    bytes: int


#: A cell that may start a formula: = + - @ tab (or a quoted CR) at the start of a field, unless the whole
#: field is a number like -3.2 or +.5 (the same test as `downloads.safe_cell`).
_FIELD_END = r'(?=,|\r?\n|\Z)'
_MAYBE_FORMULA = re.compile(rf'(?:^|,)(?:"?[=@\t]|"\r|"[+-](?!{NUMBER}"{_FIELD_END})|[+-](?!{NUMBER}{_FIELD_END}))', re.MULTILINE)
#: Every place the pattern above can match, after the first field, starts like this. One character class and no
#: alternation: the scan is three times faster on a 90 MB file (the file's first character is checked apart).
_FIELD_START = re.compile(r'[,\n]"?[=@\t\r+-]')


def safe_csv(text: str) -> str:
    """The same CSV with formula-starting text cells neutralised; quoting is normalised, values are not.

    Most files have no such cell: those are returned unchanged (byte for byte, and without parsing
    a million rows through the csv module).
    """
    if not _may_hold_formula(text):
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text)):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


#: Bytes mapped so that `_FIELD_START` becomes two plain substrings: b",S" and b',"S' (S for a character that may start
#: a formula, "," for a field's end, the quote kept, "x" for the rest). The characters it looks for are ASCII, and in
#: UTF-8 an ASCII byte is always that character.
_FIELD_TABLE = bytes(ord("S") if b in b'=@\t\r+-' else ord(",") if b in b",\n" else b if b == ord('"') else ord("x") for b in range(256))


def _may_hold_formula(text: str) -> bool:
    """Whether any field may start a formula. A regular expression scanned the England observations (86 MB) at 85 MB/s;
    mapped to three classes of byte, two substring searches tell in a third of the time that no field starts that
    way. Where one may, each such place is checked where it is."""
    if text[:1] in '"=@\t\r+-' and _MAYBE_FORMULA.match(text):
        return True
    if not _fields_may_start_formula(text.encode("utf-8", "surrogatepass")):
        return False
    return any(_MAYBE_FORMULA.match(text, start.start() + (text[start.start()] == "\n")) for start in _FIELD_START.finditer(text))


def _fields_may_start_formula(content: bytes) -> bool:
    """Whether any field after the first may start a formula, judged on the bytes of UTF-8 text."""
    classes = content.translate(_FIELD_TABLE)
    return b",S" in classes or b',"S' in classes


def published_csv(raw: bytes) -> bytes:
    """A CSV file's bytes as published: `safe_csv` of its text (read as `read_text` reads it, newlines too). A file with
    no byte-order mark, no carriage return and no field that may start a formula is that text already: it is judged on
    its bytes and published as it is (decoding 90 MB and encoding it back took 0.3 s a build, to change nothing)."""
    if raw[:1] and raw[:1] not in b'"=@\t\r+-' and not raw.startswith(BOM) and b"\r" not in raw and not _fields_may_start_formula(raw):
        return raw
    return safe_csv(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig").read()).encode("utf-8")


def publish_packages(dataset: Dataset, output: Path, version: DataVersion) -> list[PublishedResource]:
    """Write every package under output/data/; return what was written, for the data page and `write_zip`."""
    published = []
    for name in PACKAGES:
        package = dataset.packages.get(name)
        if package is None:
            continue
        folder = output / "data" / name
        descriptor = dict(package.descriptor, data_version=version.id)
        write_file(folder / "datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        for resource in package.descriptor.get("resources", []):
            source = resource_path(package.folder, resource)
            if source is None or not source.is_file():
                continue
            target, raw = folder / resource["path"], source.read_bytes()
            if source.suffix.lower() != ".csv":
                write_file(target, raw)
            else:  # the formula scan of a 90 MB file takes a second: skipped when the source is unchanged
                key = "safe-csv:" + hashlib.sha256(raw).hexdigest()
                if not keep_file(target, key):
                    write_file(target, published_csv(raw), key)
            table = dataset.tables.get((name, resource["name"]))
            rows = int((~table.blank).sum()) if table is not None else None
            published.append(PublishedResource(name, resource["name"], resource.get("title", resource["name"]),
                                               target.relative_to(output).as_posix(), rows, target.stat().st_size))
    return published


def readme_text(dataset: Dataset, published: list[PublishedResource], version: DataVersion, site_name: str, licence: str) -> str:
    """Plain-text README for the zip: what each file is, which version, under which licence, from which sources."""
    lines = [
        f"{site_name}: all data",
        "",
        f"Data version: {version.id} ({version.kind}{' of ' + version.date if version.date else ''}).",
        f"Licence: {licence}.",
        "Every package folder holds a datapackage.json (Frictionless Data Package) describing its files,",
        "their columns, types and rules. Check a package with: frictionless validate <package>/datapackage.json",
        "Text cells that would start a spreadsheet formula (= + - @) begin with an apostrophe.",
        "",
    ]
    for name in PACKAGES:
        package = dataset.packages.get(name)
        if package is None:
            continue
        described = describe_package(package)
        lines += [f"{name}/ - {described['title']}", f"  {described['description']}"]
        for source in package.descriptor.get("sources", []):
            lines.append(f"  Source: {source.get('title', '')} {source.get('path', '')}".rstrip())
        for resource in (p for p in published if p.package == name):
            rows = f", {resource.rows} rows" if resource.rows is not None else ""
            lines.append(f"  {resource.path.removeprefix('data/')}: {resource.title}{rows}")
        lines.append("")
    return "\n".join(lines)


def write_fixed_zip(target: Path | BinaryIO, members: Iterable[tuple[str, str | bytes]]) -> None:
    """A deflated zip of (name, content) in the order given, with fixed timestamps: same files, same bytes."""
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in members:
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL)


def write_zip(dataset: Dataset, output: Path, published: list[PublishedResource], version: DataVersion, site_name: str, licence: str) -> Path:
    path = output / "data" / ZIP_NAME
    files = sorted({p.path for p in published} | {f"data/{p.package}/datapackage.json" for p in published})
    readme = readme_text(dataset, published, version, site_name, licence)
    # Keyed by the README and the keys its files were written with this build, so an unchanged zip is linked, not made.
    keys = [f"{name} {recorded_key(output / name) or hashlib.sha256((output / name).read_bytes()).hexdigest()}" for name in files]
    key = "zip:" + hashlib.sha256("\n".join([str(_ZIP_LEVEL), readme, *keys]).encode()).hexdigest()
    if not keep_file(path, key):
        archive = io.BytesIO()
        write_fixed_zip(archive, [("README.txt", readme), *((name.removeprefix("data/"), (output / name).read_bytes()) for name in files)])
        write_file(path, archive.getvalue(), key)
    return path
