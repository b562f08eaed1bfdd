"""Schema validation by Frictionless itself, turned into DataProblems.

This is the reference engine: it is used for packages small enough to check row by row, and the
tests run it beside the vectorised engine (`schema_check`) to prove they agree.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import frictionless
from frictionless import FrictionlessException, Package

from . import schema_check, wording
from .problems import DataProblem, error
from .schema_check import label_problem
from .wording import cell_message, hint

LABEL_CODES = {"blank-label", "duplicate-label", "incorrect-label", "missing-label", "extra-label"}
CELL_CODES = {"type-error", "constraint-error", "missing-cell", "extra-cell", "unique-error", "blank-row"}


def descriptor_problems(package: str, descriptor: dict, basepath: str) -> list[DataProblem]:
    """Frictionless's verdict on the descriptor alone (profile, schema syntax, keys)."""
    try:
        Package.from_descriptor(copy.deepcopy(descriptor), basepath=basepath)
    except FrictionlessException as exc:
        reasons = getattr(exc, "reasons", None) or [exc.error]
        return [error(package, "", None, None, "package-invalid", f"datapackage.json: {getattr(r, 'note', None) or r.message}",
                      hint("package-invalid")) for r in reasons]
    return []


def validate_resources(package: str, descriptor: dict, basepath: str, resource_names: list[str],
                       cache: Path | None = None) -> list[DataProblem]:
    """Row-by-row Frictionless validation of the named resources (the ones whose files are readable).

    With `cache`, the verdict is kept under a hash of the descriptor, every file the resources read
    and the code that words the problems: the same bytes checked the same way give the same
    problems, so an unchanged package is not checked row by row again.
    """
    if cache is None:
        return _validate_resources(package, descriptor, basepath, resource_names)
    digest = hashlib.sha256(json.dumps([frictionless.__version__, package, descriptor, sorted(resource_names)], sort_keys=True).encode())
    for module in (__file__, wording.__file__, schema_check.__file__):
        digest.update(Path(module).read_bytes())
    for resource in descriptor.get("resources", []):
        if resource.get("name") in resource_names:
            paths = resource.get("path")
            for path in paths if isinstance(paths, list) else [paths]:
                digest.update(str(path).encode() + b"\0" + (Path(basepath) / str(path)).read_bytes())
    kept = cache / f"{digest.hexdigest()}.json"
    if kept.is_file():
        return [DataProblem(**p) for p in json.loads(kept.read_text(encoding="utf-8"))]
    problems = _validate_resources(package, descriptor, basepath, resource_names)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps([p.as_dict() for p in problems]), encoding="utf-8")
    return problems


def _validate_resources(package: str, descriptor: dict, basepath: str, resource_names: list[str]) -> list[DataProblem]:
    wanted = set(resource_names)
    trimmed = copy.deepcopy(descriptor)
    trimmed["resources"] = [r for r in trimmed["resources"] if r.get("name") in wanted]
    for resource in trimmed["resources"]:
        keys = resource["schema"].get("foreignKeys", [])
        resource["schema"]["foreignKeys"] = [fk for fk in keys if (fk["reference"]["resource"] or resource["name"]) in wanted]
    trimmed["profile"] = "data-package"
    report = Package.from_descriptor(trimmed, basepath=basepath).validate(limit_errors=10**7)
    problems = []
    for task in report.tasks:
        schema = next(r["schema"] for r in trimmed["resources"] if r["name"] == task.name)
        problems += [_convert(package, task.name, schema, e) for e in task.errors]
    return problems


def _convert(package: str, resource: str, schema: dict, e) -> DataProblem:
    code = e.type
    field = getattr(e, "field_name", None) or None
    row = getattr(e, "row_number", None)
    if code in LABEL_CODES:
        return label_problem(package, resource, code, e.field_number, getattr(e, "label", ""), field)
    if code in CELL_CODES:
        return error(package, resource, row, field, code, cell_message(code, field, getattr(e, "cell", None), e.note), hint(code))
    if code == "primary-key":
        label = ", ".join(schema.get("primaryKey", []))
        empty = '"None"' in e.note
        message = f"the key ({label}) is empty" if empty else f"the key ({label}) repeats an earlier row"
        return error(package, resource, row, label, code, message, hint(code))
    if code == "foreign-key":
        label = ", ".join(e.field_names)
        where = e.reference_name or resource
        ref = ", ".join(e.reference_field_names)
        match = re.search(r'values "(.*)" not found', e.note)
        shown = match[1] if match else ""
        return error(package, resource, row, label, code, f"'{shown}' in column '{label}' is not a {ref} in '{where}'", hint(code))
    return error(package, resource, row, field, code, e.message, hint(code))
