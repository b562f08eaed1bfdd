"""Validate a data folder in three layers: schemas, references across packages, domain rules.

Layers 2 and 3 run only when layer 1 found no errors: a mistyped value would otherwise come back
as a string of knock-on complaints. The typed tables are returned with the report so the build
never reads the data twice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from .contract import PACKAGES, check_contract, read_package
from .dataset import Dataset
from .frictionless_check import descriptor_problems, validate_resources
from .problems import ValidationReport
from .references import check_references
from .rules import RULES, warnings_for
from .schema_check import check_foreign_keys, check_table
from .stages import timed
from .tables import check_file, read_raw, resource_path

Engine = Literal["auto", "frictionless", "vector"]
#: Packages whose CSV files add up to more than this are checked by the vectorised engine in "auto".
FRICTIONLESS_BYTES = 5_000_000


def validate_package(dataset: Dataset, report: ValidationReport, name: str, engine: Engine, cache: Path | None = None) -> None:
    package, problems = read_package(dataset.folder / name, name)
    report.add(problems)
    if package is None:
        return
    problems = descriptor_problems(name, package.descriptor, str(package.folder))
    report.add(problems)
    if problems:
        return
    report.add(check_contract(package))
    dataset.packages[name] = package
    readable = []
    for resource in package.tabular_resources:
        path = resource_path(package.folder, resource)
        file_problems = check_file(name, resource, path)
        report.add(file_problems)
        if not file_problems:
            readable.append((resource, path))
    size = sum(path.stat().st_size for _, path in readable)
    use_frictionless = engine == "frictionless" or (engine == "auto" and size <= FRICTIONLESS_BYTES)
    vector_problems, checked = [], {}
    for resource, path in readable:
        field_names = [f["name"] for f in resource["schema"].get("fields", [])]
        with timed("load"):
            raw = read_raw(name, resource["name"], path, field_names)
        table_problems, table = check_table(name, resource, raw)
        vector_problems += table_problems
        checked[resource["name"]] = table
        dataset.tables[(name, resource["name"])] = table
    if use_frictionless:
        # The vectorised read above still supplies the typed tables; Frictionless gives the verdict.
        report.add(validate_resources(name, package.descriptor, str(package.folder), [r["name"] for r, _ in readable], cache))
        return
    for resource, _ in readable:
        vector_problems += check_foreign_keys(name, resource, checked)
    report.add(vector_problems)


def validate_folder(folder: Path, engine: Engine = "auto", today: date | None = None,
                    cache: Path | None = None) -> tuple[ValidationReport, Dataset]:
    """Check every package in `folder`; OSError (unreadable files) is left to the caller.

    `cache` keeps Frictionless's verdicts on unchanged packages between builds.
    """
    report = ValidationReport()
    dataset = Dataset(folder)
    for name in PACKAGES:
        validate_package(dataset, report, name, engine, cache)
    if report.valid:
        report.checked_rules = True
        report.add(check_references(dataset))
        for rule in RULES:
            report.add(rule(dataset))
    report.add(warnings_for(dataset, today or date.today()))
    return report, dataset
