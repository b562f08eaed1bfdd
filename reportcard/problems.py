"""The one error type for every data problem, and the report that carries them.

Every layer (files, schemas, references, domain rules) reports through `DataProblem`, so a
council sees one format whichever check caught the mistake, and machines get one JSON shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class DataProblem:
    """Something wrong (error) or worth knowing (warning) about the data.

    `row` counts as a spreadsheet does: the header is row 1, so the first data row is 2.
    """

    package: str
    resource: str
    row: int | None
    field: str | None
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def as_dict(self) -> dict:
        return asdict(self)

    def sort_key(self) -> tuple:
        return (self.package, self.resource, self.row or 0, self.field or "", self.code, self.message)

    @property
    def where(self) -> str:
        parts = [f"{self.package}/{self.resource}" if self.resource else self.package]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"column '{self.field}'")
        return ", ".join(parts)


@dataclass
class ValidationReport:
    """All problems found in one data folder, errors and warnings apart."""

    problems: list[DataProblem] = field(default_factory=list)
    #: False when schema errors stopped the reference and domain-rule checks from running.
    checked_rules: bool = False

    def add(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[DataProblem]:
        return sorted((p for p in self.problems if p.severity == "error"), key=DataProblem.sort_key)

    @property
    def warnings(self) -> list[DataProblem]:
        return sorted((p for p in self.problems if p.severity == "warning"), key=DataProblem.sort_key)

    @property
    def summary(self) -> str:
        """'0 errors, 1 warning': the line every page carries."""
        errors, warnings = len(self.errors), len(self.warnings)
        return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def error(package, resource, row, field, code, message, hint="") -> DataProblem:
    return DataProblem(package, resource, row, field, code, message, hint, "error")


def warning(package, resource, row, field, code, message, hint="") -> DataProblem:
    return DataProblem(package, resource, row, field, code, message, hint, "warning")
