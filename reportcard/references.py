"""References across packages: every code and id a row points at must exist in the other package."""

from __future__ import annotations

import json

import numpy as np

from .dataset import Dataset, outside
from .problems import DataProblem, error
from .wording import hint

#: (package, resource, field) -> (package, resource, field) it must be found in.
CROSS_REFERENCES = [
    (("indicators", "observations", "area_code"), ("places", "areas", "code")),
    (("targets", "agreements", "area_code"), ("places", "areas", "code")),
    (("targets", "targets", "indicator_id"), ("indicators", "indicators", "id")),
    (("targets", "target_partners", "organisation_id"), ("partnerships", "organisations", "id")),
    (("partnerships", "partnerships", "area_code"), ("places", "areas", "code")),
    (("partnerships", "organisations", "area_code"), ("places", "areas", "code")),
]


def check_references(dataset: Dataset) -> list[DataProblem]:
    problems = []
    for (package, resource, field), (to_package, to_resource, to_field) in CROSS_REFERENCES:
        source = dataset.frame(package, resource, [field])
        target = dataset.frame(to_package, to_resource, [to_field])
        if source is None or target is None:
            continue
        known = set(target[to_field].dropna().astype(str))
        values = source[field]
        bad = outside(values, known).to_numpy()
        for i in np.flatnonzero(bad):
            problems.append(error(package, resource, int(source["_row"].iloc[i]), field, "unknown-reference",
                                  f"'{values.iloc[i]}' is not a {to_field} in {to_package}/{to_resource}", hint("unknown-reference")))
    return problems + check_boundaries(dataset)


def check_boundaries(dataset: Dataset) -> list[DataProblem]:
    """The optional ward boundaries file: GeoJSON whose features are each a known ward, once."""
    path = dataset.resource_path("places", "ward_boundaries")
    areas = dataset.frame("places", "areas", ["code", "type"])
    if path is None or areas is None:
        return []
    resource = "ward_boundaries"
    if not path.is_file():
        return [error("places", resource, None, None, "file-missing", f"the file {path.name} does not exist", hint("file-missing"))]
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
        features = collection["features"]
        codes = [feature["properties"]["area_code"] for feature in features]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        return [error("places", resource, None, None, "boundary-malformed", f"{path.name} is not usable GeoJSON ({exc})", hint("boundary-malformed"))]
    wards = set(areas.loc[areas["type"] == "ward", "code"].astype(str))
    problems, seen = [], set()
    for number, code in enumerate(codes, start=1):
        if code in seen:
            problems.append(error("places", resource, None, "area_code", "boundary-duplicate-feature",
                                  f"feature {number} repeats ward {code}", hint("boundary-duplicate-feature")))
        elif code not in wards:
            problems.append(error("places", resource, None, "area_code", "boundary-unknown-area",
                                  f"feature {number} has area_code '{code}', which is not a ward in places/areas", hint("boundary-unknown-area")))
        seen.add(code)
    return problems
