"""The data contract: which packages, resources and fields the site relies on.

The schemas themselves live in each package's datapackage.json (the council may add resources and
fields freely); this module only names what other code depends on, so a renamed column is a
clear contract error rather than a crash deep inside the site build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .problems import DataProblem, error
from .wording import hint

PACKAGES = ("places", "indicators", "targets", "partnerships")
#: Area types that are councils. A ward sits directly in a lower-tier one (never in a county: in a
#: two-tier area its parent is the district, and the district's parent the county).
COUNCIL_TYPES = frozenset({"county", "district", "unitary", "metropolitan_borough", "london_borough"})
WARD_PARENT_TYPES = COUNCIL_TYPES - {"county"}

REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {
        "areas": ("code", "name", "type", "parent_code", "valid_from", "valid_to"),
        "councillors": ("ward_code", "name", "party"),
    },
    "indicators": {
        "themes": ("id", "title"),
        "indicators": ("id", "title", "short_title", "theme", "unit", "decimals", "polarity", "scales", "source", "definition", "next_update"),
        "observations": ("indicator_id", "area_code", "period", "breakdown", "value", "lower_ci", "upper_ci", "status", "note"),
    },
    "targets": {
        "agreements": ("id", "area_code", "start", "end"),
        "targets": ("id", "agreement_id", "indicator_id", "type", "theme", "baseline_period", "baseline_value", "target_period", "target_value"),
        "milestones": ("target_id", "period", "value"),
        "target_partners": ("target_id", "organisation_id", "role"),
    },
    "partnerships": {
        "organisations": ("id", "name"),
        "partnerships": ("id", "name", "type", "area_code"),
        "memberships": ("partnership_id", "organisation_id", "role"),
    },
}


@dataclass(frozen=True)
class Package:
    name: str
    folder: Path
    descriptor: dict

    def resource(self, name: str) -> dict | None:
        return next((r for r in self.descriptor.get("resources", []) if r.get("name") == name), None)

    @property
    def tabular_resources(self) -> list[dict]:
        return [r for r in self.descriptor.get("resources", []) if isinstance(r.get("schema"), dict)]


def read_package(folder: Path, name: str) -> tuple[Package | None, list[DataProblem]]:
    """Read one package descriptor; a missing or malformed one is a problem, not an exception."""
    path = folder / "datapackage.json"
    if not path.is_file():
        return None, [error(name, "", None, None, "package-missing", f"{path} does not exist", hint("package-missing"))]
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        message = f"datapackage.json is not UTF-8 text ({exc.reason})"
        return None, [error(name, "", None, None, "package-malformed", message, hint("package-malformed"))]
    except json.JSONDecodeError as exc:
        message = f"datapackage.json is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return None, [error(name, "", exc.lineno, None, "package-malformed", message, hint("package-malformed"))]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        message = "datapackage.json must be an object with a 'resources' list"
        return None, [error(name, "", None, None, "package-invalid", message, hint("package-invalid"))]
    return Package(name, folder, descriptor), []


def check_contract(package: Package) -> list[DataProblem]:
    """Resources and fields the site depends on must exist in the package's schemas."""
    problems = []
    for resource_name, fields in REQUIRED.get(package.name, {}).items():
        resource = package.resource(resource_name)
        if resource is None or not isinstance(resource.get("schema"), dict):
            problems.append(error(package.name, resource_name, None, None, "contract-resource-missing",
                                  f"the package has no '{resource_name}' table with a schema", hint("contract-resource-missing")))
            continue
        present = {f.get("name") for f in resource["schema"].get("fields", [])}
        for field in fields:
            if field not in present:
                problems.append(error(package.name, resource_name, None, field, "contract-field-missing",
                                      f"the schema of '{resource_name}' has no column '{field}'", hint("contract-field-missing")))
    return problems
