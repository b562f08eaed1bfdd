"""Assemble fixture data folders: the contract's descriptors from data/ plus small CSVs from tests/fixtures.

A broken case is a folder holding only what differs from `base/` (so the mistake is easy to see)
and a `case.json` naming the exact problems the validator must report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "base"
BROKEN = FIXTURES / "broken"
PACKAGES = ("places", "indicators", "targets", "partnerships")


def assemble(target: Path, overlay: Path | None = None) -> Path:
    """Copy the contract descriptors and the base CSVs into `target`, then apply a broken case."""
    for package in PACKAGES:
        (target / package).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "data" / package / "datapackage.json", target / package / "datapackage.json")
        for path in (BASE / package).iterdir():
            shutil.copy(path, target / package / path.name)
    if overlay is None:
        return target
    case = json.loads((overlay / "case.json").read_text())
    for path in overlay.rglob("*"):
        if path.is_file() and path.name != "case.json":
            destination = target / path.relative_to(overlay)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, destination)
    for relative in case.get("remove", []):
        (target / relative).unlink()
    for package, resource, old, new in case.get("rename_fields", []):
        descriptor_path = target / package / "datapackage.json"
        descriptor = json.loads(descriptor_path.read_text())
        for field in next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]["fields"]:
            if field["name"] == old:
                field["name"] = new
        descriptor_path.write_text(json.dumps(descriptor, indent=2))
    return target


def broken_cases() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir() if (p / "case.json").is_file())


def expected(case: str) -> dict:
    return json.loads((BROKEN / case / "case.json").read_text())
